import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  PolicySimulator,
  actionsMatching,
  concreteResource,
  isWildcardOnlyAction,
  sampleActions,
} from '../support/simulate';
import { AWS, AWS_CN, AWS_US_GOV, agnosticStack, chinaStack, govStack, stackIn } from '../support/stacks';

// The simulator is what every policy test relies on: prove it denies what it must, evaluates
// conditions, and refuses requests it cannot evaluate faithfully.

function fixture(stack = stackIn(AWS)) {
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal(), path: '/ops/' });
  const bucket = new s3.Bucket(stack, 'Data');
  const secret = new secretsmanager.Secret(stack, 'Secret');
  const managed = new iam.ManagedPolicy(stack, 'Managed', {
    statements: [
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'pc/*' })],
        conditions: { StringEqualsIfExists: { 'iam:PassedToService': ['ec2.amazonaws.com'] } },
      }),
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }),
    ],
  });
  role.addManagedPolicy(managed);
  role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:DescribeSecret'], resources: [secret.secretArn] }));
  new iam.Policy(stack, 'Standalone', {
    roles: [role],
    statements: [new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] })],
  });
  return { stack, role };
}

describe('PolicySimulator', () => {
  test('collects managed, default and standalone policies and lists AWS managed ones', () => {
    const { stack, role } = fixture();
    const sim = PolicySimulator.forRole(stack, role);
    expect(sim.documentNames).toEqual([
      expect.stringMatching(/^ManagedPolicy:Managed/),
      expect.stringMatching(/^Policy:RoleDefaultPolicy/),
      expect.stringMatching(/^Policy:Standalone/),
    ]);
    expect(sim.awsManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    expect(sim.principalArn).toMatch(/^arn:aws:iam::111122223333:role\/ops\/Role/);
    expect(JSON.stringify(sim.documents)).not.toMatch(/Ref|Fn::/);
  });

  test('allows what the policies grant and denies the rest', async () => {
    const { stack, role } = fixture();
    const sim = PolicySimulator.forRole(stack, role);
    const passRole = 'arn:aws:iam::111122223333:role/pc/node';
    const bucketName = sim.evaluate({ Ref: stack.getLogicalId(stack.node.findChild('Data').node.defaultChild as s3.CfnBucket) });
    const results = await Promise.all([
      sim.decision('iam:PassRole', passRole, { 'iam:PassedToService': 'ec2.amazonaws.com' }),
      sim.decision('iam:PassRole', passRole, { 'iam:PassedToService': 'lambda.amazonaws.com' }),
      sim.decision('iam:PassRole', passRole),
      sim.decision('iam:PassRole', 'arn:aws:iam::111122223333:role/other/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }),
      sim.decision('iam:PassRole', 'arn:aws:iam::444455556666:role/pc/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }),
      sim.decision('s3:GetObject', `arn:aws:s3:::${bucketName}/key`),
      sim.decision('s3:PutObject', `arn:aws:s3:::${bucketName}/key`),
      sim.decision('s3:GetObject', 'arn:aws:s3:::another-bucket/key'),
      sim.decision('ec2:DescribeInstances', '*'),
      sim.decision('ec2:TerminateInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123'),
    ]);
    expect(results).toEqual([
      'Allowed',
      'ImplicitlyDenied',
      'Allowed', // StringEqualsIfExists: no service in the request, as for PassRole outside a service call
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
      'Allowed',
      'ImplicitlyDenied',
    ]);
  });

  test('a secret is referenced by its fake ARN, another secret is denied', async () => {
    const { stack, role } = fixture();
    const sim = PolicySimulator.forRole(stack, role);
    const secretId = stack.getLogicalId(stack.node.findChild('Secret').node.defaultChild as secretsmanager.CfnSecret);
    const arn = `arn:aws:secretsmanager:us-east-1:111122223333:secret:${secretId}-AbCdEf`;
    expect(sim.evaluate({ Ref: secretId })).toBe(arn);
    expect(await sim.decision('secretsmanager:DescribeSecret', arn)).toBe('Allowed');
    expect(await sim.decision('secretsmanager:DescribeSecret', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:other-AbCdEf'))
      .toBe('ImplicitlyDenied');
  });

  test.each([
    ['aws-us-gov', govStack],
    ['aws-cn', chinaStack],
  ])('evaluates ARNs in the stack partition (%s)', async (partition, make) => {
    const { stack, role } = fixture(make());
    const sim = PolicySimulator.forRole(stack, role);
    expect(sim.principalArn.startsWith(`arn:${partition}:iam::111122223333:role/ops/`)).toBe(true);
    expect(await sim.decision('iam:PassRole', `arn:${partition}:iam::111122223333:role/pc/node`, { 'iam:PassedToService': 'ec2.amazonaws.com' }))
      .toBe('Allowed');
    // The same role in the commercial partition is another resource.
    expect(await sim.decision('iam:PassRole', 'arn:aws:iam::111122223333:role/pc/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }))
      .toBe('ImplicitlyDenied');
  });

  test('an environment-agnostic stack is evaluated in aws / us-east-1 / 111122223333', () => {
    const { stack, role } = fixture(agnosticStack());
    const sim = PolicySimulator.forRole(stack, role);
    expect(sim.env).toEqual(AWS);
    expect(sim.principalArn).toMatch(/^arn:aws:iam::111122223333:role\/ops\//);
  });

  test('refuses requests it cannot evaluate faithfully', async () => {
    const { stack, role } = fixture();
    const sim = PolicySimulator.forRole(stack, role);
    await expect(sim.decision('iam:PassRole', 'arn:aws:iam::111122223333:role/pc/x', { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/X' }))
      .rejects.toThrow(/iam:PolicyARN do not apply to iam:PassRole/);
    await expect(sim.decision('ec2:DescribeInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1')).rejects.toThrow(/must.use.wildcard/);
    await expect(sim.decision('iam:NoSuchAction', '*')).rejects.toThrow(/invalid.action/);
  });

  test('an invalid policy document is an error, not a denial', async () => {
    const sim = PolicySimulator.forDocuments([{ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:GetObject', Resource: '*' }] }], AWS);
    await expect(sim.decision('s3:GetObject', 'arn:aws:s3:::b/k')).rejects.toThrow(/are not valid IAM policies/);
  });

  test('forDocuments evaluates plain documents as a role in the environment', async () => {
    const sim = PolicySimulator.forDocuments([{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws-cn:s3:::b/*' }] }], AWS_CN);
    expect(sim.principalArn).toBe('arn:aws-cn:iam::111122223333:role/Simulated');
    expect(await Promise.all([sim.decision('s3:GetObject', 'arn:aws-cn:s3:::b/k'), sim.decision('s3:GetObject', 'arn:aws-cn:s3:::c/k')]))
      .toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  test('a permissions boundary in the template is evaluated; one from outside is only listed', async () => {
    const { stack, role } = fixture();
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
      managedPolicyName: 'OnlyDescribe',
      statements: [new iam.PolicyStatement({ actions: ['ec2:Describe*'], resources: ['*'] })],
    });
    (role.node.defaultChild as iam.CfnRole).permissionsBoundary = boundary.managedPolicyArn;
    const sim = PolicySimulator.forRole(stack, role);
    expect(sim.permissionsBoundaryArn).toBe('arn:aws:iam::111122223333:policy/OnlyDescribe');
    expect(await Promise.all([
      sim.decision('ec2:DescribeInstances', '*'),
      sim.decision('iam:PassRole', 'arn:aws:iam::111122223333:role/pc/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }),
    ])).toEqual(['Allowed', 'ImplicitlyDenied']);

    const other = fixture();
    (other.role.node.defaultChild as iam.CfnRole).permissionsBoundary = 'arn:aws:iam::111122223333:policy/Elsewhere';
    const unbounded = PolicySimulator.forRole(other.stack, other.role);
    expect([unbounded.permissionsBoundaryArn, unbounded.permissionsBoundaryDocument]).toEqual(['arn:aws:iam::111122223333:policy/Elsewhere', undefined]);
    expect(await unbounded.decision('iam:PassRole', 'arn:aws:iam::111122223333:role/pc/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }))
      .toBe('Allowed');
  });

  test('an imported customer managed policy cannot be simulated', () => {
    const { stack, role } = fixture();
    role.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Imported', 'arn:aws:iam::111122223333:policy/elsewhere'));
    expect(() => PolicySimulator.forRole(stack, role)).toThrow(/neither AWS managed nor in the template/);
  });
});

describe('IAM data helpers', () => {
  test('actionsMatching expands wildcards to real action names', () => {
    const describe = actionsMatching('ec2:Describe*');
    expect(describe.length).toBeGreaterThan(100);
    expect(describe).toContain('ec2:DescribeInstances');
    expect(describe.every((a) => a.startsWith('ec2:Describe'))).toBe(true);
    expect(actionsMatching('iam:passrole')).toEqual(['iam:PassRole']);
    expect(() => actionsMatching('ec2:Desribe*')).toThrow(/matches no action/);
    expect(() => actionsMatching('nosuchservice:Get*')).toThrow(/not in the IAM data set/);
  });

  test('sampleActions is deterministic, bounded, and keeps both ends', () => {
    const all = actionsMatching('s3:*');
    const sample = sampleActions('s3:*', 20);
    expect(sample).toHaveLength(20);
    expect(sample[0]).toBe(all[0]);
    expect(sample[19]).toBe(all[all.length - 1]);
    expect(sampleActions('s3:*', 20)).toEqual(sample);
    expect(sampleActions('iam:PassRole')).toEqual(['iam:PassRole']);
  });

  test('concreteResource finds a resource of the action inside the pattern', () => {
    expect(concreteResource('s3:GetObject', 'arn:aws:s3:::parallelcluster-*', AWS)).toBe('arn:aws:s3:::parallelcluster-example/example');
    expect(concreteResource('s3:ListBucket', 'arn:aws:s3:::parallelcluster-*', AWS)).toBe('arn:aws:s3:::parallelcluster-example');
    expect(concreteResource('dynamodb:GetItem', 'arn:aws-cn:dynamodb:*:111122223333:table/parallelcluster-*', AWS_CN))
      .toBe('arn:aws-cn:dynamodb:cn-north-1:111122223333:table/parallelcluster-example');
    expect(concreteResource('ec2:RunInstances', '*', AWS_US_GOV)).toMatch(/^arn:aws-us-gov:ec2:us-gov-west-1:(111122223333)?:/);
    expect(concreteResource('ec2:DescribeInstances', '*', AWS)).toBe('*');
    expect(isWildcardOnlyAction('ec2:DescribeInstances')).toBe(true);
    // A bucket-only action has no resource inside an object pattern.
    expect(concreteResource('s3:ListBucket', 'arn:aws:s3:::parallelcluster-*/*', AWS)).toBeUndefined();
    expect(concreteResource('ec2:DescribeInstances', 'arn:aws:ec2:*:*:instance/*', AWS)).toBeUndefined();
  });
});
