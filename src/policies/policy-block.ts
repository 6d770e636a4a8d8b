import { ClusterScope, scopeToCluster } from './cluster-scope';
import { PolicyContext } from './context';
import { scopeToRegion, validateScopeRegion } from './region-scope';
import { PolicyBlock, revise } from './revisions';
import { applyServiceFixes } from './service-fixes';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { iam, IConstruct, Stack, Token } from '../private/cdk';
import { partitionOfRegion, possiblePartitions } from '../private/partition';

/**
 * The final statements of one policy block: the factory's statements (the doc's revision) with the
 * changes of every ParallelCluster revision up to `ctx.version` and the service-side fixes that
 * revision needs (service-fixes.ts), scoped to `ctx.clusterScope` and to `ctx.scopeRegion` when they are
 * set. Every construct builds its policies through this one function.
 */
export function policyBlock(ctx: PolicyContext, block: PolicyBlock, statements: iam.PolicyStatement[]): iam.PolicyStatement[] {
  let revised = applyServiceFixes(block, revise(block, statements, ctx, ctx.version), ctx, ctx.version);
  // Cluster scoping before region scoping, so that the ARNs it writes get the region too. Image
  // builds are not clusters: their blocks are never scoped to one.
  if (ctx.clusterScope !== undefined && !block.startsWith('imageBuilder') && block !== 'user.imageBuilder') {
    revised = scopeToCluster(revised, ctx, ctx.clusterScope);
  }
  return ctx.scopeRegion === undefined ? revised : scopeToRegion(revised, ctx.scopeRegion);
}

/** The revision and region options every construct accepts. */
export interface RevisionOptions {
  readonly parallelClusterVersion?: ParallelClusterVersion;
  readonly region?: string;
}

/**
 * The policy context of a construct, after checking its `region` option: a region name (or token) that
 * belongs to the stack's partition, since the ARNs are built with the stack's partition.
 */
export function policyContextFor(scope: IConstruct, iamPath: string, options: RevisionOptions, clusterScope?: ClusterScope): PolicyContext {
  const region = options.region;
  if (region !== undefined) {
    validateScopeRegion('region', region);
    const stackPartitions = possiblePartitions(scope);
    if (!Token.isUnresolved(region) && !stackPartitions.includes(partitionOfRegion(region))) {
      throw new Error(
        `region '${region}' is in partition ${partitionOfRegion(region)}, but the stack ${Stack.of(scope).stackName} is ` +
        `deployed to ${Stack.of(scope).region} (partition ${stackPartitions.join(', ')}): the ARNs would not match. ` +
        'Deploy the stack in the same partition as the cluster, or leave region unset.',
      );
    }
  }
  return new PolicyContext(scope, iamPath, { version: options.parallelClusterVersion, region, clusterScope });
}
