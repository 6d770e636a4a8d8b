import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterVersion } from '../../src/parallelcluster-version';
import { computeNodeStatements } from '../../src/policies/compute-node-policies';
import { PolicyContext, allow } from '../../src/policies/context';
import { headNodeAwsBatchStatements, headNodeSlurmStatements } from '../../src/policies/head-node-policies';
import { imageBuilderCleanupLambdaStatements, imageBuilderInstanceStatements } from '../../src/policies/image-builder-policies';
import { lambdaFunctionsStatements } from '../../src/policies/lambda-functions-policies';
import { loginNodeStatements } from '../../src/policies/login-node-policies';
import { BLOCKS_NOT_IN_DOC, POLICY_BLOCKS, PolicyBlock, REVISIONS, revise } from '../../src/policies/revisions';
import {
  userBaseStatements,
  userBatchStatements,
  userFsxStatements,
  userIamStatements,
  userImageBuilderStatements,
} from '../../src/policies/user-policies';
import { PolicySimulator, RequestContext } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, stackIn } from '../support/stacks';

const V = ParallelClusterVersion;
const ALL = V.all();
const BOUNDARY = 'arn:aws:iam::111122223333:policy/boundary';

/** The unrevised statements of each block: the doc revision, as the factories write it. */
const FACTORIES: Record<PolicyBlock, (ctx: PolicyContext) => iam.PolicyStatement[]> = {
  'user.base': (ctx) => userBaseStatements(ctx, []),
  'user.batch': (ctx) => userBatchStatements(ctx),
  'user.fsx': (ctx) => userFsxStatements(ctx, []),
  'user.imageBuilder': (ctx) => userImageBuilderStatements(ctx),
  'user.iam.privileged': (ctx) => userIamStatements(ctx, []),
  'user.iam.permissionsBoundary': (ctx) => userIamStatements(ctx, [], BOUNDARY),
  'headNode.slurm': (ctx) => headNodeSlurmStatements(ctx, { secretArns: [], computeNodeRoleArns: [] }),
  'headNode.awsBatch': (ctx) => headNodeAwsBatchStatements(ctx, []),
  'computeNode': (ctx) => computeNodeStatements(ctx, []),
  'lambdaFunctions': (ctx) => lambdaFunctionsStatements(ctx),
  'lambdaFunctions.awsBatch': (ctx) => lambdaFunctionsStatements(ctx),
  'imageBuilder.instanceRole': (ctx) => imageBuilderInstanceStatements(ctx),
  'imageBuilder.cleanupLambda': (ctx) => imageBuilderCleanupLambdaStatements(ctx),
  'loginNode': (ctx) => loginNodeStatements(ctx),
};

type Env = TestEnvironment;
type Arn = (e: Env) => string;
const arn = (service: string, resource: string, region = true, account = true): Arn =>
  (e) => `arn:${e.partition}:${service}:${region ? e.region : ''}:${account ? e.account : ''}:${resource}`;
const ANY: Arn = () => '*';
const STACK = arn('cloudformation', 'stack/my-cluster/0a1b2c3d-1111-2222-3333-444455556666');
const TABLE = arn('dynamodb', 'table/parallelcluster-my-cluster');
const CLUSTER_TAG: RequestContext = { 'aws:TagKeys': ['parallelcluster:cluster-name'] };
// Issue 12: every revision acts only on stacks that carry the cluster tag (src/policies/user-policies.ts).
const TAGGED_STACK: RequestContext = { 'aws:ResourceTag/parallelcluster:cluster-name': 'my-cluster' };

/**
 * What each revision adds, written out independently of src/policies/revisions.ts: the action, a
 * resource it must now be allowed on, and the request context. `replaces` marks actions that an
 * earlier revision already allowed through a wider grant (`cloudformation:*`).
 */
interface Addition {
  readonly revision: ParallelClusterVersion;
  readonly block: PolicyBlock;
  readonly action: string;
  readonly resource: Arn;
  readonly context?: RequestContext;
  readonly replaces?: boolean;
}

