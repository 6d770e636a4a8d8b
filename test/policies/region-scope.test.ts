import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterVersion } from '../../src/parallelcluster-version';
import { PolicyContext } from '../../src/policies/context';
import { headNodeSlurmStatements } from '../../src/policies/head-node-policies';
import { scopeToRegion } from '../../src/policies/region-scope';
import { revise } from '../../src/policies/revisions';
import { userBaseStatements, userIamStatements, userImageBuilderStatements } from '../../src/policies/user-policies';
import { PolicySimulator } from '../support/simulate';
import { AWS, AWS_CN, AWS_US_GOV, TestEnvironment, stackIn } from '../support/stacks';

/** Each partition with a second region of the same partition to scope to. */
const CASES: Array<[string, TestEnvironment, string]> = [
  ['aws', AWS, 'eu-west-1'],
  ['aws-us-gov', AWS_US_GOV, 'us-gov-east-1'],
  ['aws-cn', AWS_CN, 'cn-northwest-1'],
];

function userStatements(stack: Stack): iam.PolicyStatement[] {
  const ctx = new PolicyContext(stack);
  return [
    ...revise('user.base', userBaseStatements(ctx, []), ctx, ParallelClusterVersion.LATEST),
    ...userImageBuilderStatements(ctx),
    ...userIamStatements(ctx, []),
  ];
}

function simulatorFor(env: TestEnvironment, region: string): PolicySimulator {
  const stack = stackIn(env);
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  new iam.ManagedPolicy(stack, 'Policy', { roles: [role], statements: scopeToRegion(userStatements(stack), region) });
  return PolicySimulator.forRole(stack, role);
}

