/**
 * The CDK app the local deploy test (`npx projen integ:local`, see docs/deploy-test.md) deploys to
 * the emulator. It is an ordinary app: `cdk deploy --app 'ts-node integ/deploy-app.ts'`.
 *
 * Variant `base` (the default) is the setup of the example app (examples/app.ts): a Slurm cluster with
 * a CPU and a GPU queue, FSx for Lustre with an S3 data repository, custom AMI builds, additional
 * policies and a secret, in permissions-boundary mode, built by the same examples/example-cluster.ts,
 * here on a non-default IAM path so that a path that is lost on the way shows, and with its own policy
 * names.
 *
 * Variant `updated` (context `integ:variant=updated`) is the update of the same stack: one add-on
 * toggled (FSx for Lustre off), one queue added (`mem`) and one secret added (a custom munge key), which
 * changes the head node's and the user's policies in place.
 */
import { App, Stack } from 'aws-cdk-lib';
import { INTEG_IAM_PATH, INTEG_STACK_NAME, VARIANTS } from './constants';
import { addExampleCluster } from '../examples/example-cluster';

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

addExampleCluster(stack, {
  slurmQueues: updated ? ['cpu', 'gpu', 'mem'] : ['cpu', 'gpu'],
  enableFsxLustre: !updated,
  iamPath: INTEG_IAM_PATH,
  namePrefix: 'Integ',
  secretNames: updated ? ['hpc/slurmdbd-password', 'hpc/munge-key'] : undefined,
});
