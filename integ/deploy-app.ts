/**
 * The CDK app the local deploy test (`npx projen integ:local`, see docs/deploy-test.md) deploys to
 * the emulator. It is an ordinary app: `cdk deploy --app 'ts-node integ/deploy-app.ts'`.
 *
 * Variant `base` (the default) is the setup of the example app (examples/app.ts): a Slurm cluster with
 * a CPU and a GPU queue, FSx for Lustre with an S3 data repository, custom AMI builds, additional
 * policies and a secret, in permissions-boundary mode. The example itself is a script that writes
 * its own cloud assembly and prints a summary, so its construct tree is repeated here as a `cdk` app,
 * on a non-default IAM path so that a path that is lost on the way shows.
 *
 * Variant `updated` (context `integ:variant=updated`) is the update of the same stack: one add-on
 * toggled (FSx for Lustre off) and one queue added (`mem`).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { INTEG_IAM_PATH, INTEG_STACK_NAME, VARIANTS } from './constants';
import { IamAccessMode, ParallelClusterIam } from '../src';

const app = new App();
const variant = app.node.tryGetContext('integ:variant') ?? 'base';
if (!(VARIANTS as readonly string[]).includes(variant)) {
  throw new Error(`Context integ:variant is '${variant}': use one of ${VARIANTS.join(', ')}.`);
}
const updated = variant === 'updated';

// The CLI sets CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION from the (emulator's) credentials: a concrete
// environment, as in the example, so that the cluster roles get their synthesis-time names.
const stack = new Stack(app, INTEG_STACK_NAME, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
  managedPolicyName: 'IntegHpcBoundary',
  description: 'Permissions boundary of every ParallelCluster role',
  statements: [
    new iam.PolicyStatement({ sid: 'AllowEverythingElse', actions: ['*'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'DenyIdentityAdministration',
      effect: iam.Effect.DENY,
      actions: ['iam:*User*', 'iam:*AccessKey*', 'iam:*LoginProfile*', 'organizations:*', 'account:*'],
      resources: ['*'],
    }),
  ],
});

const software = s3.Bucket.fromBucketName(stack, 'SoftwareBucket', 'example-hpc-software');
const softwareRead = new iam.ManagedPolicy(stack, 'SoftwareRead', {
  managedPolicyName: 'parallelcluster-integ-software-read',
  statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [software.arnForObjects('*')] })],
});

new ParallelClusterIam(stack, 'Cluster', {
  slurmQueues: updated ? ['cpu', 'gpu', 'mem'] : ['cpu', 'gpu'],
  iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
  enableFsxLustre: !updated,
  fsxDataRepositoryBuckets: updated ? [] : [s3.Bucket.fromBucketName(stack, 'DataRepository', 'example-hpc-data')],
  enableImageBuilder: true,
  additionalIamPolicies: [softwareRead],
  secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'SlurmDbPassword', 'hpc/slurmdbd-password')],
  iamPath: INTEG_IAM_PATH,
});
