/*
 * The example's ParallelCluster setup, shared by the example app (examples/app.ts) and the local deploy
 * test (integ/deploy-app.ts), so that the test deploys exactly what the README shows.
 *
 * A Slurm cluster with a CPU and a GPU queue and a pool of login nodes, FSx for Lustre with an S3 data
 * repository, custom AMI builds, in permissions-boundary mode: the user may create roles for ParallelCluster only with the
 * organisation's boundary attached, and every role created here carries it as well.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IamAccessMode, ParallelClusterIam } from '../src';

/** What a caller of `addExampleCluster` may change (the deploy test's variants). */
export interface ExampleClusterOptions {
  /** The Slurm queues. Default: `cpu` and `gpu`. */
  readonly slurmQueues?: string[];
  /** FSx for Lustre with the data repository bucket. Default: on. */
  readonly enableFsxLustre?: boolean;
  /** The cluster roles' IAM path. Default: `/parallelcluster/`. */
  readonly iamPath?: string;
  /** Prefix of the names of the policies the example creates (IAM names are per account). Default: none. */
  readonly namePrefix?: string;
  /** Names of the Secrets Manager secrets the cluster configuration refers to. Default: the Slurm database password. */
  readonly secretNames?: string[];
}

/** Adds the example's boundary, shared node policy and `ParallelClusterIam` to `stack`. */
export function addExampleCluster(stack: Stack, options: ExampleClusterOptions = {}): ParallelClusterIam {
  const prefix = options.namePrefix ?? '';
  const fsx = options.enableFsxLustre ?? true;

  // The organisation's permissions boundary: anything, except managing IAM users and access keys and
  // leaving the organisation. A real one usually comes from a platform team: import it by name with
  // iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary').
  const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
    managedPolicyName: `${prefix}HpcBoundary`,
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

  // Software the nodes install at boot, from a bucket the organisation already has.
  const software = s3.Bucket.fromBucketName(stack, 'SoftwareBucket', 'example-hpc-software');
  const softwareRead = new iam.ManagedPolicy(stack, 'SoftwareRead', {
    managedPolicyName: `parallelcluster-${prefix ? `${prefix.toLowerCase()}-` : ''}software-read`,
    statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [software.arnForObjects('*')] })],
  });

  return new ParallelClusterIam(stack, 'Cluster', {
    slurmQueues: options.slurmQueues ?? ['cpu', 'gpu'],
    loginNodePools: ['login'],
    iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
    enableFsxLustre: fsx,
    fsxDataRepositoryBuckets: fsx ? [s3.Bucket.fromBucketName(stack, 'DataRepository', 'example-hpc-data')] : [],
    enableImageBuilder: true,
    additionalIamPolicies: [softwareRead],
    secrets: (options.secretNames ?? ['hpc/slurmdbd-password']).map((name, i) =>
      secretsmanager.Secret.fromSecretNameV2(stack, i === 0 ? 'SlurmDbPassword' : `Secret${i + 1}`, name)),
    iamPath: options.iamPath,
  });
}
