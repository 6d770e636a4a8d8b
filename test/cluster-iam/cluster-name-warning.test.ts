import { Annotations, App, Stack } from 'aws-cdk-lib';
import { Annotations as AssemblyAnnotations, Match } from 'aws-cdk-lib/assertions';
import { ParallelClusterIam } from '../../src';
import { awsStack } from '../support/stacks';

/*
 * Default scoping (issue 18 item 11): without clusterName the node and Lambda roles reach every cluster's
 * resources in the account. ParallelClusterIam says so with a warning the user can acknowledge.
 */
const ID = 'cdk-parallelcluster-iam:noClusterName';

function warnings(stack: Stack): string[] {
  (stack.node.root as App).synth();
  return AssemblyAnnotations.fromStack(stack).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data));
}

// acknowledgeWarning came with addWarningV2, after the 2.88 floor: the newest-aws-cdk-lib run exercises it.
const canAcknowledge = typeof (Annotations.prototype as any).acknowledgeWarning === 'function';

test('the ID is a public constant', () => {
  expect(ParallelClusterIam.NO_CLUSTER_NAME_WARNING).toBe(ID);
});

test('without clusterName: one warning that names the reach, the fix and the ID', () => {
  const stack = awsStack('Unscoped');
  new ParallelClusterIam(stack, 'Cluster');
  const found = warnings(stack);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(/^clusterName is not set: .*every cluster in the account.* Set clusterName .* \[ack: cdk-parallelcluster-iam:noClusterName\]$/);
});

test('with clusterName: no warning', () => {
  const stack = awsStack('Scoped');
  new ParallelClusterIam(stack, 'Cluster', { clusterName: 'genomics' });
  expect(warnings(stack)).toEqual([]);
});

(canAcknowledge ? test : test.skip)('acknowledging the ID removes the warning', () => {
  const stack = awsStack('Acknowledged');
  const cluster = new ParallelClusterIam(stack, 'Cluster');
  (Annotations.of(cluster) as any).acknowledgeWarning(ParallelClusterIam.NO_CLUSTER_NAME_WARNING, 'these roles serve every cluster of the account');
  expect(warnings(stack)).toEqual([]);
});