const add = (revision: ParallelClusterVersion, block: PolicyBlock, actions: string[], resource: Arn, extra: Partial<Addition> = {}): Addition[] =>
  actions.map((action) => ({ revision, block, action, resource, ...extra }));

const ASG = arn('autoscaling', 'autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/my-cluster-pool1-AutoScalingGroup');
const LOAD_BALANCER = arn('elasticloadbalancing', 'loadbalancer/net/my-cluster-pool1/0123456789abcdef');
const LISTENER = arn('elasticloadbalancing', 'listener/net/my-cluster-pool1/0123456789abcdef/fedcba9876543210');
const TARGET_GROUP = arn('elasticloadbalancing', 'targetgroup/my-cluster-pool1/0123456789abcdef');
/** An existing login-node resource: it carries the cluster-name tag, as CloudFormation tagged it. */
const TAGGED_RESOURCE: RequestContext = { 'aws:ResourceTag/parallelcluster:cluster-name': 'my-cluster' };
/** A create request with the cluster's tags: the cluster-name tag, the version tag and the user's own. */
const CLUSTER_TAGS: RequestContext = {
  'aws:RequestTag/parallelcluster:cluster-name': 'my-cluster',
  'aws:TagKeys': ['parallelcluster:cluster-name', 'parallelcluster:version', 'Owner'],
};

/** The login-node calls of 3.7, by how the library conditions them (src/policies/revisions.ts V3_7). */
const LOGIN_NODE_CALLS: Array<[string, Arn, RequestContext | undefined]> = [
  // Changes to existing resources: the resource carries the cluster-name tag.
  ['autoscaling:DeleteAutoScalingGroup', ASG, TAGGED_RESOURCE],
  ['autoscaling:DeleteLifecycleHook', ASG, TAGGED_RESOURCE],
  ['autoscaling:PutLifecycleHook', ASG, TAGGED_RESOURCE],
  ['autoscaling:UpdateAutoScalingGroup', ASG, TAGGED_RESOURCE],
  ['elasticloadbalancing:CreateListener', LOAD_BALANCER, TAGGED_RESOURCE],
  ['elasticloadbalancing:DeleteListener', LISTENER, TAGGED_RESOURCE],
  ['elasticloadbalancing:DeleteLoadBalancer', LOAD_BALANCER, TAGGED_RESOURCE],
  ['elasticloadbalancing:DeleteTargetGroup', TARGET_GROUP, TAGGED_RESOURCE],
  ['elasticloadbalancing:ModifyLoadBalancerAttributes', LOAD_BALANCER, TAGGED_RESOURCE],
  // Creation: the request carries the cluster-name tag (and the user's tags).
  ['autoscaling:CreateAutoScalingGroup', ASG, CLUSTER_TAGS],
  ['elasticloadbalancing:CreateLoadBalancer', LOAD_BALANCER, CLUSTER_TAGS],
  ['elasticloadbalancing:CreateTargetGroup', TARGET_GROUP, CLUSTER_TAGS],
  ['elasticloadbalancing:AddTags', LOAD_BALANCER, { ...CLUSTER_TAGS, 'elasticloadbalancing:CreateAction': 'CreateLoadBalancer' }],
  // Reads.
  ...['autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeLifecycleHooks', 'autoscaling:DescribeScalingActivities',
    'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeTags',
    'elasticloadbalancing:DescribeTargetGroups'].map((action): [string, Arn, undefined] => [action, ANY, undefined]),
];

