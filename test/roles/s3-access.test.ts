import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComputeNodeRole, HeadNodeRole, ParallelClusterVersion, S3Access, Scheduler } from '../../src';
import { expectAllowed, expectDenied, requests, roleStatements } from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, TestEnvironment, awsStack, stackIn } from '../support/stacks';

/** A head node (or compute node) with `s3Access` to the bucket `my-data` and, optionally, a created bucket. */
function withAccess(env: TestEnvironment, access: (bucket: s3.IBucket) => S3Access[], node: 'head' | 'batch' | 'compute' = 'head') {
  const stack = stackIn(env);
  const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'my-data');
  const s3Access = access(bucket);
  const role = node === 'compute'
    ? new ComputeNodeRole(stack, 'Node', { s3Access }).role
    : new HeadNodeRole(stack, 'Node', {
      s3Access,
      scheduler: node === 'batch' ? Scheduler.AWS_BATCH : Scheduler.SLURM,
      // AWS Batch ends with ParallelCluster 3.15.
      parallelClusterVersion: node === 'batch' ? ParallelClusterVersion.V3_15 : undefined,
    }).role;
  const sim = PolicySimulator.forRole(stack, role);
  return { stack, sim, s3Statements: roleStatements(sim).filter((s) => s.Sid?.startsWith('S3Access')) };
}

const READ = ['s3:Get*', 's3:List*'];
const WRITE = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:DeleteObject'];

describe.each(ENVIRONMENTS)('S3Access in $partition', (env) => {
  const p = env.partition;
  const bucketArn = `arn:${p}:s3:::my-data`;
  const otherBucket = `arn:${p}:s3:::other-data`;

  test.each(['head', 'batch', 'compute'] as const)('read access to the whole bucket (%s node)', async (node) => {
    const { sim, s3Statements } = withAccess(env, (bucket) => [{ bucket }], node);
    expect(s3Statements).toEqual([{ Sid: 'S3Access1', Effect: 'Allow', Action: READ, Resource: [bucketArn, `${bucketArn}/*`] }]);
    await expectAllowed(sim, requests(
      ['s3:GetObject', `${bucketArn}/data/input.csv`],
      ['s3:GetObjectVersion', `${bucketArn}/data/input.csv`],
      ['s3:ListBucket', bucketArn],
      ['s3:GetBucketLocation', bucketArn],
    ));
    await expectDenied(sim, requests(
      ['s3:PutObject', `${bucketArn}/results/out.csv`],
      ['s3:DeleteObject', `${bucketArn}/data/input.csv`],
      ['s3:DeleteBucket', bucketArn],
      ['s3:PutBucketPolicy', bucketArn],
      ['s3:GetObject', `${otherBucket}/data/input.csv`],
      ['s3:ListBucket', otherBucket],
    ));
  });

  test('write access adds object writes and deletes, never bucket administration', async () => {
    const { sim, s3Statements } = withAccess(env, (bucket) => [{ bucket, enableWriteAccess: true }]);
    expect(s3Statements).toEqual([{ Sid: 'S3Access1', Effect: 'Allow', Action: [...READ, ...WRITE], Resource: [bucketArn, `${bucketArn}/*`] }]);
    await expectAllowed(sim, requests(
      ['s3:GetObject', `${bucketArn}/data/input.csv`],
      ['s3:PutObject', `${bucketArn}/results/out.csv`],
      ['s3:PutObjectTagging', `${bucketArn}/results/out.csv`],
      ['s3:AbortMultipartUpload', `${bucketArn}/results/big.bin`],
      ['s3:ListMultipartUploadParts', `${bucketArn}/results/big.bin`],
      ['s3:DeleteObject', `${bucketArn}/results/out.csv`],
    ));
    await expectDenied(sim, requests(
      ['s3:DeleteBucket', bucketArn],
      ['s3:PutBucketPolicy', bucketArn],
      ['s3:DeleteBucketPolicy', bucketArn],
      ['s3:PutBucketAcl', bucketArn],
      ['s3:PutLifecycleConfiguration', bucketArn],
      ['s3:PutEncryptionConfiguration', bucketArn],
      ['s3:PutBucketVersioning', bucketArn],
      ['s3:PutObjectAcl', `${bucketArn}/results/out.csv`],
      ['s3:PutObjectRetention', `${bucketArn}/results/out.csv`],
      ['s3:DeleteObjectVersion', `${bucketArn}/results/out.csv`],
      ['s3:PutObject', `${otherBucket}/results/out.csv`],
    ));
  });

  test('a key pattern limits access to the matching objects', async () => {
    const { sim, s3Statements } = withAccess(env, (bucket) => [{ bucket, keyPattern: 'results/*', enableWriteAccess: true }]);
    expect(s3Statements).toEqual([{ Sid: 'S3Access1', Effect: 'Allow', Action: [...READ, ...WRITE], Resource: [`${bucketArn}/results/*`] }]);
    await expectAllowed(sim, requests(
      ['s3:GetObject', `${bucketArn}/results/out.csv`],
      ['s3:PutObject', `${bucketArn}/results/2024/out.csv`],
    ));
    await expectDenied(sim, requests(
      ['s3:GetObject', `${bucketArn}/data/input.csv`],
      ['s3:PutObject', `${bucketArn}/out.csv`],
      // As with ParallelCluster's KeyName: bucket-level reads need the bucket, which a pattern leaves out.
      ['s3:ListBucket', bucketArn],
    ));
  });
});

