import { App, Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, ImageConfiguration, ParallelClusterIam, ParallelClusterVersion } from '../../src';
import { lineToFix } from '../../src/config/source';

/*
 * Settings that ParallelCluster refuses from a release on (checked in the 3.16.1 and 3.15.1 wheels; see
 * src/config/model.ts): the library refuses them for that release with the file, the line and the fix, and
 * accepts them for older releases.
 */
const BASE = 'Region: us-east-1\nImage:\n  Os: alinux2023\nScheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n';

function build(text: string, version?: ParallelClusterVersion, image?: string): ParallelClusterIam {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
  return new ParallelClusterIam(stack, 'Cluster', {
    clusterName: 'c',
    configuration: ClusterConfiguration.fromYaml(text, 'cluster.yaml'),
    imageConfiguration: image === undefined ? undefined : ImageConfiguration.fromYaml(image, 'image.yaml'),
    parallelClusterVersion: version,
  });
}

const ALINUX2 = BASE.replace('Os: alinux2023', 'Os: alinux2');
const LOGIN_KEY = `${BASE}LoginNodes:\n  Pools:\n    - Name: login\n      InstanceType: t3.large\n      Count: 1\n      Ssh:\n        KeyName: my-key\n`;
const BATCH_CLI = `${BASE}DevSettings:\n  AwsBatchCliPackage: s3://bucket/batch-cli.tgz\n`;

test.each<[string, string, ParallelClusterVersion, RegExp]>([
  ['Os: alinux2', ALINUX2, ParallelClusterVersion.V3_15,
    /^cluster\.yaml:3: Image\/Os is 'alinux2' .* no longer supports .*3\.15 is the last release.* use alinux2023/],
  ['a login-node KeyName', LOGIN_KEY, ParallelClusterVersion.V3_14,
    /^cluster\.yaml:14: LoginNodes\/Pools\[0\]\/Ssh\/KeyName is set, but ParallelCluster 3\.15 and later refuse .*remove it/],
  ['DevSettings/AwsBatchCliPackage', BATCH_CLI, ParallelClusterVersion.V3_15,
    /^cluster\.yaml:9: DevSettings\/AwsBatchCliPackage is set, but ParallelCluster 3\.16 removed AWS Batch/],
])('%s: refused for the newest release with file and line, accepted for the last release that takes it', (_name, text, last, error) => {
  expect(() => build(text)).toThrow(error);
  expect(() => build(text)).toThrow(/\(the roles are built for ParallelCluster 3\.16\)/);
  expect(() => build(text, last)).not.toThrow();
});

test('a login-node KeyName is refused from 3.15 on', () => {
  expect(() => build(LOGIN_KEY, ParallelClusterVersion.V3_15)).toThrow(/Ssh\/KeyName/);
});

test('an image configuration with AwsBatchCliPackage is refused for 3.16', () => {
  const image = 'Build:\n  InstanceType: c5.xlarge\n  ParentImage: ami-0123456789abcdef0\nDevSettings:\n  AwsBatchCliPackage: s3://b/cli.tgz\n';
  expect(() => build(BASE, undefined, image)).toThrow(/^image\.yaml:5: DevSettings\/AwsBatchCliPackage is set/);
});

test('awsbatch on 3.16 says that 3.15 is the last release with AWS Batch', () => {
  const batch = 'Region: us-east-1\nScheduling:\n  Scheduler: awsbatch\n';
  expect(() => build(batch)).toThrow(/^cluster\.yaml:3: Scheduling\/Scheduler is 'awsbatch'.*3\.15 is the last release with AWS Batch/);
});

describe('the line to fix of a YAML syntax error', () => {
  const lineOf = (text: string): number => {
    try {
      ClusterConfiguration.fromYaml(text, 'bad.yaml');
    } catch (e) {
      return Number(/^bad\.yaml:(\d+): invalid YAML/.exec((e as Error).message)?.[1]);
    }
    throw new Error('no error');
  };

  test.each<[string, string, number]>([
    ['an unclosed [ (reported at the next key)', 'Region: us-east-1\nScheduling:\n  Scheduler: [slurm\nHeadNode:\n  InstanceType: t3.micro\n', 3],
    ['an unclosed quote', 'Region: "us-east-1\nScheduling:\n  Scheduler: slurm\n', 1],
    ['a missing colon', 'Region: us-east-1\nScheduling\n  Scheduler: slurm\n', 2],
    ['an over-indented key', 'Region: us-east-1\nScheduling:\n  Scheduler: slurm\n   SlurmQueues:\n  - Name: a\n', 4],
    ['a tab', 'Region: us-east-1\nScheduling:\n\tScheduler: slurm\n', 3],
    ['a duplicate key', 'Region: us-east-1\nRegion: us-east-2\n', 2],
  ])('%s', (_name, text, line) => {
    expect(lineOf(text)).toBe(line);
  });

  test('the error shows the line and has no column', () => {
    expect(() => ClusterConfiguration.fromYaml('Scheduling:\n  Scheduler: [slurm\nHeadNode: {}\n', 'bad.yaml'))
      .toThrow(/^bad\.yaml:2: invalid YAML: .* \(line 2: "Scheduler: \[slurm"\)\. Fix the file's syntax\.$/);
  });

  test('an apostrophe inside a plain value is not a quote', () => {
    expect(lineToFix(["Name: don't", 'Key: [a', 'Other: b'], 'BAD_INDENT', 3, 3)).toBe(2);
  });
});
