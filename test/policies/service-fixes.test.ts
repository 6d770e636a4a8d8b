import * as fs from 'fs';
import * as path from 'path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterVersion } from '../../src/parallelcluster-version';
import { PolicyContext } from '../../src/policies/context';
import { imageBuilderCleanupLambdaStatements } from '../../src/policies/image-builder-policies';
import { PolicyBlock, revise } from '../../src/policies/revisions';
import { SERVICE_FIXES } from '../../src/policies/service-fixes';
import { userBaseStatements } from '../../src/policies/user-policies';
import { ImageBuilderRoles } from '../../src/roles/image-builder-roles';
import { ParallelClusterUserRole } from '../../src/roles/user-role';
import { Request, expectAllowed, expectDenied, requests } from '../support/cluster-roles-helpers';
import { PolicySimulator, RequestContext } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, stackIn } from '../support/stacks';

const V = ParallelClusterVersion;

const userRole = (env: TestEnvironment, version: ParallelClusterVersion): PolicySimulator => {
  const stack = stackIn(env);
  const user = new ParallelClusterUserRole(stack, 'User', { parallelClusterVersion: version });
  return PolicySimulator.forRole(stack, user.role);
};

const cleanupRole = (env: TestEnvironment, version: ParallelClusterVersion): PolicySimulator => {
  const stack = stackIn(env);
  const roles = new ImageBuilderRoles(stack, 'Image', { parallelClusterVersion: version });
  return PolicySimulator.forRole(stack, roles.cleanupLambdaRole);
};

/** A role with the block as the release had it: `revise` only, without the service fixes. */
const withoutFixes = (env: TestEnvironment, block: PolicyBlock, version: ParallelClusterVersion): PolicySimulator => {
  const stack = stackIn(env);
  const ctx = new PolicyContext(stack, '/parallelcluster/', { version });
  const factory = block === 'user.base' ? userBaseStatements(ctx, []) : imageBuilderCleanupLambdaStatements(ctx);
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
  new iam.ManagedPolicy(stack, 'Policy', { roles: [role], statements: revise(block, factory, ctx, version) });
  return PolicySimulator.forRole(stack, role);
};

const CLUSTER_TAGS: RequestContext = {
  'aws:RequestTag/parallelcluster:cluster-name': 'my-cluster',
  'aws:TagKeys': ['parallelcluster:cluster-name', 'parallelcluster:version', 'Owner'],
};
const TAGGED: RequestContext = { 'aws:ResourceTag/parallelcluster:cluster-name': 'my-cluster' };

const resources = (env: TestEnvironment) => {
  const arn = (service: string, resource: string) => `arn:${env.partition}:${service}:${env.region}:${env.account}:${resource}`;
  return {
    alarm: arn('cloudwatch', 'alarm:my-cluster-HeadNode'),
    asg: arn('autoscaling', 'autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/my-cluster-pool1-Asg'),
    otherAsg: arn('autoscaling', 'autoScalingGroup:0a1b2c3d-1111-2222-3333-777788889999:autoScalingGroupName/web-tier'),
    loadBalancer: arn('elasticloadbalancing', 'loadbalancer/net/my-cluster-pool1/0123456789abcdef'),
    otherLoadBalancer: arn('elasticloadbalancing', 'loadbalancer/net/web-tier/0123456789abcdef'),
    listener: arn('elasticloadbalancing', 'listener/net/web-tier/0123456789abcdef/fedcba9876543210'),
    targetGroup: arn('elasticloadbalancing', 'targetgroup/web-tier/0123456789abcdef'),
    logGroup: arn('logs', 'log-group:/aws/lambda/ParallelClusterImage-my-image'),
    function: arn('lambda', 'function:ParallelClusterImage-my-image'),
    stack: arn('cloudformation', 'stack/my-image/0a1b2c3d-1111-2222-3333-444455556666'),
  };
};

