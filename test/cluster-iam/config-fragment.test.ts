import { CfnOutput } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { parse } from 'yaml';
import { ConfigFragment, Scheduler } from '../../src';
import { toYaml } from '../../src/private/yaml';
import { awsStack } from '../support/stacks';

const HEAD = 'arn:aws:iam::111122223333:role/parallelcluster/head';
const COMPUTE = 'arn:aws:iam::111122223333:role/parallelcluster/compute';
const LAMBDA = 'arn:aws:iam::111122223333:role/parallelcluster/lambda';
const BOUNDARY = 'arn:aws:iam::111122223333:policy/boundary';

describe('toYaml', () => {
  test('writes block style with list items under their key and a trailing newline', () => {
    expect(toYaml({ A: { B: 'x', C: [{ D: 'v', E: { F: 'z' } }, 'w'] }, G: [] })).toBe([
      'A:',
      '  B: x',
      '  C:',
      '    - D: v',
      '      E:',
      '        F: z',
      '    - w',
      'G: []',
      '',
    ].join('\n'));
  });

  test('leaves out undefined entries', () => {
    expect(toYaml({ A: undefined, B: 'b', C: { D: undefined } })).toBe('B: b\nC: {}\n');
  });

  test.each([
    ['arn:aws:iam::111122223333:role/a/b', 'arn:aws:iam::111122223333:role/a/b'],
    ['true', '"true"'],
    ['No', '"No"'],
    ['null', '"null"'],
    ['123', '"123"'],
    ['1.5e3', '"1.5e3"'],
    ['a: b', '"a: b"'],
    ['#x', '"#x"'],
    ['-x', '"-x"'],
    ['${Token[TOKEN.1]}', '"${Token[TOKEN.1]}"'],
    ['', '""'],
    ['say "hi"\n', '"say \\"hi\\"\\n"'],
  ])('quotes %j only when YAML would not read it back as that string', (value, written) => {
    const text = toYaml({ K: value });
    expect(text).toBe(`K: ${written}\n`);
    expect(parse(text)).toEqual({ K: value });
  });

  test('the same value gives the same bytes', () => {
    const value = { Z: 'z', A: [{ B: 'b' }] };
    expect(toYaml(value)).toBe(toYaml(JSON.parse(JSON.stringify(value))));
  });
});

