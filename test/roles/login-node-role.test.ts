import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterVersion } from '../../src/parallelcluster-version';
import { LoginNodeRole, LoginNodeRoleProps } from '../../src/roles/login-node-role';
import {
  Statement,
  expectAllowed,
  expectDenied,
  nearMisses,
  requests,
  requestsAllowedBy,
  roleStatements,
} from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, TestEnvironment, stackIn } from '../support/stacks';

function loginNode(env: TestEnvironment, props: LoginNodeRoleProps = {}) {
  const stack = stackIn(env);
  const login = new LoginNodeRole(stack, 'Login', props);
  return { stack, login, sim: PolicySimulator.forRole(stack, login.role), template: Template.fromStack(stack) };
}

/**
 * What ParallelCluster grants the login node roles it creates (LoginNodesIamResources in
 * cdk_builder_utils.py), by release, with the cluster's names as patterns.
 */
function expectedStatements(env: TestEnvironment, version: ParallelClusterVersion): Statement[] {
  const { partition: p, region: r, account: a } = env;
  const statements: Statement[] = [
    { Sid: 'EC2DescribeInstanceAttribute', Effect: 'Allow', Action: ['ec2:DescribeInstanceAttribute'], Resource: ['*'] },
    { Sid: 'S3ParallelClusterObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:${p}:s3:::${r}-aws-parallelcluster/*`] },
    {
      Sid: 'AutoScalingCompleteLifecycleAction',
      Effect: 'Allow',
      Action: ['autoscaling:CompleteLifecycleAction'],
      Resource: [`arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:*:autoScalingGroupName/*-AutoScalingGroup`],
    },
  ];
  if (version.isAtLeast(ParallelClusterVersion.V3_9)) {
    statements.push(
      {
        Sid: 'DynamoDBNodeStatus',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: [`arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-*`],
      },
      {
        Sid: 'CloudFormation',
        Effect: 'Allow',
        Action: ['cloudformation:DescribeStackResource', ...(version.isAtLeast(ParallelClusterVersion.V3_11) ? ['cloudformation:DescribeStacks'] : [])],
        Resource: [`arn:${p}:cloudformation:${r}:${a}:stack/*/*`],
      },
    );
  }
  if (version.isAtLeast(ParallelClusterVersion.V3_11)) {
    statements.push({ Sid: 'DcvLicense', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`arn:${p}:s3:::dcv-license.${r}/*`] });
  }
  return statements;
}

