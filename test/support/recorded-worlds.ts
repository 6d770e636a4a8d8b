import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ModeName, clusterWorld } from './cluster-world';
import { RecordedRole, RecordedRoleArns, standInId } from './recorded-calls';
import { PolicySimulator } from './simulate';
import { TestEnvironment, markVariant, stackIn } from './stacks';
import { IamAccessMode, ParallelClusterIam, ParallelClusterVersion } from '../../src';

/*
 * The roles the recorded calls (test/support/recorded-calls.ts) are simulated against: one "world" per
 * revision, partition, IAM access mode of the user and cluster scope.
 */

export interface RecordedWorld {
  /** e.g. `LATEST aws restricted`, `V3_5 aws privileged clusterName`. */
  readonly label: string;
  /** The stack the roles are in (a catalogue variant, test/support/catalogue.ts). */
  readonly stack: Stack;
  readonly revision: string;
  readonly mode: ModeName;
  readonly scoped: boolean;
  /** Simulators of the roles that make recorded calls (the user in `mode`). */
  readonly sims: Partial<Record<RecordedRole, PolicySimulator>>;
  readonly roleArns: RecordedRoleArns;
}

/** The bucket the recorder exports logs to (`export-cluster-logs --bucket`), given as `logExportBuckets`. */
function exportBucket(env: TestEnvironment): s3.IBucket {
  return s3.Bucket.fromBucketName(stackIn(env, 'Exports'), 'Exports', 'hpc-log-exports');
}

/**
 * What src/config/derive.ts gives the head node for the recorder's configuration
 * (scripts/recorded-calls/cluster-config.yaml): its queues' subnet, no custom AMI (the official one), no
 * existing EBS volume.
 */
const RECORDED_HEAD_NODE = {
  computeSubnetIds: [standInId('SubnetId')],
  computeImageIds: [] as string[],
  sharedStorageVolumeIds: [] as string[],
};

/** The cluster name scoped worlds are limited to (the recorder's cluster). */
export const SCOPED_CLUSTER = 'hpc-prod';

/** The catalogue id of a `latestWorld` (test/support/catalogue.ts). */
export function latestWorldId(env: TestEnvironment, mode: ModeName, scoped: boolean): string {
  return `recorded-world/LATEST${scoped ? '-scoped' : ''}/${env.partition}/${mode}`;
}

/** The catalogue id of a `revisionWorld`. */
export function revisionWorldId(env: TestEnvironment, version: ParallelClusterVersion, mode: ModeName): string {
  return `recorded-world/${revisionName(version)}/${env.partition}/${mode}`;
}

/** Every role of `ParallelClusterIam` at LATEST (user in `mode`), optionally scoped to the recorder's cluster. */
export function latestWorld(env: TestEnvironment, mode: ModeName, scoped: boolean): RecordedWorld {
  // The recorded cluster has FSx for Lustre (scripts/recorded-calls/cluster-config.yaml).
  const { stack, cluster, sims, arn } = clusterWorld(env, mode, {
    enableFsxLustre: true, logExportBuckets: [exportBucket(env)], ...RECORDED_HEAD_NODE, ...(scoped ? { clusterName: SCOPED_CLUSTER } : {}),
  }, latestWorldId(env, mode, scoped));
  return {
    label: `LATEST ${env.partition} ${mode}${scoped ? ' clusterName' : ''}`,
    stack,
    revision: 'LATEST',
    mode,
    scoped,
    sims: { user: sims[`user.${mode}`], headNode: sims.headNode, computeNode: sims.computeNode, loginNode: sims.loginNode },
    roleArns: {
      headNode: arn(cluster.headNodeRole.role, 'Arn'),
      computeNode: arn(cluster.computeNodeRoles.compute.role, 'Arn'),
      loginNode: arn(cluster.loginNodeRoles.login.role, 'Arn'),
      imageInstance: arn(cluster.imageBuilderRoles!.instanceRole, 'Arn'),
      imageCleanup: arn(cluster.imageBuilderRoles!.cleanupLambdaRole, 'Arn'),
    },
  };
}

/** The revision's name (`V3_5`) as the tests print it. */
export function revisionName(version: ParallelClusterVersion): string {
  return `V${version.version.replace('.', '_')}`;
}

/**
 * The user role (and the node roles) at an earlier revision, in `mode`: a Slurm cluster with a queue, image
 * building, and a login pool from 3.7 on (the release that brought login nodes).
 */
export function revisionWorld(env: TestEnvironment, version: ParallelClusterVersion, mode: ModeName): RecordedWorld {
  const stack = markVariant(stackIn(env), revisionWorldId(env, version, mode));
  const boundary = new iam.ManagedPolicy(stack, 'ClusterBoundary', {
    managedPolicyName: 'cluster-boundary',
    statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
  });
  const withLogin = version.isAtLeast(ParallelClusterVersion.V3_7);
  const cluster = new ParallelClusterIam(stack, 'Cluster', {
    parallelClusterVersion: version,
    iamAccessMode: mode === 'restricted' ? IamAccessMode.restricted()
      : mode === 'privileged' ? IamAccessMode.privileged() : IamAccessMode.permissionsBoundary(boundary),
    slurmQueues: ['compute'],
    loginNodePools: withLogin ? ['login'] : [],
    enableImageBuilder: true,
    enableFsxLustre: true,
    logExportBuckets: [exportBucket(env)],
    ...RECORDED_HEAD_NODE,
  });
  const user = PolicySimulator.forRole(stack, cluster.userRole.role);
  const arnOf = (role: iam.IRole) => user.evaluate({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as CfnElement), 'Arn'] });
  const sims: RecordedWorld['sims'] = {
    user,
    headNode: PolicySimulator.forRole(stack, cluster.headNodeRole.role),
    computeNode: PolicySimulator.forRole(stack, cluster.computeNodeRoles.compute.role),
    ...(withLogin ? { loginNode: PolicySimulator.forRole(stack, cluster.loginNodeRoles.login.role) } : {}),
  };
  return {
    label: `${revisionName(version)} ${env.partition} ${mode}`,
    stack,
    revision: revisionName(version),
    mode,
    scoped: false,
    sims,
    roleArns: {
      headNode: arnOf(cluster.headNodeRole.role),
      computeNode: arnOf(cluster.computeNodeRoles.compute.role),
      loginNode: withLogin ? arnOf(cluster.loginNodeRoles.login.role) : arnOf(cluster.headNodeRole.role),
      imageInstance: arnOf(cluster.imageBuilderRoles!.instanceRole),
      imageCleanup: arnOf(cluster.imageBuilderRoles!.cleanupLambdaRole),
    },
  };
}
