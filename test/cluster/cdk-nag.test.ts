import * as path from 'path';
import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { ClusterConfiguration, ParallelCluster } from '../../src';
import { awsStack } from '../support/stacks';

/*
 * cdk-nag's AwsSolutions pack on a stack with a ParallelCluster. What lives in the AWS-owned provider
 * template (its Lambda functions, layer, bucket and log group) is not in this template, so cdk-nag
 * cannot see it and no suppression is needed for it: docs/cluster.md lists what that template holds.
 * The cluster's roles are the library's ParallelClusterIam, whose findings test/proof/cdk-nag.test.ts
 * suppresses one by one; here they are suppressed as a group. The provider role's own findings are
 * listed one by one, each with its reason; anything else fails the test.
 */

const P = '<AWS::Partition>';

function nagged(): { stack: Stack; cluster: ParallelCluster } {
  const stack = awsStack();
  const cluster = new ParallelCluster(stack, 'Hpc', {
    configuration: ClusterConfiguration.fromFile(path.join(__dirname, 'cluster.yaml')),
    clusterName: 'hpc-1',
  });
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
  return { stack, cluster };
}

test('the only AwsSolutions findings are the suppressed, explained ones', () => {
  const { stack, cluster } = nagged();
  const { region, account } = stack;
  NagSuppressions.addResourceSuppressions(cluster.iam, [
    { id: 'AwsSolutions-IAM4', reason: 'The cluster roles (ParallelClusterIam): each AWS managed policy is justified in test/proof/cdk-nag.test.ts.' },
    { id: 'AwsSolutions-IAM5', reason: 'The cluster roles (ParallelClusterIam): each wildcard is justified in test/proof/cdk-nag.test.ts.' },
  ], true);
  const provider = stack.node.findChild('ParallelClusterProvider-3-16-1');
  NagSuppressions.addResourceSuppressions(provider, [{
    id: 'AwsSolutions-IAM5',
    reason: 'The provider role. The user policies are the cluster-scoped ParallelClusterIam user policies (wildcards justified in ' +
      'test/proof/cdk-nag.test.ts). The runtime statements name what the provider template generates at deploy time: ' +
      'its function pcluster-cfn-<provider stack id> and log group, the cleanup function and bucket named after this stack, ' +
      'the polling rules <resource logical id><8 random characters>; X-Ray trace writes have no resource type.',
    appliesTo: [
      `Resource::arn:${P}:logs:${region}:${account}:log-group:/aws/lambda/pcluster-cfn-*`,
      `Resource::arn:${P}:logs:${region}:${account}:log-group:/aws/lambda/pcluster-cfn-*:log-stream:*`,
      `Resource::arn:${P}:logs:${region}:${account}:log-group:/aws/lambda/TestStack-*`,
      `Resource::arn:${P}:logs:${region}:${account}:log-group:/aws/lambda/TestStack-*:log-stream:*`,
      'Resource::*',
      `Resource::arn:${P}:s3:::teststack-*/*`,
      `Resource::arn:${P}:s3:::teststack-*`,
      `Resource::arn:${P}:lambda:${region}:${account}:function:pcluster-cfn-*`,
      `Resource::arn:${P}:cloudformation:${region}:${account}:stack/TestStack/*`,
      `Resource::arn:${P}:events:${region}:${account}:rule/HpcB1594840*`,
    ],
  }], true);
  const annotations = Annotations.fromStack(stack);
  const findings = [...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))]
    .map((m) => `${m.id}: ${String(m.entry.data).split('\n')[0]}`);
  expect(findings).toEqual([]);
});

test('without the suppressions the provider role\'s wildcards are found (the check runs)', () => {
  const { stack } = nagged();
  const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-IAM5'));
  expect(errors.some((e) => e.id.includes('ParallelClusterProvider'))).toBe(true);
});