const ADDITIONS: Addition[] = [
  // V3_2: the AWS Batch variant of the Lambda functions role (the doc has none).
  ...add(V.V3_2, 'lambdaFunctions.awsBatch', ['ecr:BatchDeleteImage', 'ecr:ListImages'],
    arn('ecr', 'repository/my-cluster-parallelclusterdockerimagesrepo-abcdef')),
  ...add(V.V3_2, 'lambdaFunctions.awsBatch', ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'],
    arn('codebuild', 'project/pcluster-my-cluster-build-docker-images-project')),
  // V3_3
  ...add(V.V3_3, 'user.base', ['resource-groups:ListGroupResources', 'resource-groups:GetGroupConfiguration'],
    arn('resource-groups', 'group/my-capacity')),
  ...add(V.V3_3, 'user.base', ['logs:TagResource', 'logs:UntagResource'], arn('logs', 'log-group:/aws/parallelcluster/my-cluster')),
  ...add(V.V3_3, 'user.imageBuilder', ['imagebuilder:CancelImageCreation'],
    arn('imagebuilder', 'image/parallelclusterimage-my-image/1.0.0/1')),
  ...add(V.V3_3, 'headNode.slurm', ['ec2:CreateFleet'], arn('ec2', 'fleet/fleet-0123')),
  ...add(V.V3_3, 'headNode.slurm', ['ec2:DescribeCapacityReservations'], ANY),
  ...add(V.V3_3, 'headNode.slurm', ['cloudformation:DescribeStacks'], STACK),
  // V3_4
  ...(['user.iam.privileged', 'user.iam.permissionsBoundary'] as PolicyBlock[]).flatMap((block) =>
    add(V.V3_4, block, ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], arn('iam', 'role/parallelcluster/my-cluster/Lambda', false), {
      context: {
        'iam:PolicyARN': 'arn:PARTITION:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
        ...(block === 'user.iam.permissionsBoundary' ? { 'iam:PermissionsBoundary': BOUNDARY } : {}),
      },
    })),
  // V3_5
  ...add(V.V3_5, 'headNode.slurm', ['dynamodb:BatchGetItem'], TABLE),
  // Issue 18: console output of cluster instances only.
  ...add(V.V3_5, 'headNode.slurm', ['ec2:GetConsoleOutput'], arn('ec2', 'instance/i-0123'),
    { context: { 'ec2:ResourceTag/parallelcluster:cluster-name': 'my-cluster' } }),
  // V3_6
  ...add(V.V3_6, 'user.base', ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'], arn('cloudwatch', 'alarm:my-cluster-HeadNode')),
  ...add(V.V3_6, 'user.base', ['cloudwatch:DescribeAlarms'], ANY),
  ...add(V.V3_6, 'user.base', ['logs:DescribeMetricFilters'], ANY),
  ...add(V.V3_6, 'user.base', ['logs:PutMetricFilter', 'logs:DeleteMetricFilter'], arn('logs', 'log-group:/aws/parallelcluster/my-cluster')),
  ...add(V.V3_6, 'user.base', ['cloudformation:CreateStack'], STACK, { context: CLUSTER_TAG, replaces: true }),
  ...add(V.V3_6, 'user.base', ['cloudformation:UpdateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStackEvents',
    'cloudformation:DescribeStackResources', 'cloudformation:GetTemplate', 'cloudformation:DescribeStacks'], STACK,
  { context: TAGGED_STACK, replaces: true }),
  ...add(V.V3_6, 'user.base', ['cloudformation:DescribeStacks', 'cloudformation:ListStacks'], ANY, { replaces: true }),
  // V3_7
  ...LOGIN_NODE_CALLS.flatMap(([action, resource, context]) => add(V.V3_7, 'user.base', [action], resource, { context })),
  // V3_8
  ...add(V.V3_8, 'user.base', ['cloudwatch:PutCompositeAlarm'], arn('cloudwatch', 'alarm:my-cluster-HeadNode')),
  // V3_9
  // Issue 18: the head node's tags are removed by CloudFormation's stack update (EC2 writes through CloudFormation only).
  // Through CloudFormation, on the head node, which carries the cluster tag (cluster_stack.py:1563).
  ...add(V.V3_9, 'user.base', ['ec2:DeleteTags'], arn('ec2', 'instance/i-0123'), {
    context: { 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'ec2:ResourceTag/parallelcluster:cluster-name': 'hpc' },
  }),
  ...(['computeNode', 'loginNode'] as PolicyBlock[]).flatMap((block) => [
    ...add(V.V3_9, block, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], TABLE),
    ...add(V.V3_9, block, ['cloudformation:DescribeStackResource'], STACK),
  ]),
  // V3_11
  ...add(V.V3_11, 'user.base', ['elasticloadbalancing:DescribeTargetHealth'], ANY),
  ...add(V.V3_11, 'user.base', ['iam:CreateServiceLinkedRole'],
    arn('iam', 'role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing', false),
    { context: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } }),
  ...add(V.V3_11, 'loginNode', ['cloudformation:DescribeStacks'], STACK),
  ...add(V.V3_11, 'loginNode', ['s3:GetObject'], (e) => `arn:${e.partition}:s3:::dcv-license.${e.region}/license`),
  // V3_13
  ...(['headNode.slurm', 'headNode.awsBatch'] as PolicyBlock[]).flatMap((block) =>
    add(V.V3_13, block, ['ec2:DescribeLaunchTemplateVersions'], ANY)),
  // V3_15
  ...add(V.V3_15, 'user.base', ['dynamodb:UntagResource'], TABLE),
  ...add(V.V3_15, 'user.base', ['logs:ListTagsForResource'], arn('logs', 'log-group:/aws/parallelcluster/my-cluster')),
  ...add(V.V3_15, 'user.base', ['autoscaling:CreateOrUpdateTags', 'autoscaling:DeleteTags'], ASG,
    { context: { ...TAGGED_RESOURCE, 'aws:TagKeys': ['Owner'] } }),
  ...add(V.V3_15, 'user.base', ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'], LOAD_BALANCER,
    { context: { ...TAGGED_RESOURCE, 'aws:TagKeys': ['Owner'] } }),
  ...add(V.V3_15, 'user.base', ['elasticloadbalancing:ModifyTargetGroup'], TARGET_GROUP, { context: TAGGED_RESOURCE }),
  ...add(V.V3_15, 'user.base', ['cloudwatch:UntagResource'], arn('cloudwatch', 'alarm:my-cluster-HeadNode')),
  ...(['user.iam.privileged', 'user.iam.permissionsBoundary'] as PolicyBlock[]).flatMap((block) =>
    add(V.V3_15, block, ['iam:UntagRole'], arn('iam', 'role/parallelcluster/my-cluster/HeadNode', false))),
  // V3_16
  ...add(V.V3_16, 'user.base', ['tag:GetResources'], ANY),
];