describe('scopeToRegion', () => {
  describe.each(CASES)('in %s, scoped to the second region', (_, env, region) => {
    const p = env.partition;
    const a = env.account;
    const home = env.region;
    const sim = simulatorFor(env, region);
    const inRegion = { 'aws:RequestedRegion': region };
    const inHome = { 'aws:RequestedRegion': home };
    // Login node resources are created with the cluster's tag (revisions.ts V3_7).
    const clusterTag = { 'aws:RequestTag/parallelcluster:cluster-name': 'my-cluster' };
    // Issue 12: stacks with the cluster tag only, and cluster buckets of the stack's account only.
    const tagged = { 'aws:ResourceTag/parallelcluster:cluster-name': 'my-cluster' };
    const own = { 'aws:ResourceAccount': a };

    test.each([
      // Statements on `*` of regional services: only requests made to the region.
      ['ec2:RunInstances', `arn:${p}:ec2:${region}:${a}:instance/i-0123`, inRegion, true],
      ['ec2:RunInstances', `arn:${p}:ec2:${home}:${a}:instance/i-0123`, inHome, false],
      ['cloudwatch:PutDashboard', `arn:${p}:cloudwatch::${a}:dashboard/my-cluster-${region}`, inRegion, true],
      ['cloudwatch:PutDashboard', `arn:${p}:cloudwatch::${a}:dashboard/my-cluster-${region}`, inHome, false],
      ['elasticloadbalancing:CreateLoadBalancer', '*', { ...inRegion, ...clusterTag }, true],
      ['elasticloadbalancing:CreateLoadBalancer', '*', { ...inHome, ...clusterTag }, false],
      // ARNs with `*` as region: the region instead.
      ['dynamodb:CreateTable', `arn:${p}:dynamodb:${region}:${a}:table/parallelcluster-my-cluster`, inRegion, true],
      ['dynamodb:CreateTable', `arn:${p}:dynamodb:${home}:${a}:table/parallelcluster-my-cluster`, inHome, false],
      ['lambda:CreateFunction', `arn:${p}:lambda:${region}:${a}:function:pcluster-CleanupResources-abc`, inRegion, true],
      ['lambda:CreateFunction', `arn:${p}:lambda:${home}:${a}:function:pcluster-CleanupResources-abc`, inHome, false],
      ['cloudformation:DeleteStack', `arn:${p}:cloudformation:${region}:${a}:stack/my-cluster/0a1b2c3d`, { ...inRegion, ...tagged }, true],
      ['cloudformation:DeleteStack', `arn:${p}:cloudformation:${home}:${a}:stack/my-cluster/0a1b2c3d`, { ...inHome, ...tagged }, false],
      ['imagebuilder:DeleteImage', `arn:${p}:imagebuilder:${region}:${a}:image/parallelclusterimage-x/1.0.0/1`, inRegion, true],
      ['imagebuilder:DeleteImage', `arn:${p}:imagebuilder:${home}:${a}:image/parallelclusterimage-x/1.0.0/1`, inHome, false],
      // S3 ARNs have no region: a condition, and the regional artifacts bucket of the region only.
      ['s3:GetObject', `arn:${p}:s3:::${region}-aws-parallelcluster/parallelcluster/3.11.1/x`, inRegion, true],
      ['s3:GetObject', `arn:${p}:s3:::${home}-aws-parallelcluster/parallelcluster/3.11.1/x`, inRegion, false],
      ['s3:PutObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/x`, { ...inRegion, ...own }, true],
      ['s3:PutObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/x`, { ...inHome, ...own }, false],
      // IAM and Route 53 are global: their requests go to the partition's global region, never scoped.
      ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/my-cluster/HeadNode`, { 'aws:RequestedRegion': home, 'iam:PassedToService': 'ec2.amazonaws.com' }, true],
      ['iam:GetRole', `arn:${p}:iam::${a}:role/anything`, inHome, true],
      ['iam:CreateServiceLinkedRole', `arn:${p}:iam::${a}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
        { 'aws:RequestedRegion': home, 'iam:AWSServiceName': 'autoscaling.amazonaws.com' }, true],
      // Made by CloudFormation for the cluster stack (user-policies.ts, Route53ZonesThroughCloudFormation).
      ['route53:CreateHostedZone', '*', { ...inHome, 'aws:CalledVia': ['cloudformation.amazonaws.com'] }, true],
    ])('%s on %s %j: %s', async (action, resource, context, expected) => {
      expect(await sim.allows(action, resource, context)).toBe(expected);
    });
  });

  test('adds the condition next to existing ones, and only where a resource can be in any region', () => {
    const stack = stackIn(AWS);
    const ctx = new PolicyContext(stack);
    const statements = headNodeSlurmStatements(ctx, { secretArns: [], computeNodeRoleArns: [] });
    const scoped = stack.resolve(scopeToRegion(statements, 'us-east-1').map((s) => s.toStatementJson()));
    const bySid = (sid: string) => scoped.find((s: any) => s.Sid === sid);
    expect(bySid('EC2TerminateComputeNodes').Condition).toEqual({
      StringEquals: { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute', 'aws:RequestedRegion': ['us-east-1'] },
    });
    // Region in every ARN already: left alone.
    expect(bySid('EC2TagsAndVolumes').Condition).toBeUndefined();
    expect(bySid('DynamoDB').Condition).toBeUndefined();
    // Global services: left alone.
    expect(bySid('IamPassRole').Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com'] } });
    // Global services: left alone (the record-name condition of issue 18 is the statement's own).
    expect(bySid('Route53').Condition).toEqual({
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['*.pcluster'] },
      'Null': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': 'false' },
    });
  });

  test('returns unchanged statements as they are and never modifies its input', () => {
    const stack = stackIn(AWS);
    const statements = userStatements(stack);
    const before = stack.resolve(statements.map((s) => s.toStatementJson()));
    const scoped = scopeToRegion(statements, 'eu-west-1');
    expect(stack.resolve(statements.map((s) => s.toStatementJson()))).toEqual(before);
    const iamRead = statements.find((s) => s.sid === 'IamRead');
    expect(scoped.find((s) => s.sid === 'IamRead')).toBe(iamRead);
    expect(scoped.map((s) => s.sid)).toEqual(statements.map((s) => s.sid));
  });

  test('accepts a deploy-time region (a CloudFormation parameter)', () => {
    const stack = stackIn(AWS);
    const region = new CfnParameter(stack, 'Region', { type: 'String' }).valueAsString;
    const ctx = new PolicyContext(stack);
    const [dynamo] = scopeToRegion(userBaseStatements(ctx, []).filter((s) => s.sid === 'DynamoDB'), region);
    expect(stack.resolve(dynamo.toStatementJson()).Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'Region' }, ':111122223333:table/parallelcluster-*']],
    });
  });

  test.each(['*', 'us-east', 'US-EAST-1', 'eu-west-1 ', ''])('refuses %p, naming it and the fix', (region) => {
    expect(() => scopeToRegion([], region)).toThrow(new RegExp(`region '${region.replace('*', '\\*')}' is not an AWS region: write it as AWS does, for example 'us-east-1'`));
  });
});
