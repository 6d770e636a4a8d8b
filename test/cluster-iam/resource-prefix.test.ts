import { App, Stack } from 'aws-cdk-lib';
import { parse } from 'yaml';
import { ClusterConfiguration, ParallelClusterIam } from '../../src';
import { PolicySimulator } from '../support/simulate';

/*
 * ParallelCluster creates the instance profiles of the roles a configuration names on
 * `<Iam/ResourcePrefix><cluster>/`, and on `/parallelcluster/<cluster>/` without it (3.16.1 wheel,
 * templates/cdk_builder_utils.py:478-487, 624-629). The user role may create profiles on
 * `<iamPath><cluster>/` only, so a cluster with another iamPath gets `Iam/ResourcePrefix` in its fragment
 * and completed configuration.
 */

const ENV = { account: '111122223333', region: 'us-east-1' };
const profile = (path: string) => `arn:aws:iam::111122223333:instance-profile${path}hpc/hpc-HeadNodeInstanceProfile`;

function cluster(props: Record<string, unknown>): { stack: Stack; iamSet: ParallelClusterIam } {
  const stack = new Stack(new App(), 'Prefix', { env: ENV });
  return { stack, iamSet: new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['q'], clusterName: 'hpc', ...props }) };
}

describe('Iam/ResourcePrefix follows iamPath', () => {
  test('a custom iamPath goes into the fragment, and the user may create the profiles ParallelCluster then makes', async () => {
    const { stack, iamSet } = cluster({ iamPath: '/team-a/' });
    const fragment = parse(iamSet.clusterConfig());
    expect(fragment.Iam.ResourcePrefix).toBe('/team-a/');
    const user = PolicySimulator.forRole(stack, iamSet.userRole.role);
    expect(await user.allows('iam:CreateInstanceProfile', profile('/team-a/'))).toBe(true);
    // Where ParallelCluster would put them without the prefix: not the user's to create.
    expect(await user.allows('iam:CreateInstanceProfile', profile('/parallelcluster/'))).toBe(false);
  });

  test('the default path needs no prefix', () => {
    const { iamSet } = cluster({});
    const fragment = parse(iamSet.clusterConfig());
    expect(fragment.Iam?.ResourcePrefix).toBeUndefined();
  });

  test('the completed configuration gets the prefix, unless the file sets its own', () => {
    const yaml = (extra: string) => [
      'Region: us-east-1', 'Image:', '  Os: alinux2023',
      'HeadNode:', '  InstanceType: t3.medium', '  Networking:', '    SubnetId: subnet-0123456789abcdef0',
      'Scheduling:', '  Scheduler: slurm', '  SlurmQueues:', '    - Name: q', '      Networking:',
      '        SubnetIds: [subnet-0123456789abcdef0]', '      ComputeResources:', '        - Name: c',
      '          InstanceType: c5.large', '          MaxCount: 1', extra, '',
    ].join('\n');
    const withPath = cluster({ iamPath: '/team-a/', configuration: ClusterConfiguration.fromYaml(yaml(''), 'c.yaml') });
    expect(parse(withPath.iamSet.clusterConfig()).Iam.ResourcePrefix).toBe('/team-a/');
    const own = cluster({ configuration: ClusterConfiguration.fromYaml(yaml('Iam:\n  ResourcePrefix: /team-b/'), 'c.yaml') });
    expect(parse(own.iamSet.clusterConfig()).Iam.ResourcePrefix).toBe('/team-b/');
  });
});