/** Action strings each (block, revision) drops: what a replacement or a removal takes away. */
const REMOVED: Array<[PolicyBlock, ParallelClusterVersion, string[]]> = [
  ['lambdaFunctions.awsBatch', V.V3_2, ['route53:ListResourceRecordSets', 'route53:ChangeResourceRecordSets',
    'ec2:DescribeInstances', 'ec2:TerminateInstances']],
  ['user.base', V.V3_6, ['cloudformation:*']],
];

function previous(version: ParallelClusterVersion): ParallelClusterVersion | undefined {
  const index = ALL.indexOf(version);
  return index > 0 ? ALL[index - 1] : undefined;
}

/** The statements of a block at a revision (`undefined`: the unrevised factory output). */
function statementsAt(stack: Stack, block: PolicyBlock, version: ParallelClusterVersion | undefined): iam.PolicyStatement[] {
  const ctx = new PolicyContext(stack);
  const statements = FACTORIES[block](ctx);
  return version === undefined ? statements : revise(block, statements, ctx, version);
}

function json(stack: Stack, statements: iam.PolicyStatement[]): any[] {
  return stack.resolve(statements.map((s) => s.toStatementJson()));
}

function actionSet(stack: Stack, statements: iam.PolicyStatement[]): Set<string> {
  return new Set(json(stack, statements).flatMap((s) => [s.Action].flat()));
}

const simulators = new Map<string, PolicySimulator>();

/**
 * A role in `env` whose only policy holds the block's statements at `version`. The roles of every revision of
 * a block (and of its unrevised factory output) share one stack, synthesized once for all of them.
 */
