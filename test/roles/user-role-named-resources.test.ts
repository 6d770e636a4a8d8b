import { runSimulation } from '@cloud-copilot/iam-simulate';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ParallelClusterUserRole, ParallelClusterUserRoleProps, ParallelClusterVersion } from '../../src';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS, OTHER_ACCOUNT, TestEnvironment, awsStack, stackIn } from '../support/stacks';

/*
 * The user role's grants on resources the configuration or the CLI names (issue 19): the log export bucket of
 * `pcluster export-cluster-logs --bucket`, the configuration's KMS keys (KMS validator) and its munge key (munge
 * key validator). Each only with its prop, and only on what it names.
 */

function userRole(env: TestEnvironment, props: (stack: ReturnType<typeof stackIn>) => ParallelClusterUserRoleProps) {
  const stack = stackIn(env);
  const user = new ParallelClusterUserRole(stack, 'User', props(stack));
  return { stack, user, sim: PolicySimulator.forRole(stack, user.role) };
}

describe.each(ENVIRONMENTS)('ParallelClusterUserRole: named resources in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;
  const bucket = `arn:${p}:s3:::hpc-log-exports`;
  const exported = `${bucket}/hpc-prod-logs-202611301200/0a1b2c3d/ip-10-0-0-1.i-0123456789abcdef0.slurmctld/000000.gz`;

  test('logExportBuckets: what the exporter calls (models/common.py:137-303), on that bucket only', async () => {
    const { sim } = userRole(env, (stack) => ({ logExportBuckets: [s3.Bucket.fromBucketName(stack, 'Exports', 'hpc-log-exports')] }));
    const allowed = [
      ['s3:GetBucketLocation', bucket],
      ['s3:ListBucket', bucket],
      ['s3:GetObject', exported],
      ['s3:DeleteObject', exported],
      ['s3:PutObject', `${bucket}/hpc-prod-logs-202611301200.tar.gz`],
    ];
    for (const [action, resource] of allowed) {
      expect(`${action} ${await sim.decision(action, resource)}`).toBe(`${action} Allowed`);
    }
    const denied = [
      ['s3:PutObject', 'arn:' + p + ':s3:::other-bucket/x'],
      ['s3:ListBucket', 'arn:' + p + ':s3:::other-bucket'],
      ['s3:PutBucketPolicy', bucket],
      ['s3:DeleteBucket', bucket],
      ['s3:DeleteObjectVersion', exported],
      ['s3:PutObjectAcl', exported],
    ];
    for (const [action, resource] of denied) {
      expect(`${action} ${resource} ${await sim.decision(action, resource)}`).toBe(`${action} ${resource} ImplicitlyDenied`);
    }
  });

  test('without logExportBuckets, no bucket outside ParallelCluster\'s own', async () => {
    const { sim } = userRole(env, () => ({}));
    expect(await sim.decision('s3:GetBucketLocation', bucket)).toBe('ImplicitlyDenied');
    expect(await sim.decision('s3:PutObject', `${bucket}/x`)).toBe('ImplicitlyDenied');
    expect(sim.documentNames.some((n) => n.includes('ResourcesPolicy'))).toBe(false);
  });

  test('mungeKeySecret: GetSecretValue on that secret only (validators/secret_validators.py:34-54)', async () => {
    const munge = `arn:${p}:secretsmanager:${r}:${a}:secret:hpc/munge-AbCdEf`;
    const { sim } = userRole(env, (stack) => ({ mungeKeySecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Munge', munge) }));
    expect(await sim.decision('secretsmanager:GetSecretValue', munge)).toBe('Allowed');
    expect(await sim.decision('secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:hpc/db-AbCdEf`)).toBe('ImplicitlyDenied');
    expect(await sim.decision('secretsmanager:PutSecretValue', munge)).toBe('ImplicitlyDenied');
  });

  test('kmsKeys: DescribeKey on those keys only (validators/kms_validators.py:17-24), under the default key policy', async () => {
    const key = `arn:${p}:kms:${r}:${a}:key/0a1b2c3d-1111-2222-3333-444455556666`;
    const { sim } = userRole(env, (stack) => ({ kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', key)] }));
    // KMS needs the key policy too; the default one lets the account's IAM policies decide.
    const keyPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${p}:iam::${a}:root` }, Action: 'kms:*', Resource: '*' }],
    };
    const decide = async (action: string, resource: string) => (await runSimulation({
      request: { principal: sim.principalArn, action, resource: { resource, accountId: a }, contextVariables: {} },
      identityPolicies: sim.documents.map((policy, i) => ({ name: `p${i}`, policy })),
      resourcePolicy: keyPolicy,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {}) as any).overallResult;
    expect(await decide('kms:DescribeKey', key)).toBe('Allowed');
    expect(await decide('kms:DescribeKey', `arn:${p}:kms:${r}:${a}:key/ffffffff-1111-2222-3333-444455556666`)).toBe('ImplicitlyDenied');
    expect(await decide('kms:Decrypt', key)).toBe('ImplicitlyDenied');
    expect(await decide('kms:ScheduleKeyDeletion', key)).toBe('ImplicitlyDenied');
  });
});

describe('ParallelClusterUserRole: named resources are checked', () => {
  test('a key ARN with a wildcard is refused', () => {
    const stack = awsStack();
    expect(() => new ParallelClusterUserRole(stack, 'U', { kmsKeys: [kms.Key.fromKeyArn(stack, 'K', `arn:aws-cn:kms:cn-north-1:${OTHER_ACCOUNT}:key/*`)] }))
      .toThrow(/kmsKeys holds the key .* which has a wildcard/);
  });

  test('a bucket with a wildcard is refused', () => {
    const stack = awsStack();
    // A bucket built without aws-cdk-lib's name check (which refuses `*` itself).
    const bucket = { bucketArn: 'arn:aws:s3:::logs-*', bucketName: 'logs-*' } as unknown as s3.IBucket;
    expect(() => new ParallelClusterUserRole(stack, 'U', { logExportBuckets: [bucket] }))
      .toThrow(/logExportBuckets holds the bucket 'arn:aws:s3:::logs-\*'/);
  });
});

describe.each(ENVIRONMENTS)('ParallelClusterUserRole: image stacks in every revision (issue 19) in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;
  const imageStack = `arn:${p}:cloudformation:${r}:${a}:stack/my-image/0a1b2c3d-4444-5555-6666-777788889999`;
  const appStack = `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/0a1b2c3d-4444-5555-6666-777788889999`;
  const imageTagged = { 'aws:ResourceTag/parallelcluster:image_id': 'my-image' };
  const profile = `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-0a1b2c3d`;
  const imageFunction = `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-my-image`;

  const versions = [ParallelClusterVersion.V3_2, ParallelClusterVersion.V3_5, ParallelClusterVersion.V3_6, ParallelClusterVersion.LATEST];
  describe.each(versions.map((version) => ({ version, label: version.version })))('at $label', ({ version }) => {
    test.each([
      ['without clusterNames', undefined],
      ['with clusterNames [team-a-*]', ['team-a-*']],
    ])('%s: reads image stacks, deletes a failed build\'s profile, and nothing else', async (_label, clusterNames) => {
      const { sim } = userRole(env, () => ({ parallelClusterVersion: version, enableImageBuilder: true, clusterNames }));
      for (const [action, resource, context] of [
        // models/imagebuilder_resources.py:64; imagebuilder.py:781-789.
        ['cloudformation:DescribeStackResource', imageStack, imageTagged],
        ['cloudformation:DescribeStackEvents', imageStack, imageTagged],
        // imagebuilder.py:555 (CloudFormation deletes the stack's profile and function as the user).
        ['iam:DeleteInstanceProfile', profile, {}],
        ['lambda:GetPolicy', imageFunction, {}],
      ] as Array<[string, string, Record<string, string>]>) {
        expect(`${action} ${await sim.decision(action, resource, context)}`).toBe(`${action} Allowed`);
      }
      for (const [action, resource, context] of [
        ['cloudformation:DescribeStackResource', appStack, {}],
        ['cloudformation:DescribeStackResource', appStack, { 'aws:ResourceTag/parallelcluster:image_name': 'x' }],
        ['iam:DeleteInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/team-a-1-HeadNode`, {}],
        ['lambda:GetPolicy', `arn:${p}:lambda:${r}:${a}:function:payments-api`, {}],
      ] as Array<[string, string, Record<string, string>]>) {
        expect(`${action} ${resource} ${await sim.decision(action, resource, context)}`).toBe(`${action} ${resource} ImplicitlyDenied`);
      }
    });
  });
});