describe('S3Access', () => {
  test('one statement per entry, for created and imported buckets', async () => {
    const stack = awsStack();
    const created = new s3.Bucket(stack, 'Results');
    const imported = s3.Bucket.fromBucketName(stack, 'Reference', 'reference-genomes');
    const head = new HeadNodeRole(stack, 'Node', {
      s3Access: [{ bucket: imported }, { bucket: created, keyPattern: 'jobs/*', enableWriteAccess: true }],
    });
    const sim = PolicySimulator.forRole(stack, head.role);
    const createdName = sim.evaluate(stack.resolve(created.bucketName));
    expect(roleStatements(sim).filter((s) => s.Sid?.startsWith('S3Access'))).toEqual([
      { Sid: 'S3Access1', Effect: 'Allow', Action: READ, Resource: ['arn:aws:s3:::reference-genomes', 'arn:aws:s3:::reference-genomes/*'] },
      { Sid: 'S3Access2', Effect: 'Allow', Action: [...READ, ...WRITE], Resource: [`arn:aws:s3:::${createdName}/jobs/*`] },
    ]);
    await expectAllowed(sim, requests(['s3:PutObject', `arn:aws:s3:::${createdName}/jobs/1/out`]));
    await expectDenied(sim, requests(['s3:PutObject', 'arn:aws:s3:::reference-genomes/x']));
  });

  test('no s3Access, no S3Access statement', () => {
    const { s3Statements } = withAccess(AWS, () => []);
    expect(s3Statements).toEqual([]);
  });

  test('a key pattern starting with / is an error naming the entry and the fix', () => {
    expect(() => withAccess(AWS, (bucket) => [{ bucket }, { bucket, keyPattern: '/results/*' }]))
      .toThrow(/s3Access\[1\]\.keyPattern '\/results\/\*' starts with '\/'.*Write it without the slash \('results\/\*'\)/);
    expect(() => withAccess(AWS, (bucket) => [{ bucket, keyPattern: '/x' }], 'compute')).toThrow(/s3Access\[0\]\.keyPattern '\/x' starts with '\/'/);
  });

  test('an empty key pattern is an error', () => {
    expect(() => withAccess(AWS, (bucket) => [{ bucket, keyPattern: '' }])).toThrow(/s3Access\[0\]\.keyPattern is empty.*Leave keyPattern out/);
  });
});
