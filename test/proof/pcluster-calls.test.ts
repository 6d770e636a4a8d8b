import { simulateCatalogueVariantsOnly } from '../support/catalogue';
import { ModeName, MODE_NAMES, shapedWorld } from '../support/cluster-world';
import { CallerRole, PclusterCall, describeCall, namedResources, parallelClusterCalls } from '../support/pcluster-calls';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment } from '../support/stacks';

/*
 * The ParallelCluster calls matrix (issue 12): every request pcluster and its stacks make (see
 * test/support/pcluster-calls.ts, derived from the 3.16.1 wheel) is Allowed at LATEST for the role that
 * makes it, in every IAM access mode and partition. Every narrowing of the library must keep it so.
 */

// Every stack simulated here is one the newest-aws-cdk-lib run compares (test/support/catalogue.ts).
simulateCatalogueVariantsOnly();

const CLUSTER = 'hpc-prod';
const IMAGE = 'hpc-image-1';

interface World {
  readonly sims: Partial<Record<CallerRole, PolicySimulator>>;
  readonly calls: PclusterCall[];
}

function build(env: TestEnvironment, mode: ModeName): World {
  // The settings of issue 19 (what the configuration or the CLI names), given as literal ARNs.
  // FSx for Lustre on: the stack's FSx requests are in the matrix.
  const { cluster, sims, arn, boundary } = shapedWorld(env, mode, 'named');
  const calls = parallelClusterCalls({
    ...namedResources(env),
    fsxLustre: true,
    env,
    clusterName: CLUSTER,
    imageId: IMAGE,
    roleArns: {
      headNode: arn(cluster.headNodeRole.role, 'Arn'),
      computeNode: arn(cluster.computeNodeRoles.compute.role, 'Arn'),
      loginNode: arn(cluster.loginNodeRoles.login.role, 'Arn'),
      lambdaFunctions: arn(cluster.lambdaFunctionsRole.role, 'Arn'),
      imageInstance: arn(cluster.imageBuilderRoles!.instanceRole, 'Arn'),
    },
    boundaryArn: mode === 'permissionsBoundary' ? arn(boundary) : undefined,
  });
  return { sims, calls };
}

describe.each(ENVIRONMENTS)('ParallelCluster calls in $partition', (env) => {
  describe.each(MODE_NAMES)('%s mode', (mode) => {
    let world: World;
    beforeAll(() => {
      world = build(env, mode);
    });

    test('every request pcluster and its stacks make is allowed for the role that makes it', async () => {
      const rows = world.calls.flatMap((call) => call.roles
        .filter((role) => world.sims[role] !== undefined)
        .map((role) => ({ role, call })));
      // Every role of the matrix is exercised (the user in this mode and every cluster role).
      expect(new Set(rows.map((r) => r.role)).size).toBe(7);
      const decisions = await Promise.all(rows.map(({ role, call }) => world.sims[role]!.decision(call.action, call.resource, call.context)));
      const refused = rows.flatMap(({ role, call }, i) => (decisions[i] === 'Allowed' ? []
        : [`${role} ${call.operation}: ${describeCall(call)} (${call.source}): ${decisions[i]}`]));
      expect(refused).toEqual([]);
      expect(rows.length).toBeGreaterThan(100);
    });
  });
});

test('the matrix is a function of the cluster name (per-cluster scoping reuses it)', () => {
  const a = parallelClusterCalls({ env: ENVIRONMENTS[0], clusterName: 'alpha' });
  const b = parallelClusterCalls({ env: ENVIRONMENTS[0], clusterName: 'beta' });
  expect(a.length).toBe(b.length);
  expect(a.some((c) => c.resource.includes('stack/alpha/'))).toBe(true);
  expect(b.some((c) => c.resource.includes('alpha'))).toBe(false);
});