function simulator(env: Env, block: PolicyBlock, version: ParallelClusterVersion | undefined): PolicySimulator {
  const key = (v: ParallelClusterVersion | undefined) => `${env.partition}|${block}|${v ?? 'factory'}`;
  if (!simulators.has(key(version))) {
    const stack = stackIn(env);
    const versions = [undefined, ...ALL];
    const roles = versions.map((v, i) => {
      const role = new iam.Role(stack, `Role${i}`, { assumedBy: new iam.AccountRootPrincipal() });
      new iam.ManagedPolicy(stack, `Policy${i}`, { roles: [role], statements: statementsAt(stack, block, v) });
      return role;
    });
    versions.forEach((v, i) => simulators.set(key(v), PolicySimulator.forRole(stack, roles[i])));
  }
  return simulators.get(key(version))!;
}

function contextIn(env: Env, context: RequestContext = {}): RequestContext {
  return Object.fromEntries(Object.entries(context).map(([k, v]) =>
    [k, typeof v === 'string' ? v.replace('PARTITION', env.partition) : v]));
}

describe('revise', () => {
  describe.each(ENVIRONMENTS)('in $partition', (env) => {
    test.each(POLICY_BLOCKS.filter((b) => !BLOCKS_NOT_IN_DOC.includes(b)))('%s at V3_2 is the doc revision, unchanged', (block) => {
      const stack = stackIn(env);
      const ctx = new PolicyContext(stack);
      const statements = FACTORIES[block](ctx);
      const revised = revise(block, statements, ctx, V.V3_2);
      expect(revised).toHaveLength(statements.length);
      revised.forEach((s, i) => expect(s).toBe(statements[i]));
    });

    test.each(POLICY_BLOCKS.map((b) => [b]))('%s: each revision changes exactly the listed actions', (block) => {
      const stack = stackIn(env);
      for (const version of ALL) {
        const before = actionSet(stack, statementsAt(stack, block, previous(version)));
        const after = actionSet(stack, statementsAt(stack, block, version));
        const expectedAdded = new Set(ADDITIONS.filter((a) => a.block === block && a.revision === version).map((a) => a.action));
        const expectedRemoved = REMOVED.filter(([b, v]) => b === block && v === version).flatMap(([, , actions]) => actions);
        expect([version.toString(), [...after].filter((a) => !before.has(a)).sort()])
          .toEqual([version.toString(), [...expectedAdded].filter((a) => !before.has(a)).sort()]);
        expect([version.toString(), [...before].filter((a) => !after.has(a)).sort()])
          .toEqual([version.toString(), [...expectedRemoved].sort()]);
      }
    });

    test.each(POLICY_BLOCKS.map((b) => [b]))('%s: statements no revision touches stay as the factory wrote them', (block) => {
      const stack = stackIn(env);
      const factory = json(stack, statementsAt(stack, block, undefined));
      const latest = json(stack, statementsAt(stack, block, V.LATEST));
      const touched = new Set(REVISIONS.flatMap((r) => r.changes[block] ?? []).flatMap((c) =>
        ('sid' in c ? [c.sid] : 'sids' in c ? c.sids : [])));
      const untouched = factory.filter((s) => !touched.has(s.Sid));
      expect(latest.filter((s) => untouched.some((u) => u.Sid === s.Sid))).toEqual(untouched);
      expect(new Set(latest.map((s) => s.Sid)).size).toBe(latest.length);
    });

    const byRevision = ADDITIONS.map((a) => [`${a.revision} ${a.block} ${a.action} on ${a.resource(env)}`, a] as const);
    test.each(byRevision)('%s: allowed from that revision on, denied before', async (_, addition) => {
      const resource = addition.resource(env);
      const context = contextIn(env, addition.context);
      for (const version of ALL) {
        const sim = simulator(env, addition.block, version);
        const expected = version.isAtLeast(addition.revision) || (addition.replaces === true);
        expect([version.toString(), await sim.allows(addition.action, resource, context)]).toEqual([version.toString(), expected]);
      }
      if (addition.revision === V.V3_2) {
        // A block the doc lacks: the unrevised factory output (its base) does not have it.
        expect(await simulator(env, addition.block, undefined).allows(addition.action, resource, context)).toBe(false);
      }
    });
  });

  test('V3_6 narrows cloudformation:* on tagged cluster stacks to the actions pcluster calls', async () => {
    const env = ENVIRONMENTS[0];
    const [v35, v36] = [simulator(env, 'user.base', V.V3_5), simulator(env, 'user.base', V.V3_6)];
    const stack = STACK(env);
    // Issue 12: before 3.6 too, the doc's cloudformation:* acts only on stacks with the cluster tag, and
    // creation needs the tag in the request; 3.6 keeps only the actions pcluster calls.
    const cases: Array<[string, string, RequestContext, boolean, boolean]> = [
      ['cloudformation:CreateStack', stack, {}, false, false],
      ['cloudformation:CreateStack', stack, { 'aws:TagKeys': ['Owner'] }, false, false],
      ['cloudformation:UpdateStack', stack, {}, false, false],
      ['cloudformation:UpdateStack', stack, CLUSTER_TAG, false, false],
      ['cloudformation:UpdateStack', stack, TAGGED_STACK, true, true],
      ['cloudformation:DeleteStack', stack, {}, false, false],
      ['cloudformation:CreateChangeSet', stack, {}, false, false],
      ['cloudformation:CreateChangeSet', stack, TAGGED_STACK, true, false],
      ['cloudformation:SetStackPolicy', stack, TAGGED_STACK, true, false],
      ['cloudformation:CreateStackSet', '*', {}, false, false],
    ];
    for (const [action, resource, context, allowedAt35, allowedAt36] of cases) {
      expect([action, context, await v35.allows(action, resource, context)]).toEqual([action, context, allowedAt35]);
      expect([action, context, await v36.allows(action, resource, context)]).toEqual([action, context, allowedAt36]);
    }
  });

  test('V3_16 takes the AWS Batch and ECS managed policies off the user\'s allow-list, in both IAM modes', async () => {
    for (const env of ENVIRONMENTS) {
      const role = `arn:${env.partition}:iam::${env.account}:role/parallelcluster/my-cluster/HeadNode`;
      const policy = (name: string) => `arn:${env.partition}:iam::aws:policy/${name}`;
      for (const block of ['user.iam.privileged', 'user.iam.permissionsBoundary'] as PolicyBlock[]) {
        const context = (name: string): RequestContext => ({
          'iam:PolicyARN': policy(name), ...(block === 'user.iam.permissionsBoundary' ? { 'iam:PermissionsBoundary': BOUNDARY } : {}),
        });
        for (const name of ['AWSBatchFullAccess', 'service-role/AWSBatchServiceRole', 'service-role/AmazonEC2ContainerServiceforEC2Role',
          'service-role/AmazonECSTaskExecutionRolePolicy', 'service-role/AmazonEC2SpotFleetTaggingRole']) {
          expect([block, name, await simulator(env, block, V.V3_15).allows('iam:AttachRolePolicy', role, context(name))]).toEqual([block, name, true]);
          expect([block, name, await simulator(env, block, V.V3_16).allows('iam:AttachRolePolicy', role, context(name))]).toEqual([block, name, false]);
        }
        for (const name of ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonSSMManagedInstanceCore']) {
          expect([block, name, await simulator(env, block, V.V3_16).allows('iam:AttachRolePolicy', role, context(name))]).toEqual([block, name, true]);
        }
      }
    }
  });

  test('V3_2 of the AWS Batch Lambda role drops what only Slurm clusters need', async () => {
    const env = ENVIRONMENTS[0];
    const batch = simulator(env, 'lambdaFunctions.awsBatch', V.V3_2);
    expect(await batch.allows('route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z0123')).toBe(false);
    expect(await batch.allows('ec2:TerminateInstances', 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123',
      { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' })).toBe(false);
    expect(await batch.allows('s3:DeleteObject', 'arn:aws:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/key',
      { 'aws:ResourceAccount': '111122223333' })).toBe(true);
    expect(await batch.allows('logs:PutLogEvents',
      'arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/pcluster-ManageDockerImages-abc:log-stream:x')).toBe(true);
    // Another account's or another project's resources stay out of reach.
    expect(await batch.allows('codebuild:StartBuild', 'arn:aws:codebuild:us-east-1:111122223333:project/other')).toBe(false);
    expect(await batch.allows('ecr:BatchDeleteImage', 'arn:aws:ecr:us-east-1:111122223333:repository/other')).toBe(false);
  });

  test('every change names a release of its revision, or one the doc already lagged behind', () => {
    const minor = (release: string) => Number(release.split('.')[1]);
    let previousMinor = -1;
    for (const { revision, changes } of REVISIONS) {
      const revisionMinor = minor(revision.version);
      expect(revisionMinor).toBeGreaterThan(previousMinor);
      for (const change of Object.values(changes).flat()) {
        const release = minor(change!.release);
        expect([revision.toString(), change!.release, release <= revisionMinor]).toEqual([revision.toString(), change!.release, true]);
        // Older than the previous revision: only for what the doc (3.2) already missed.
        if (release <= previousMinor) {
          expect([revision.toString(), change!.release, release <= 2]).toEqual([revision.toString(), change!.release, true]);
        }
      }
      previousMinor = revisionMinor;
    }
    expect(REVISIONS.map((r) => r.revision)).toEqual(ALL.filter((v) => REVISIONS.some((r) => r.revision === v)));
    // Blocks the doc has are never changed at V3_2: that revision is the doc.
    expect(Object.keys(REVISIONS[0].changes).every((b) => BLOCKS_NOT_IN_DOC.includes(b as PolicyBlock))).toBe(true);
  });

  test('refuses an unknown block, a Sid the factory lacks, and a Sid added twice', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const ctx = new PolicyContext(stack);
    expect(() => revise('headNode', [], ctx, V.LATEST)).toThrow(/Unknown policy block 'headNode': use one of user\.base, /);
    const renamed = headNodeSlurmStatements(ctx, { secretArns: [], computeNodeRoleArns: [] })
      .map((s) => (s.sid === 'EC2RunInstances' ? s.copy({ sid: 'RunInstances' }) : s));
    expect(() => revise('headNode.slurm', renamed, ctx, V.V3_3))
      .toThrow(/headNode\.slurm \(V3_3, ParallelCluster 3\.3\.0\): no statement with Sid 'EC2RunInstances'/);
    const withoutBatchPolicies = userIamStatements(ctx, []).map((st) => (st.sid === 'IamPolicy'
      ? st.copy({ conditions: { ArnLike: { 'iam:PolicyARN': [ctx.awsManagedPolicy('service-role/AWSLambdaBasicExecutionRole')] } } }) : st));
    expect(() => revise('user.iam.privileged', withoutBatchPolicies, ctx, V.V3_16))
      .toThrow(/user\.iam\.privileged \(V3_16, ParallelCluster 3\.16\.0\): statement 'IamPolicy' has no ArnLike iam:PolicyARN value .*AWSBatchFullAccess.* to remove/);
    expect(() => revise('computeNode', [...computeNodeStatements(ctx, []), allow('DynamoDBNodeStatus', ['dynamodb:Query'], ['*'])], ctx, V.V3_9))
      .toThrow(/computeNode at V3_9 has two statements with Sid 'DynamoDBNodeStatus'/);
  });

  test('never modifies the statements it is given', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const ctx = new PolicyContext(stack);
    for (const block of POLICY_BLOCKS) {
      const statements = FACTORIES[block](ctx);
      const before = json(stack, statements);
      revise(block, statements, ctx, V.LATEST);
      expect([block, json(stack, statements)]).toEqual([block, before]);
    }
  });
});
