import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ClusterConfiguration, ComputeNodeRole, ParallelClusterIam } from '../../src';
import { PolicySimulator } from '../support/simulate';

/*
 * In a ParallelClusterIam, queues whose compute node statements are identical share one customer managed
 * policy (src/private/shared-policies.ts); a queue with permissions of its own gets its own policy, and
 * roles outside a ParallelClusterIam keep their policies under themselves.
 */

const ENV = { account: '111122223333', region: 'us-east-1' };
const TABLE = 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-hpc';

function newStack(): Stack {
  return new Stack(new App(), 'Shared', { env: ENV });
}

function attachedCustomerPolicies(stack: Stack, role: iam.IRole): string[] {
  const cfnRole = role.node.defaultChild as iam.CfnRole;
  const arns: any[] = stack.resolve(cfnRole.managedPolicyArns) ?? [];
  return arns.filter((a) => a.Ref !== undefined).map((a) => a.Ref);
}

describe('compute node policies in a ParallelClusterIam', () => {
  test('queues with identical statements share one policy, and each queue role still allows what compute nodes need', async () => {
    const stack = newStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['a', 'b', 'c'], clusterName: 'hpc' });
    const policies = cluster.computeNodeRoleList.map((r) => attachedCustomerPolicies(stack, r.role));
    expect(policies[0]).toHaveLength(1);
    expect(policies[1]).toEqual(policies[0]);
    expect(policies[2]).toEqual(policies[0]);
    expect(cluster.computeNodeRoleList.map((r) => r.managedPolicies[0])).toEqual(Array(3).fill(cluster.computeNodeRoleList[0].managedPolicies[0]));
    for (const queue of cluster.computeNodeRoleList) {
      const sim = PolicySimulator.forRole(stack, queue.role);
      expect(await sim.allows('dynamodb:Query', TABLE)).toBe(true);
      expect(await sim.allows('dynamodb:DeleteTable', TABLE)).toBe(false);
    }
    // One compute node policy in the template, not one per queue.
    const template = Template.fromStack(stack).toJSON();
    const computePolicies = Object.keys(template.Resources).filter((id) => id.includes('ComputeNodePolicy'));
    expect(computePolicies).toHaveLength(1);
  });

  test('a queue with S3 access of its own gets its own policy, which the other queues do not get', async () => {
    const stack = newStack();
    const configuration = ClusterConfiguration.fromYaml([
      'Region: us-east-1',
      'Image:', '  Os: alinux2023',
      'HeadNode:', '  InstanceType: t3.medium', '  Networking:', '    SubnetId: subnet-0123456789abcdef0',
      'Scheduling:', '  Scheduler: slurm', '  SlurmQueues:',
      '    - Name: plain', '      Networking:', '        SubnetIds: [subnet-0123456789abcdef0]',
      '      ComputeResources:', '        - Name: c', '          InstanceType: c5.large', '          MaxCount: 2',
      '    - Name: plain2', '      Networking:', '        SubnetIds: [subnet-0123456789abcdef0]',
      '      ComputeResources:', '        - Name: c', '          InstanceType: c5.large', '          MaxCount: 2',
      '    - Name: data', '      Networking:', '        SubnetIds: [subnet-0123456789abcdef0]',
      '      Iam:', '        S3Access:', '          - BucketName: team-data', '            EnableWriteAccess: true',
      '      ComputeResources:', '        - Name: c', '          InstanceType: c5.large', '          MaxCount: 2',
      '',
    ].join('\n'), 'cluster.yaml');
    const cluster = new ParallelClusterIam(stack, 'Cluster', { configuration, clusterName: 'hpc' });
    const [plain, plain2, data] = ['plain', 'plain2', 'data'].map((q) => cluster.computeNodeRole(q));
    expect(attachedCustomerPolicies(stack, plain2.role)).toEqual(attachedCustomerPolicies(stack, plain.role));
    expect(attachedCustomerPolicies(stack, data.role)).not.toEqual(attachedCustomerPolicies(stack, plain.role));
    const object = 'arn:aws:s3:::team-data/results.csv';
    expect(await PolicySimulator.forRole(stack, data.role).allows('s3:PutObject', object)).toBe(true);
    expect(await PolicySimulator.forRole(stack, plain.role).allows('s3:PutObject', object)).toBe(false);
    expect(await PolicySimulator.forRole(stack, plain2.role).allows('s3:GetObject', object)).toBe(false);
  });

  test('compute node roles outside a ParallelClusterIam keep a policy of their own', () => {
    const stack = newStack();
    const a = new ComputeNodeRole(stack, 'A');
    const b = new ComputeNodeRole(stack, 'B');
    expect(attachedCustomerPolicies(stack, a.role)).toHaveLength(1);
    expect(attachedCustomerPolicies(stack, a.role)).not.toEqual(attachedCustomerPolicies(stack, b.role));
    expect((a.managedPolicies[0] as iam.ManagedPolicy).node.path).toBe('Shared/A/Policy');
  });
});
