import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { CallerRole, namedResourceProps } from './pcluster-calls';
import { PolicySimulator } from './simulate';
import { TestEnvironment, markVariant, stackIn } from './stacks';
import { IamAccessMode, ParallelClusterIam, ParallelClusterIamProps, ParallelClusterVersion } from '../../src';

export type ModeName = 'restricted' | 'privileged' | 'permissionsBoundary';
export const MODE_NAMES: ModeName[] = ['restricted', 'privileged', 'permissionsBoundary'];

/** Every role of one ParallelClusterIam (a Slurm cluster with a queue, a login pool and image building), simulated. */
export interface ClusterWorld {
  readonly stack: Stack;
  readonly cluster: ParallelClusterIam;
  readonly sims: Partial<Record<CallerRole, PolicySimulator>>;
  /** The evaluated ARN (`Ref` or `GetAtt`) of a construct of the stack. */
  readonly arn: (construct: IConstruct, attribute?: string) => string;
  readonly boundary: iam.ManagedPolicy;
}

/**
 * The roles of `ParallelClusterIam` at LATEST in `env`, with the user in `mode`; `props` adds to (or
 * overrides) the world's properties, for example `clusterName` (per-cluster scoping). `variantId` marks the
 * stack as that variant of the catalogue (test/support/catalogue.ts).
 */
export function clusterWorld(env: TestEnvironment, mode: ModeName, props: Partial<ParallelClusterIamProps> = {}, variantId?: string): ClusterWorld {
  const stack: Stack = stackIn(env);
  if (variantId !== undefined) {
    // Before the simulators: the simulation proofs check the mark (test/support/catalogue.ts).
    markVariant(stack, variantId);
  }
  const boundary = new iam.ManagedPolicy(stack, 'ClusterBoundary', {
    managedPolicyName: 'cluster-boundary',
    statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
  });
  const cluster = new ParallelClusterIam(stack, 'Cluster', {
    parallelClusterVersion: ParallelClusterVersion.LATEST,
    iamAccessMode: mode === 'restricted' ? IamAccessMode.restricted()
      : mode === 'privileged' ? IamAccessMode.privileged() : IamAccessMode.permissionsBoundary(boundary),
    slurmQueues: ['compute'],
    loginNodePools: ['login'],
    enableImageBuilder: true,
    ...props,
  });
  const sim = (role: iam.IRole) => PolicySimulator.forRole(stack, role);
  const user = sim(cluster.userRole.role);
  const arn = (construct: IConstruct, attribute?: string): string => {
    const id = stack.getLogicalId(construct.node.defaultChild as CfnElement);
    return user.evaluate(attribute ? { 'Fn::GetAtt': [id, attribute] } : { Ref: id });
  };
  const sims: ClusterWorld['sims'] = {
    [`user.${mode}`]: user,
    headNode: sim(cluster.headNodeRole.role),
    computeNode: sim(cluster.computeNodeRoles.compute.role),
    loginNode: sim(cluster.loginNodeRoles.login.role),
    lambdaFunctions: sim(cluster.lambdaFunctionsRole.role),
    imageInstance: sim(cluster.imageBuilderRoles!.instanceRole),
    imageCleanup: sim(cluster.imageBuilderRoles!.cleanupLambdaRole),
  };
  return { stack, cluster, sims, arn, boundary };
}

/**
 * The worlds the attack matrix and the calls matrix simulate, by name (the catalogue enumerates them, see
 * test/support/catalogue.ts): `plain`; `fsx` (FSx for Lustre on); `scoped` (to the cluster `hpc-prod`);
 * `named` (FSx for Lustre on and the resources the configuration names, issue 19, as literal ARNs).
 */
export const WORLD_SHAPES = ['plain', 'fsx', 'scoped', 'named'] as const;
export type WorldShape = typeof WORLD_SHAPES[number];

/** The cluster the `scoped` world is limited to. */
export const SHAPED_WORLD_CLUSTER = 'hpc-prod';

/** The catalogue id of a shaped world. */
export function shapedWorldId(env: TestEnvironment, mode: ModeName, shape: WorldShape): string {
  return `cluster-world/${shape}/${env.partition}/${mode}`;
}

/** `clusterWorld` with the properties of `shape`, its stack marked as a catalogue variant. */
export function shapedWorld(env: TestEnvironment, mode: ModeName, shape: WorldShape): ClusterWorld {
  const props: Partial<ParallelClusterIamProps> = shape === 'plain' ? {}
    : shape === 'fsx' ? { enableFsxLustre: true }
      : shape === 'scoped' ? { clusterName: SHAPED_WORLD_CLUSTER }
        : { ...namedResourceProps(stackIn(env, 'Imports'), env), enableFsxLustre: true };
  return clusterWorld(env, mode, props, shapedWorldId(env, mode, shape));
}