describe('ConfigFragment.cluster', () => {
  test('Slurm: every Iam key at its schema path, queues in order, no AdditionalIamPolicies', () => {
    const text = ConfigFragment.cluster({
      lambdaFunctionsRoleArn: LAMBDA,
      permissionsBoundaryArn: BOUNDARY,
      headNode: { instanceRoleArn: HEAD },
      slurmQueues: [{ name: 'compute', instanceRoleArn: COMPUTE }, { name: 'gpu-2', instanceProfileArn: 'arn:aws:iam::111122223333:instance-profile/p' }],
    });
    expect(parse(text)).toEqual({
      Iam: { Roles: { LambdaFunctionsRole: LAMBDA }, PermissionsBoundary: BOUNDARY },
      HeadNode: { Iam: { InstanceRole: HEAD } },
      Scheduling: {
        Scheduler: 'slurm',
        SlurmQueues: [
          { Name: 'compute', Iam: { InstanceRole: COMPUTE } },
          { Name: 'gpu-2', Iam: { InstanceProfile: 'arn:aws:iam::111122223333:instance-profile/p' } },
        ],
      },
    });
    expect(text).not.toContain('AdditionalIamPolicies');
    expect(text).toBe([
      'Iam:',
      '  Roles:',
      `    LambdaFunctionsRole: ${LAMBDA}`,
      `  PermissionsBoundary: ${BOUNDARY}`,
      'HeadNode:',
      '  Iam:',
      `    InstanceRole: ${HEAD}`,
      'Scheduling:',
      '  Scheduler: slurm',
      '  SlurmQueues:',
      '    - Name: compute',
      '      Iam:',
      `        InstanceRole: ${COMPUTE}`,
      '    - Name: gpu-2',
      '      Iam:',
      '        InstanceProfile: arn:aws:iam::111122223333:instance-profile/p',
      '',
    ].join('\n'));
  });

  test('AWS Batch: no queues, no boundary key when none is given', () => {
    expect(parse(ConfigFragment.cluster({ scheduler: Scheduler.AWS_BATCH, headNode: { instanceRoleArn: HEAD } }))).toEqual({
      HeadNode: { Iam: { InstanceRole: HEAD } },
      Scheduling: { Scheduler: 'awsbatch' },
    });
  });

  test('a queue without a role has only its name', () => {
    expect(parse(ConfigFragment.cluster({ slurmQueues: [{ name: 'q' }] }))).toEqual({
      Scheduling: { Scheduler: 'slurm', SlurmQueues: [{ Name: 'q' }] },
    });
  });

  test('tokens stay in the string and resolve in an output', () => {
    const stack = awsStack();
    const role = new iam.Role(stack, 'Head', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    new CfnOutput(stack, 'Config', { value: ConfigFragment.cluster({ headNode: { instanceRoleArn: role.roleArn } }) });
    const output = Template.fromStack(stack).toJSON().Outputs.Config.Value;
    expect(output).toEqual({
      'Fn::Join': ['', [
        'HeadNode:\n  Iam:\n    InstanceRole: "',
        { 'Fn::GetAtt': [expect.stringMatching(/^Head/), 'Arn'] },
        '"\nScheduling:\n  Scheduler: slurm\n',
      ]],
    });
  });

  test('refuses a role and a profile in one Iam section', () => {
    expect(() => ConfigFragment.cluster({ headNode: { instanceRoleArn: HEAD, instanceProfileArn: 'arn:aws:iam::1:instance-profile/p' } }))
      .toThrow(/HeadNode\/Iam has both an instance role and an instance profile: ParallelCluster accepts only one of InstanceRole, InstanceProfile and AdditionalIamPolicies/);
  });

  test('refuses Slurm queues with AWS Batch', () => {
    expect(() => ConfigFragment.cluster({ scheduler: Scheduler.AWS_BATCH, slurmQueues: [{ name: 'q' }] }))
      .toThrow("slurmQueues has 1 queue(s) but the scheduler is 'awsbatch'");
  });

  test.each(['Compute', '1queue', 'q_1', 'q.1', '', 'a'.repeat(26)])('refuses the queue name %j', (name) => {
    expect(() => ConfigFragment.cluster({ slurmQueues: [{ name }] }))
      .toThrow(`Slurm queue name '${name}' is invalid: ParallelCluster accepts lower-case letters, digits and hyphens`);
  });

  test('accepts a 25-character queue name', () => {
    expect(() => ConfigFragment.validateSlurmQueueNames(['a'.repeat(25), 'b-1'])).not.toThrow();
  });

  test('refuses duplicate queue names', () => {
    expect(() => ConfigFragment.validateSlurmQueueNames(['a', 'b', 'a']))
      .toThrow("Slurm queue name 'a' is given more than once");
  });
});

describe('ConfigFragment.image', () => {
  test('Build/Iam with role, cleanup role and boundary', () => {
    const text = ConfigFragment.image({ instanceRoleArn: HEAD, cleanupLambdaRoleArn: LAMBDA, permissionsBoundaryArn: BOUNDARY });
    expect(parse(text)).toEqual({ Build: { Iam: { InstanceRole: HEAD, CleanupLambdaRole: LAMBDA, PermissionsBoundary: BOUNDARY } } });
    expect(text).not.toContain('AdditionalIamPolicies');
  });

  test('refuses a role and a profile together', () => {
    expect(() => ConfigFragment.image({ instanceRoleArn: HEAD, instanceProfileArn: 'arn:aws:iam::1:instance-profile/p' }))
      .toThrow(/Build\/Iam has both/);
  });
});

describe('ConfigFragment.cluster clusterName', () => {
  test('a leading YAML comment names the cluster; the YAML itself is unchanged', () => {
    const props = { headNode: { instanceRoleArn: 'arn:aws:iam::111122223333:role/parallelcluster/head' } };
    const named = ConfigFragment.cluster({ ...props, clusterName: 'team-a-1' });
    expect(named).toBe(
      "# IAM roles built for the cluster 'team-a-1' only: create it with\n" +
      '#   pcluster create-cluster --cluster-name team-a-1 ...\n' +
      ConfigFragment.cluster(props));
    expect(parse(named)).toEqual(parse(ConfigFragment.cluster(props)));
  });

  test('an invalid cluster name is refused', () => {
    expect(() => ConfigFragment.cluster({ clusterName: 'a b' })).toThrow(/clusterName 'a b' is not a valid ParallelCluster cluster name/);
  });
});
