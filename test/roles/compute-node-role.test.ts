import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ComputeNodeRole, ComputeNodeRoleProps, ParallelClusterVersion } from '../../src';
import {
  docAwsManagedPolicyArns,
  docStatements,
  expectAllowed,
  expectDenied,
  nearMisses,
  requests,
  requestsAllowedBy,
  roleStatements,
  withoutSid,
} from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, TestEnvironment, awsStack, stackIn } from '../support/stacks';

function computeNode(env: TestEnvironment, props: ComputeNodeRoleProps = {}) {
  const stack = stackIn(env);
  const compute = new ComputeNodeRole(stack, 'Compute', { parallelClusterVersion: ParallelClusterVersion.V3_2, ...props });
  return { stack, compute, sim: PolicySimulator.forRole(stack, compute.role), template: Template.fromStack(stack) };
}

describe.each(ENVIRONMENTS)('ComputeNodeRole in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;

  test('its statements are the doc block computeNode, with a Sid each', () => {
    const { sim } = computeNode(env);
    const statements = roleStatements(sim);
    expect(statements.map(withoutSid)).toEqual(docStatements('computeNode', env));
    expect(statements.map((s) => s.Sid)).toEqual(['DynamoDBQuery', 'S3ParallelClusterObjects', 'EC2DescribeInstanceAttribute']);
  });

  test('allows every statement of the doc block', async () => {
    const { sim } = computeNode(env);
    await expectAllowed(sim, requestsAllowedBy(docStatements('computeNode', env), env));
  });

  test('denies near misses: other region, account, partition', async () => {
    const { sim } = computeNode(env);
    await expectDenied(sim, nearMisses(docStatements('computeNode', env), env));
  });

  test('denies what the doc does not grant', async () => {
    const { sim } = computeNode(env);
    await expectDenied(sim, requests(
      ['dynamodb:PutItem', `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-mycluster`],
      ['dynamodb:Scan', `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-mycluster`],
      ['s3:GetObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/config.yaml`],
      ['s3:PutObject', `arn:${p}:s3:::${r}-aws-parallelcluster/key`],
      ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`],
      ['ec2:TerminateInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
      ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/node`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
      ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:any-AbCdEf`],
      ['cloudformation:SignalResource', `arn:${p}:cloudformation:${r}:${a}:stack/mycluster/id`],
    ));
  });

  test('has the doc\'s AWS managed policies and an EC2 trust under the partition\'s URL suffix', () => {
    const { sim, template, stack, compute } = computeNode(env);
    expect(sim.awsManagedPolicyArns.sort()).toEqual(docAwsManagedPolicyArns('computeNode', env).sort());
    const roleId = stack.getLogicalId(compute.role.node.defaultChild as iam.CfnRole);
    const trust = template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument;
    expect(trust.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::URLSuffix' }]] } },
    }]);
    expect(sim.evaluate(trust.Statement[0].Principal.Service)).toBe(`ec2.${env.urlSuffix}`);
  });

  test('secrets add a GetSecretValue statement on exactly those secrets', async () => {
    const stack = stackIn(env);
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'License', 'license-server');
    const compute = new ComputeNodeRole(stack, 'Compute', { parallelClusterVersion: ParallelClusterVersion.V3_2, secrets: [secret] });
    const sim = PolicySimulator.forRole(stack, compute.role);
    expect(roleStatements(sim).slice(-1)).toEqual([{
      Sid: 'SecretsManagerGetSecretValue',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: [`arn:${p}:secretsmanager:${r}:${a}:secret:license-server-??????`],
    }]);
    await expectAllowed(sim, requests(['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:license-server-AbCdEf`]));
    await expectDenied(sim, requests(['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:license-other-AbCdEf`]));
  });
});

describe('ComputeNodeRole options', () => {
  test('role and instance profile are on the IAM path, and the instance profile holds the role', () => {
    const { stack, compute, template } = computeNode(AWS, { iamPath: '/hpc/' });
    const roleId = stack.getLogicalId(compute.role.node.defaultChild as iam.CfnRole);
    const profileId = stack.getLogicalId(compute.instanceProfile.node.defaultChild as iam.CfnInstanceProfile);
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/hpc/' });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/hpc/', Roles: [{ Ref: roleId }] });
    expect(stack.resolve(compute.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(stack.resolve(compute.instanceProfileArn)).toEqual({ 'Fn::GetAtt': [profileId, 'Arn'] });
    expect(compute.iamPath).toBe('/hpc/');
    expect(compute.managedPolicies).toHaveLength(1);
  });

  test.each([
    ['/', /iamPath '\/' would make every role/],
    ['hpc/', /iamPath 'hpc\/' is not a valid IAM path/],
  ])('iamPath %s is an error', (iamPath, message) => {
    expect(() => new ComputeNodeRole(awsStack(), 'Compute', { iamPath })).toThrow(message);
  });

  test('an invalid roleName is an error', () => {
    expect(() => new ComputeNodeRole(awsStack(), 'Compute', { roleName: 'x'.repeat(65) })).toThrow(/is not a valid IAM role name/);
  });

  test('enableSessionManager and enableCloudWatchAgent switch the AWS managed policies', () => {
    expect(computeNode(AWS, { enableSessionManager: false }).sim.awsManagedPolicyArns)
      .toEqual(['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']);
    expect(computeNode(AWS, { enableCloudWatchAgent: false }).sim.awsManagedPolicyArns)
      .toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
  });

  test('additionalIamPolicies are attached after the construct\'s own', () => {
    const stack = awsStack();
    const extra = iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonFSxReadOnlyAccess');
    const compute = new ComputeNodeRole(stack, 'Compute', { additionalIamPolicies: [extra] });
    const roleId = stack.getLogicalId(compute.role.node.defaultChild as iam.CfnRole);
    const arns = Template.fromStack(stack).toJSON().Resources[roleId].Properties.ManagedPolicyArns;
    expect(arns.slice(2)).toEqual([stack.resolve(compute.managedPolicies[0].managedPolicyArn), stack.resolve(extra.managedPolicyArn)]);
  });

  test('a permissions boundary from the prop or from iam.PermissionsBoundary.of', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'pcluster-boundary');
    new ComputeNodeRole(stack, 'WithProp', { permissionsBoundary: boundary });
    iam.PermissionsBoundary.of(new ComputeNodeRole(stack, 'Scoped')).apply(boundary);
    const template = Template.fromStack(stack);
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(2);
    for (const role of roles) {
      expect(stack.resolve(role.Properties.PermissionsBoundary)).toEqual(stack.resolve(boundary.managedPolicyArn));
    }
  });

  test('is an IGrantable standing for the role', () => {
    const { compute } = computeNode(AWS);
    expect(compute.grantPrincipal).toBe(compute.role);
  });
});

describe('ComputeNodeRole clusterName', () => {
  test('an invalid name is a synth error naming it', () => {
    expect(() => new ComputeNodeRole(awsStack(), 'Compute', { clusterName: 'my_cluster' }))
      .toThrow(/clusterName 'my_cluster' is not a valid ParallelCluster cluster name/);
  });

  test('scoped, it reads and writes its cluster\'s tables only', async () => {
    const stack = awsStack();
    const compute = new ComputeNodeRole(stack, 'Compute', { clusterName: 'c1' });
    const sim = PolicySimulator.forRole(stack, compute.role);
    await expectAllowed(sim, requests(
      ['dynamodb:Query', 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-c1'],
      ['dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-c1'],
    ));
    await expectDenied(sim, requests(
      ['dynamodb:Query', 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-c2'],
      ['dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-c2'],
    ));
  });
});