describe('service-side fixes', () => {
  test('each names a date, a source, the oldest revision with the feature, and changes', () => {
    expect(SERVICE_FIXES.map((f) => f.id)).toEqual(['cleanup-lambda-reads', 'log-group-arn', 'alarm-tagging', 'listener-tagging']);
    for (const fix of SERVICE_FIXES) {
      expect([fix.id, /^\d{4}-\d{2}-\d{2}$/.test(fix.date), fix.source.length > 10, Object.keys(fix.changes).length > 0])
        .toEqual([fix.id, true, true, true]);
      expect(Object.values(fix.changes).flat().every((c) => c!.release === 'service')).toBe(true);
    }
  });

  test('docs/revisions.md lists every fix and every revision', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'revisions.md'), 'utf-8');
    for (const fix of SERVICE_FIXES) {
      expect([fix.id, doc.includes(`| \`${fix.id}\` | ${fix.date} |`)]).toEqual([fix.id, true]);
    }
    for (const version of V.all()) {
      expect([version.toString(), new RegExp(`^\\| \`${version}\`( = \`LATEST\`)? \\| 3\\.`, 'm').test(doc)]).toEqual([version.toString(), true]);
    }
  });

  describe.each(ENVIRONMENTS)('in $partition', (env) => {
    const r = resources(env);

    test('alarm-tagging: V3_6, the first revision with alarms, tags alarms; so does every later revision', async () => {
      for (const version of V.all()) {
        const allowed = await userRole(env, version).allows('cloudwatch:TagResource', r.alarm);
        expect([version.toString(), allowed]).toEqual([version.toString(), version.isAtLeast(V.V3_6)]);
      }
      // The release as it was (revise only) lacks it; the fix covers alarms only.
      expect(await withoutFixes(env, 'user.base', V.V3_6).allows('cloudwatch:TagResource', r.alarm)).toBe(false);
      expect(await userRole(env, V.V3_6).allows('cloudwatch:TagResource',
        `arn:${env.partition}:cloudwatch::${env.account}:dashboard/my-cluster-${env.region}`)).toBe(false);
    });

    test('listener-tagging: V3_7 lets CloudFormation tag the listener it creates, with the user\'s tags too', async () => {
      const tagOnCreate = { ...CLUSTER_TAGS, 'elasticloadbalancing:CreateAction': 'CreateListener' };
      expect(await userRole(env, V.V3_7).allows('elasticloadbalancing:AddTags', r.loadBalancer, tagOnCreate)).toBe(true);
      expect(await userRole(env, V.LATEST).allows('elasticloadbalancing:AddTags', r.loadBalancer, tagOnCreate)).toBe(true);
      expect(await withoutFixes(env, 'user.base', V.V3_7).allows('elasticloadbalancing:AddTags', r.loadBalancer, tagOnCreate)).toBe(false);
      // Without the cluster-name tag in the request, no.
      expect(await userRole(env, V.V3_7).allows('elasticloadbalancing:AddTags', r.loadBalancer, {
        'aws:TagKeys': ['Owner'], 'aws:RequestTag/Owner': 'me', 'elasticloadbalancing:CreateAction': 'CreateListener',
      })).toBe(false);
    });

    test('log-group-arn: V3_2 deletes the function\'s log group by its log-group ARN', async () => {
      for (const version of [V.V3_2, V.V3_13, V.LATEST]) {
        expect([version.toString(), await cleanupRole(env, version).allows('logs:DeleteLogGroup', r.logGroup)]).toEqual([version.toString(), true]);
        expect([version.toString(), await cleanupRole(env, version).allows('logs:DeleteLogGroup', `${r.logGroup}:*`)]).toEqual([version.toString(), true]);
      }
      expect(await withoutFixes(env, 'imageBuilder.cleanupLambda', V.V3_2).allows('logs:DeleteLogGroup', r.logGroup)).toBe(false);
      expect(await cleanupRole(env, V.V3_2).allows('logs:DeleteLogGroup',
        `arn:${env.partition}:logs:${env.region}:${env.account}:log-group:/aws/lambda/other-function`)).toBe(false);
    });

    test('cleanup-lambda-reads: V3_2 reads the function and its policy as CloudFormation deletes them', async () => {
      for (const action of ['lambda:GetFunction', 'lambda:GetPolicy']) {
        expect([action, await cleanupRole(env, V.V3_2).allows(action, r.function)]).toEqual([action, true]);
        expect([action, await withoutFixes(env, 'imageBuilder.cleanupLambda', V.V3_2).allows(action, r.function)]).toEqual([action, false]);
        expect([action, await cleanupRole(env, V.V3_2).allows(action,
          `arn:${env.partition}:lambda:${env.region}:${env.account}:function:other`)]).toEqual([action, false]);
      }
    });

    test('V3_14: the cleanup role deletes only stacks tagged parallelcluster:image_id; so do V3_2 to V3_13 (issue 18, finding 5)', async () => {
      const imageStack: RequestContext = { 'aws:ResourceTag/parallelcluster:image_id': 'my-image' };
      for (const version of [V.V3_2, V.V3_13, V.V3_14, V.LATEST]) {
        const sim = cleanupRole(env, version);
        expect(await sim.allows('cloudformation:DeleteStack', r.stack, imageStack)).toBe(true);
        expect(await sim.allows('cloudformation:DeleteStack', r.stack)).toBe(false);
        expect(await sim.allows('cloudformation:DeleteStack', r.stack, { 'aws:ResourceTag/parallelcluster:cluster-name': 'c' })).toBe(false);
      }
    });

    describe.each([V.V3_7, V.V3_15, V.LATEST])('login nodes at %s', (version) => {
      const allowed: Request[] = requests(
        ['autoscaling:CreateAutoScalingGroup', r.asg, CLUSTER_TAGS],
        ['elasticloadbalancing:CreateLoadBalancer', r.loadBalancer, CLUSTER_TAGS],
        ['elasticloadbalancing:AddTags', r.loadBalancer, { ...CLUSTER_TAGS, 'elasticloadbalancing:CreateAction': 'CreateLoadBalancer' }],
        ['elasticloadbalancing:CreateListener', r.loadBalancer, { ...TAGGED, ...CLUSTER_TAGS }],
        ['elasticloadbalancing:AddTags', r.loadBalancer, { ...CLUSTER_TAGS, 'elasticloadbalancing:CreateAction': 'CreateListener' }],
        ['autoscaling:UpdateAutoScalingGroup', r.asg, TAGGED],
        ['autoscaling:DeleteAutoScalingGroup', r.asg, TAGGED],
        ['elasticloadbalancing:DeleteLoadBalancer', r.loadBalancer, TAGGED],
        ['elasticloadbalancing:DescribeLoadBalancers', '*'],
      );
      // What an attacker with the user role would try: resources of the account that are no cluster's.
      const attacks: Request[] = requests(
        ['autoscaling:DeleteAutoScalingGroup', r.otherAsg],
        ['autoscaling:UpdateAutoScalingGroup', r.otherAsg],
        ['autoscaling:PutLifecycleHook', r.otherAsg],
        ['autoscaling:CreateOrUpdateTags', r.otherAsg, CLUSTER_TAGS],
        ['autoscaling:DeleteAutoScalingGroup', r.otherAsg, { 'aws:ResourceTag/team': 'web' }],
        ['elasticloadbalancing:DeleteLoadBalancer', r.otherLoadBalancer],
        ['elasticloadbalancing:ModifyLoadBalancerAttributes', r.otherLoadBalancer],
        ['elasticloadbalancing:CreateListener', r.otherLoadBalancer, CLUSTER_TAGS],
        ['elasticloadbalancing:DeleteListener', r.listener],
        ['elasticloadbalancing:DeleteTargetGroup', r.targetGroup],
        // Tagging an existing load balancer with the cluster tag, to delete it next.
        ['elasticloadbalancing:AddTags', r.otherLoadBalancer, CLUSTER_TAGS],
        // Creating without the cluster tag.
        ['autoscaling:CreateAutoScalingGroup', r.otherAsg, { 'aws:TagKeys': ['Owner'], 'aws:RequestTag/Owner': 'me' }],
        ['autoscaling:CreateAutoScalingGroup', r.otherAsg],
        ['elasticloadbalancing:CreateLoadBalancer', r.otherLoadBalancer],
      );

      test('allows what ParallelCluster calls, with the cluster tag and the user\'s own tags', async () => {
        await expectAllowed(userRole(env, version), allowed);
      });

      test('denies changing, deleting or tagging an Auto Scaling group or load balancer that is no cluster\'s', async () => {
        await expectDenied(userRole(env, version), attacks);
      });
    });
  });
});
