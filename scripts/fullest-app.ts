/*
 * The fullest configuration: every construct of the library with every option switched on, so that the
 * linters (scripts/lint-policies.sh), cdk-nag (test/proof/cdk-nag.test.ts) and the benchmark see every statement
 * the library can write.
 *
 * Run directly, it synthesizes one stack per partition into the given directory:
 *   ts-node --project tsconfig.dev.json scripts/fullest-app.ts fullest.out
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import {
  ComputeNodeRole,
  HeadNodeRole,
  IamAccessMode,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  LoginNodeRole,
  ParallelClusterIam,
  ParallelClusterUserRole,
  ParallelClusterVersion,
  Scheduler,
} from '../src';

/** The account every fixed-environment stack here is in. */
export const FULLEST_ACCOUNT = '123456789012';

/** One region per partition: the linters and cdk-nag look at each. */
export const FULLEST_REGIONS = ['us-east-1', 'us-gov-west-1', 'cn-north-1'];

/** The constructs of the fullest configuration, by the name the checks report them under. */
export interface FullestConstructs {
  readonly [name: string]: Construct;
}

/** Adds every construct of the library, every option on, to `stack`. */
export function addFullestConfiguration(stack: Stack): FullestConstructs {
  const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'ClusterBoundary', 'parallelcluster-boundary');
  const additional = [
    iam.ManagedPolicy.fromManagedPolicyName(stack, 'SiteTools', 'site-hpc-tools'),
    iam.ManagedPolicy.fromManagedPolicyName(stack, 'SiteLicences', 'site-licence-servers'),
  ];
  const secrets = [
    secretsmanager.Secret.fromSecretNameV2(stack, 'SlurmDbPassword', 'parallelcluster/slurmdbd-password'),
    secretsmanager.Secret.fromSecretNameV2(stack, 'AdPassword', 'parallelcluster/ad-read-only-password'),
  ];
  const dataBucket = s3.Bucket.fromBucketName(stack, 'FsxData', 'hpc-fsx-data-repository');
  const s3Access = [
    { bucket: s3.Bucket.fromBucketName(stack, 'Software', 'hpc-software'), keyPattern: 'installers/*' },
    { bucket: s3.Bucket.fromBucketName(stack, 'Results', 'hpc-results'), enableWriteAccess: true },
  ];
  const customComputeRole = iam.Role.fromRoleName(stack, 'CustomComputeRole', 'site-managed-compute-node-role');
  const iamPath = '/hpc/parallelcluster/';

  // The one-construct setup, both schedulers, every add-on.
  const slurmCluster = new ParallelClusterIam(stack, 'SlurmCluster', {
    scheduler: Scheduler.SLURM,
    slurmQueues: ['cpu', 'gpu', 'highmem'],
    iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [dataBucket],
    enableImageBuilder: true,
    additionalIamPolicies: additional,
    secrets,
    iamPath,
    lambdaFunctionsInVpc: true,
  });
  // AWS Batch ends with ParallelCluster 3.15: its constructs use the last revision that has it.
  const batchCluster = new ParallelClusterIam(stack, 'BatchCluster', {
    parallelClusterVersion: ParallelClusterVersion.V3_15,
    scheduler: Scheduler.AWS_BATCH,
    iamAccessMode: IamAccessMode.privileged(),
    permissionsBoundary: boundary,
    enableFsxLustre: true,
    enableImageBuilder: true,
    additionalIamPolicies: additional,
    secrets,
    iamPath: '/hpc/batch/',
  });

  // The policies exactly as the ParallelCluster doc has them (the library's first revision), next to the
  // latest ones above: both are what users deploy.
  const docRevisionCluster = new ParallelClusterIam(stack, 'DocRevisionCluster', {
    parallelClusterVersion: ParallelClusterVersion.V3_2,
    iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [dataBucket],
    enableImageBuilder: true,
    additionalIamPolicies: additional,
    secrets,
    iamPath: '/hpc/doc/',
  });
  const docRevisionBatchUser = new ParallelClusterUserRole(stack, 'DocRevisionBatchUserRole', {
    parallelClusterVersion: ParallelClusterVersion.V3_2,
    iamAccessMode: IamAccessMode.privileged(),
    enableAwsBatch: true,
    iamPath: '/hpc/doc/',
  });

  // Each construct on its own, with the options the composite does not reach.
  const userRole = new ParallelClusterUserRole(stack, 'UserRole', {
    parallelClusterVersion: ParallelClusterVersion.V3_15,
    iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
    enableAwsBatch: true,
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [dataBucket],
    enableImageBuilder: true,
    secrets,
    additionalIamPolicies: additional,
    customRoles: [customComputeRole],
    iamPath,
    permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'UserBoundary', 'parallelcluster-user-boundary'),
  });
  const computeNodeRole = new ComputeNodeRole(stack, 'ComputeNodeRole', {
    secrets,
    s3Access,
    additionalIamPolicies: additional,
    permissionsBoundary: boundary,
    iamPath,
  });
  const headNodeRole = new HeadNodeRole(stack, 'HeadNodeRole', {
    scheduler: Scheduler.SLURM,
    computeNodeRoles: [computeNodeRole.role, customComputeRole],
    secrets,
    s3Access,
    additionalIamPolicies: additional,
    permissionsBoundary: boundary,
    iamPath,
  });
  const batchHeadNodeRole = new HeadNodeRole(stack, 'BatchHeadNodeRole', {
    parallelClusterVersion: ParallelClusterVersion.V3_15,
    scheduler: Scheduler.AWS_BATCH,
    secrets,
    s3Access,
    additionalIamPolicies: additional,
    permissionsBoundary: boundary,
    iamPath,
  });
  const lambdaFunctionsRole = new LambdaFunctionsRole(stack, 'LambdaFunctionsRole', {
    lambdaFunctionsInVpc: true,
    permissionsBoundary: boundary,
    iamPath,
  });
  const imageBuilderRoles = new ImageBuilderRoles(stack, 'ImageBuilderRoles', {
    additionalIamPolicies: additional,
    permissionsBoundary: boundary,
    iamPath,
    lambdaFunctionsInVpc: true,
  });
  const loginNodeRole = new LoginNodeRole(stack, 'LoginNodeRole', {
    additionalIamPolicies: additional,
    permissionsBoundary: boundary,
    iamPath,
  });
  return {
    ParallelClusterIam: slurmCluster,
    ParallelClusterIamBatch: batchCluster,
    ParallelClusterIamDocRevision: docRevisionCluster,
    ParallelClusterUserRoleDocRevision: docRevisionBatchUser,
    ParallelClusterUserRole: userRole,
    HeadNodeRole: headNodeRole,
    HeadNodeRoleBatch: batchHeadNodeRole,
    ComputeNodeRole: computeNodeRole,
    LambdaFunctionsRole: lambdaFunctionsRole,
    ImageBuilderRoles: imageBuilderRoles,
    LoginNodeRole: loginNodeRole,
  };
}

/** A stack holding the fullest configuration; env-agnostic when `region` is undefined. */
export function fullestStack(app: App, id: string, region?: string, props: StackProps = {}): { stack: Stack; constructs: FullestConstructs } {
  const stack = new Stack(app, id, {
    ...props,
    env: region ? { region, account: FULLEST_ACCOUNT } : undefined,
    description: 'cdk-parallelcluster-iam: every construct with every option (lint and benchmark fixture)',
  });
  return { stack, constructs: addFullestConfiguration(stack) };
}

/** The stack id for a region: `Fullest-us-east-1`. */
export function fullestStackId(region: string): string {
  return `Fullest-${region}`;
}

/** Synthesizes one fullest stack per region of FULLEST_REGIONS into `outdir`, and prints their templates. */
export function synthFullest(outdir: string): void {
  const app = new App({ outdir });
  for (const region of FULLEST_REGIONS) {
    fullestStack(app, fullestStackId(region), region);
  }
  const assembly = app.synth();
  for (const stack of assembly.stacks) {
    console.log(`${stack.stackName}: ${assembly.directory}/${stack.templateFile}`);
  }
}

if (require.main === module) {
  synthFullest(process.argv[2] ?? 'fullest.out');
}
