import { ConfigFragment } from '../../src/cluster-iam/config-fragment';
import { ParallelClusterIam } from '../../src/cluster-iam/parallel-cluster-iam';
import { IamAccessMode } from '../../src/iam-access-mode';
import { ParallelClusterVersion } from '../../src/parallelcluster-version';
import { LAST_AWS_BATCH_REVISION, MAX_LOGIN_NODE_POOLS, MAX_SLURM_QUEUES } from '../../src/private/pcluster-rules';
import { HeadNodeRole } from '../../src/roles/head-node-role';
import { LambdaFunctionsRole } from '../../src/roles/lambda-functions-role';
import { ParallelClusterUserRole } from '../../src/roles/user-role';
import { Scheduler } from '../../src/scheduler';
import { awsStack } from '../support/stacks';

const V = ParallelClusterVersion;
const names = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('limits ParallelCluster 3.16 enforces', () => {
  test('the limits are those of the 3.16.1 wheel (pcluster/constants.py)', () => {
    expect([MAX_SLURM_QUEUES, MAX_LOGIN_NODE_POOLS]).toEqual([50, 10]);
    expect(LAST_AWS_BATCH_REVISION).toBe(V.V3_15);
  });

  test('51 Slurm queues are refused, with what to do; 50 are accepted', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: names('q', 51) }))
      .toThrow(/slurmQueues has 51 Slurm queues, but ParallelCluster accepts at most 50 per cluster.*Merge Slurm queues, or split them over several clusters/);
    const cluster = new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: names('q', 50) });
    expect(cluster.computeNodeRoleList).toHaveLength(50);
  });

  test('11 login node pools are refused, with what to do; 10 are accepted', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { loginNodePools: names('pool', 11) }))
      .toThrow(/loginNodePools has 11 login node pools, but ParallelCluster accepts at most 10 per cluster/);
    const cluster = new ParallelClusterIam(awsStack(), 'Cluster', { loginNodePools: names('pool', 10) });
    expect(cluster.loginNodePoolNames).toHaveLength(10);
  });

  test('ConfigFragment.cluster refuses the same counts', () => {
    const queues = names('q', 51).map((name) => ({ name }));
    expect(() => ConfigFragment.cluster({ slurmQueues: queues })).toThrow(/slurmQueues has 51 Slurm queues, but ParallelCluster accepts at most 50/);
    expect(() => ConfigFragment.cluster({ loginNodePools: names('p', 11).map((name) => ({ name })) }))
      .toThrow(/loginNodePools has 11 login node pools, but ParallelCluster accepts at most 10/);
    expect(ConfigFragment.cluster({ slurmQueues: queues.slice(0, 50) })).toContain('q49');
  });

  test.each([
    ['default'],
    ['a'.repeat(26)],
    ['1queue'],
    ['Queue'],
    ['queue_1'],
  ])('queue or pool name %s is refused (NameValidator)', (name) => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: [name] })).toThrow(/Slurm queue name '.*' is invalid/);
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { loginNodePools: [name] })).toThrow(/login node pool name '.*' is invalid/);
  });
});

describe('AWS Batch ends with ParallelCluster 3.15', () => {
  const batchError = /asks for AWS Batch, but parallelClusterVersion is V3_16: ParallelCluster 3\.16\.0 removed the AWS Batch scheduler\. Set parallelClusterVersion to ParallelClusterVersion\.V3_15/;

  test.each([undefined, V.V3_16])('refused at %s (LATEST by default), naming the last revision with AWS Batch', (version) => {
    const privileged = IamAccessMode.privileged();
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', {
      scheduler: Scheduler.AWS_BATCH, iamAccessMode: privileged, parallelClusterVersion: version,
    })).toThrow(new RegExp(`scheduler Scheduler\\.AWS_BATCH ${batchError.source}`));
    expect(() => new ParallelClusterUserRole(awsStack(), 'User', { enableAwsBatch: true, iamAccessMode: privileged, parallelClusterVersion: version }))
      .toThrow(new RegExp(`enableAwsBatch ${batchError.source}`));
    expect(() => new HeadNodeRole(awsStack(), 'Head', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: version })).toThrow(batchError);
    expect(() => new LambdaFunctionsRole(awsStack(), 'Lambda', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: version })).toThrow(batchError);
  });

  test.each([V.V3_15, V.V3_11, V.V3_2])('kept at %s', (version) => {
    const cluster = new ParallelClusterIam(awsStack(), 'Cluster', {
      scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(), parallelClusterVersion: version,
    });
    expect(cluster.scheduler).toBe(Scheduler.AWS_BATCH);
    expect(new HeadNodeRole(awsStack(), 'Head', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: version }).scheduler).toBe(Scheduler.AWS_BATCH);
  });

  test('Slurm is unaffected at V3_16', () => {
    expect(new ParallelClusterIam(awsStack(), 'Cluster', { parallelClusterVersion: V.V3_16 }).scheduler).toBe(Scheduler.SLURM);
  });
});