describe.each(ENVIRONMENTS)('LoginNodeRole in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;
  const stackArn = `arn:${p}:cloudformation:${r}:${a}:stack/my-cluster-LoginNodes/0a1b2c3d-1111-2222-3333-444455556666`;
  const table = `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-my-cluster`;

  test.each([ParallelClusterVersion.V3_7, ParallelClusterVersion.V3_9, ParallelClusterVersion.V3_11])(
    'at %s, its statements are what that ParallelCluster release grants login nodes', (version) => {
      const { sim } = loginNode(env, { parallelClusterVersion: version });
      expect(roleStatements(sim)).toEqual(expectedStatements(env, version));
    });

  test('defaults to the newest revision', () => {
    const { sim, login } = loginNode(env);
    expect(login.parallelClusterVersion).toBe(ParallelClusterVersion.LATEST);
    expect(roleStatements(sim)).toEqual(expectedStatements(env, ParallelClusterVersion.LATEST));
  });

  test('allows every statement, and denies near misses (other region, account, partition)', async () => {
    const { sim } = loginNode(env);
    const statements = expectedStatements(env, ParallelClusterVersion.LATEST);
    await expectAllowed(sim, requestsAllowedBy(statements, env));
    await expectDenied(sim, nearMisses(statements, env));
  });

  test('allows what a login node of cluster my-cluster, pool pool1 does', async () => {
    const { sim } = loginNode(env);
    await expectAllowed(sim, requests(
      ['autoscaling:CompleteLifecycleAction',
        `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/my-cluster-pool1-AutoScalingGroup`],
      ['dynamodb:UpdateItem', table],
      ['cloudformation:DescribeStacks', stackArn],
      ['s3:GetObject', `arn:${p}:s3:::dcv-license.${r}/license.lic`],
      ['s3:GetObject', `arn:${p}:s3:::${r}-aws-parallelcluster/parallelcluster/3.11.1/cookbooks/x.tgz`],
    ));
  });

  test('denies what login nodes do not need', async () => {
    const { sim } = loginNode(env);
    await expectDenied(sim, requests(
      ['autoscaling:CompleteLifecycleAction', `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b:autoScalingGroupName/web-servers`],
      ['autoscaling:UpdateAutoScalingGroup',
        `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b:autoScalingGroupName/my-cluster-pool1-AutoScalingGroup`],
      ['dynamodb:Query', table],
      ['dynamodb:DeleteItem', table],
      ['dynamodb:GetItem', `arn:${p}:dynamodb:${r}:${a}:table/other-table`],
      ['cloudformation:SignalResource', stackArn],
      ['s3:PutObject', `arn:${p}:s3:::${r}-aws-parallelcluster/key`],
      ['s3:GetObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/config.yaml`],
      ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`],
      ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/node`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ));
  });

  test('before 3.9 login nodes do not write to DynamoDB; before 3.11 they read no DCV license', async () => {
    const at37 = loginNode(env, { parallelClusterVersion: ParallelClusterVersion.V3_7 }).sim;
    const at39 = loginNode(env, { parallelClusterVersion: ParallelClusterVersion.V3_9 }).sim;
    await expectDenied(at37, requests(['dynamodb:PutItem', table], ['cloudformation:DescribeStackResource', stackArn]));
    await expectAllowed(at39, requests(['dynamodb:PutItem', table], ['cloudformation:DescribeStackResource', stackArn]));
    await expectDenied(at39, requests(['cloudformation:DescribeStacks', stackArn], ['s3:GetObject', `arn:${p}:s3:::dcv-license.${r}/license.lic`]));
  });

  test('trusts EC2 under the partition\'s URL suffix, with an instance profile on the same path', () => {
    const { sim, template, stack, login } = loginNode(env);
    const roleId = stack.getLogicalId(login.role.node.defaultChild as iam.CfnRole);
    const role = template.toJSON().Resources[roleId].Properties;
    expect(sim.evaluate(role.AssumeRolePolicyDocument.Statement)).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: `ec2.${env.urlSuffix}` },
    }]);
    expect(role.Path).toBe('/parallelcluster/');
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/parallelcluster/', Roles: [{ Ref: roleId }] });
    expect(sim.principalArn).toMatch(new RegExp(`^arn:${p}:iam::${a}:role/parallelcluster/`));
    expect(sim.evaluate(stack.resolve(login.instanceProfileArn))).toMatch(new RegExp(`^arn:${p}:iam::${a}:instance-profile/parallelcluster/`));
  });

  test('has CloudWatchAgentServerPolicy and AmazonSSMManagedInstanceCore unless turned off', () => {
    expect(loginNode(env).sim.awsManagedPolicyArns.sort()).toEqual([
      `arn:${p}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
      `arn:${p}:iam::aws:policy/CloudWatchAgentServerPolicy`,
    ]);
    expect(loginNode(env, { enableSessionManager: false }).sim.awsManagedPolicyArns)
      .toEqual([`arn:${p}:iam::aws:policy/CloudWatchAgentServerPolicy`]);
    expect(loginNode(env, { enableSessionManager: false, enableCloudWatchAgent: false }).sim.awsManagedPolicyArns).toEqual([]);
  });
});

describe('LoginNodeRole props', () => {
  test('iamPath, roleName, permissions boundary and additional policies reach the role', () => {
    const stack = stackIn(AWS);
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', 'arn:aws:iam::111122223333:policy/boundary');
    const extra = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Extra', 'arn:aws:iam::111122223333:policy/parallelcluster/extra');
    const login = new LoginNodeRole(stack, 'Login', {
      iamPath: '/hpc/', roleName: 'my-login-nodes', permissionsBoundary: boundary, additionalIamPolicies: [extra],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      Path: '/hpc/',
      RoleName: 'my-login-nodes',
      PermissionsBoundary: 'arn:aws:iam::111122223333:policy/boundary',
    });
    const roleId = stack.getLogicalId(login.role.node.defaultChild as iam.CfnRole);
    expect(template.toJSON().Resources[roleId].Properties.ManagedPolicyArns).toContain('arn:aws:iam::111122223333:policy/parallelcluster/extra');
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/hpc/' });
    expect(login.iamPath).toBe('/hpc/');
    expect(login.managedPolicies).toHaveLength(1);
  });

  test.each([ParallelClusterVersion.V3_2, ParallelClusterVersion.V3_6])('refuses %s: login nodes need ParallelCluster 3.7', (version) => {
    expect(() => new LoginNodeRole(stackIn(AWS), 'Login', { parallelClusterVersion: version }))
      .toThrow(new RegExp(`parallelClusterVersion is ${version} but login nodes need ParallelCluster 3\\.7 or later: use ParallelClusterVersion\\.V3_7`));
  });

  test('refuses a bad iamPath, naming it', () => {
    expect(() => new LoginNodeRole(stackIn(AWS), 'Login', { iamPath: 'parallelcluster' })).toThrow(/iamPath 'parallelcluster' is not a valid IAM path/);
    expect(() => new LoginNodeRole(stackIn(AWS), 'Login', { iamPath: '/' })).toThrow(/iamPath/);
  });
});

describe('LoginNodeRole clusterName', () => {
  test('an invalid name is a synth error naming it', () => {
    expect(() => new LoginNodeRole(stackIn(AWS), 'Login', { clusterName: '-c' }))
      .toThrow(/clusterName '-c' is not a valid ParallelCluster cluster name/);
  });

  test('scoped, it completes its cluster\'s lifecycle hooks only', async () => {
    const stack = stackIn(AWS);
    const login = new LoginNodeRole(stack, 'Login', { clusterName: 'c1' });
    const sim = PolicySimulator.forRole(stack, login.role);
    const asg = (name: string) => `arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:0a1b:autoScalingGroupName/${name}`;
    await expectAllowed(sim, requests(['autoscaling:CompleteLifecycleAction', asg('c1-login-AutoScalingGroup')]));
    await expectDenied(sim, requests(['autoscaling:CompleteLifecycleAction', asg('c2-login-AutoScalingGroup')]));
  });
});
