import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LambdaFunctionsRole, LambdaFunctionsRoleProps } from '../../src';
import {
  Statement,
  docStatements,
  drivable,
  expectAllowed,
  expectDenied,
  nearMisses,
  requests,
  requestsAllowedBy,
  roleStatements,
  withIssue12Narrowings,
  withIssue18Narrowings,
  withoutSid,
} from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, TestEnvironment, awsStack, stackIn } from '../support/stacks';

function lambdaRole(env: TestEnvironment, props: LambdaFunctionsRoleProps = {}) {
  const stack = stackIn(env);
  const lambda = new LambdaFunctionsRole(stack, 'Lambda', props);
  return { stack, lambda, sim: PolicySimulator.forRole(stack, lambda.role), template: Template.fromStack(stack) };
}

/** The doc's block with the issue 12 and 18 narrowings. */
function expected(env: TestEnvironment): Statement[] {
  return withIssue18Narrowings('lambdaFunctions', withIssue12Narrowings('lambdaFunctions', docStatements('lambdaFunctions', env), env), env);
}

describe.each(ENVIRONMENTS)('LambdaFunctionsRole in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;

  test('its statements are the doc block lambdaFunctions, with a Sid each', () => {
    const { sim } = lambdaRole(env);
    const statements = roleStatements(sim);
    expect(statements.map(withoutSid)).toEqual(expected(env));
    expect(statements.map((s) => s.Sid)).toEqual([
      'Route53', 'Route53ChangeClusterRecords', 'CloudWatchLogs', 'EC2DescribeInstances', 'EC2TerminateComputeNodes', 'S3ClusterBucketCleanup',
    ]);
  });

  test('allows every statement of the doc block', async () => {
    const { sim } = lambdaRole(env);
    await expectAllowed(sim, requestsAllowedBy(drivable(expected(env)), env));
    // Issue 18 (finding 6): the records of the cluster's default domain only.
    await expectAllowed(sim, requests(['route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/Z0123`,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['compute-st-c5-1.hpc.pcluster'] }]));
    await expectDenied(sim, requests(
      ['route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/Z0123`],
      ['route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/Z0123`,
        { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['compute-st-c5-1.hpc.pcluster', 'www.example.com'] }],
    ));
  });

  test('denies near misses: other tag, region, account, partition', async () => {
    const { sim } = lambdaRole(env);
    await expectDenied(sim, nearMisses(drivable(expected(env)), env));
  });

  test('denies what the doc does not grant', async () => {
    const { sim } = lambdaRole(env);
    await expectDenied(sim, requests(
      ['route53:DeleteHostedZone', `arn:${p}:route53:::hostedzone/Z0123`],
      ['logs:CreateLogStream', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/other-function:log-stream:x`],
      ['logs:DeleteLogGroup', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/pcluster-CleanupResources-x`],
      ['ec2:TerminateInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, { 'ec2:ResourceTag/parallelcluster:node-type': 'HeadNode' }],
      ['s3:DeleteObject', `arn:${p}:s3:::other-bucket/key`],
      ['s3:DeleteBucket', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete`],
      ['s3:PutObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/key`],
      ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/node`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ));
  });

  test('is trusted by Lambda and has no AWS managed policy outside a VPC', () => {
    const { sim, template } = lambdaRole(env);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      },
    });
    expect(sim.awsManagedPolicyArns).toEqual([]);
  });

  test('lambdaFunctionsInVpc adds AWSLambdaVPCAccessExecutionRole', () => {
    const { sim } = lambdaRole(env, { lambdaFunctionsInVpc: true });
    expect(sim.awsManagedPolicyArns).toEqual([`arn:${p}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`]);
  });
});

describe('LambdaFunctionsRole options', () => {
  test('the role is on the IAM path, with no instance profile', () => {
    const { lambda, template, stack } = lambdaRole(AWS, { iamPath: '/hpc/' });
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/hpc/' });
    template.resourceCountIs('AWS::IAM::InstanceProfile', 0);
    expect(lambda.iamPath).toBe('/hpc/');
    expect(stack.resolve(lambda.roleArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(lambda.role.node.defaultChild as iam.CfnRole), 'Arn'] });
    expect(lambda.managedPolicies).toHaveLength(1);
    expect(lambda.grantPrincipal).toBe(lambda.role);
  });

  test('roleName is used; an invalid iamPath or roleName is an error', () => {
    lambdaRole(AWS, { roleName: 'pcluster-lambda' }).template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'pcluster-lambda' });
    expect(() => new LambdaFunctionsRole(awsStack(), 'Lambda', { iamPath: '/' })).toThrow(/iamPath '\/' would make every role/);
    expect(() => new LambdaFunctionsRole(awsStack(), 'Lambda', { roleName: 'a/b' })).toThrow(/roleName 'a\/b' is not a valid IAM role name/);
  });

  test('a permissions boundary from the prop or from iam.PermissionsBoundary.of', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'pcluster-boundary');
    new LambdaFunctionsRole(stack, 'WithProp', { permissionsBoundary: boundary });
    iam.PermissionsBoundary.of(stack).apply(boundary);
    new LambdaFunctionsRole(stack, 'Scoped');
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles.map((role) => stack.resolve(role.Properties.PermissionsBoundary)))
      .toEqual([stack.resolve(boundary.managedPolicyArn), stack.resolve(boundary.managedPolicyArn)]);
  });
});

describe('LambdaFunctionsRole clusterName and hostedZoneId', () => {
  test('bad values are synth errors naming them', () => {
    expect(() => new LambdaFunctionsRole(awsStack(), 'Lambda', { clusterName: 'c.1' }))
      .toThrow(/clusterName 'c\.1' is not a valid ParallelCluster cluster name/);
    expect(() => new LambdaFunctionsRole(awsStack(), 'Lambda', { hostedZoneId: 'Z0123' }))
      .toThrow(/hostedZoneId 'Z0123' is set but clusterName is not/);
  });

  test('scoped, it cleans up its own zone and compute nodes only', async () => {
    const stack = awsStack();
    const lambda = new LambdaFunctionsRole(stack, 'Lambda', { clusterName: 'c1', hostedZoneId: 'Z0AAAA' });
    const sim = PolicySimulator.forRole(stack, lambda.role);
    const records = (name: string) => ({ 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [name] });
    const compute = (cluster: string) => ({ 'ec2:ResourceTag/parallelcluster:node-type': 'Compute', 'ec2:ResourceTag/parallelcluster:cluster-name': cluster });
    await expectAllowed(sim, requests(
      // In the zone it names (Dns/HostedZoneId), whose domain the library does not know: <node>.c1.<any domain>.
      ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0AAAA', records('q-st-c5-1.c1.example.internal')],
      ['ec2:TerminateInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0', compute('c1')],
    ));
    await expectDenied(sim, requests(
      ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0BBBB', records('q-st-c5-1.c1.example.internal')],
      ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0AAAA', records('www.example.internal')],
      ['route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0AAAA', records('q-st-c5-1.c2.example.internal')],
      ['ec2:TerminateInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0', compute('c2')],
    ));
  });
});
