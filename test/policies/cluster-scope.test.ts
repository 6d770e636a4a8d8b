import * as iam from 'aws-cdk-lib/aws-iam';
import {
  HeadNodeRole,
  IamAccessMode,
  LambdaFunctionsRole,
  ParallelClusterIam,
  ParallelClusterUserRole,
  ParallelClusterVersion,
  Scheduler,
} from '../../src';
import { ACTION_RULES, CONDITION_RULES, RESOURCE_RULES, scopeToCluster } from '../../src/policies/cluster-scope';
import { PolicyContext } from '../../src/policies/context';
import { headNodeSlurmStatements } from '../../src/policies/head-node-policies';
import { Request, expectAllowed, expectDenied, requests } from '../support/cluster-roles-helpers';
import { clusterWorld } from '../support/cluster-world';
import { CallerRole, PclusterCall, USER_ROLES, describeCall, parallelClusterCalls } from '../support/pcluster-calls';
import { PolicySimulator, RequestContext } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, awsStack, stackIn } from '../support/stacks';

/*
 * Cluster scoping, by simulation: for each role, the requests ParallelCluster makes for a cluster
 * (modelled on what aws-parallelcluster 3.16.1 calls and names, see src/policies/cluster-scope.ts), split
 * into those that name the cluster (its stack, tables, tagged instances, log groups, ...) and those that
 * do not (Describe and List calls, creating new resources). A role scoped to cluster X must allow all
 * of X's, and deny the cluster-specific ones of other clusters.
 *
 * Two sources of requests: the ParallelCluster calls matrix (test/support/pcluster-calls.ts, every
 * request pcluster and its stacks make, per role), run for team-a-1 and team-b-1 with NOT_SCOPABLE as
 * the only requests of another cluster still allowed; and the hand-built requests below, which add what
 * the matrix lacks: the Slurm table and its index, nested stacks, near-miss names (`team-a-10`),
 * untagged shared volumes, adoption and retagging of instances, the record names of the cluster's zone.
 */

const OWN = 'team-a-1';
/** Other clusters: another team's, and one whose name only extends X's (`team-a-10`). */
const OTHERS = ['team-b-1', 'team-a-10'];
const ZONE: Record<string, string> = { 'team-a-1': 'Z0AAAAAAAAAAAAAAAAAAA', 'team-b-1': 'Z0BBBBBBBBBBBBBBBBBBB', 'team-a-10': 'Z0CCCCCCCCCCCCCCCCCCC' };
const STACK_UUID = '1a2b3c4d-0000-1111-2222-333344445555';
const TAG = 'parallelcluster:cluster-name';

interface ClusterRequests {
  /** Requests that name the cluster or need its tag. */
  readonly specific: Request[];
  /** Requests of the same calls that name no cluster (account-wide reads, new resources). */
  readonly shared: Request[];
}

type Triple = [string, string, RequestContext?];

function arns(env: TestEnvironment) {
  const { partition: p, region: r, account: a } = env;
  return {
    table: (name: string) => `arn:${p}:dynamodb:${r}:${a}:table/${name}`,
    stack: (name: string) => `arn:${p}:cloudformation:${r}:${a}:stack/${name}/${STACK_UUID}`,
    instance: (id: string) => `arn:${p}:ec2:${r}:${a}:instance/${id}`,
    volume: (id: string) => `arn:${p}:ec2:${r}:${a}:volume/${id}`,
    securityGroup: (id: string) => `arn:${p}:ec2:${r}:${a}:security-group/${id}`,
    zone: (id: string) => `arn:${p}:route53:::hostedzone/${id}`,
    artifact: (cluster: string, key: string) =>
      `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/parallelcluster/3.16.1/clusters/${cluster.toLowerCase()}-abcdefgh01234567/${key}`,
    bucket: () => `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete`,
    logGroup: (name: string) => `arn:${p}:logs:${r}:${a}:log-group:${name}`,
    alarm: (name: string) => `arn:${p}:cloudwatch:${r}:${a}:alarm:${name}`,
    dashboard: (name: string) => `arn:${p}:cloudwatch::${a}:dashboard/${name}`,
    asg: (name: string) => `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b2c3d-aaaa-bbbb-cccc-0123456789ab:autoScalingGroupName/${name}`,
    role: (path: string, name: string) => `arn:${p}:iam::${a}:role${path}${name}`,
  };
}

/** An Auto Scaling group of the cluster's login nodes, tagged with the cluster (login_nodes_stack.py:234-343). */
const asgTagged = (cluster: string): RequestContext => ({ [`aws:ResourceTag/${TAG}`]: cluster, [`autoscaling:ResourceTag/${TAG}`]: cluster });

/** The tag a cluster's resources carry (cdk_builder_utils.py:156-206). */
const tagged = (cluster: string, extra: RequestContext = {}): RequestContext => ({ [`ec2:ResourceTag/${TAG}`]: cluster, ...extra });
/** A request CloudFormation makes for a stack with the caller's credentials (issue 18). */
const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };

/** What the head node of a Slurm cluster calls (cdk_builder_utils.py:639-924, slurm_builder.py:151-175,228-236). */
function headNodeRequests(env: TestEnvironment, cluster: string, iamPath: string): ClusterRequests {
  const x = arns(env);
  const specific: Triple[] = [
    ...['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem']
      .map((action): Triple => [action, x.table(`parallelcluster-${cluster}`)]),
    ['dynamodb:BatchWriteItem', x.table(`parallelcluster-slurm-${cluster}`)],
    ['dynamodb:GetItem', x.table(`parallelcluster-slurm-${cluster}`)],
    ['ec2:TerminateInstances', x.instance('i-0compute'), tagged(cluster, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' })],
    ['ec2:GetConsoleOutput', x.instance('i-0compute'), tagged(cluster)],
    // Tags on the cluster's instances and volumes, and at launch (the launch templates tag them).
    ['ec2:CreateTags', x.instance('i-0compute'), tagged(cluster, { 'aws:TagKeys': ['Name'], 'aws:RequestTag/Name': 'compute' })],
    ['ec2:CreateTags', x.volume('vol-0compute'), tagged(cluster)],
    ['ec2:CreateTags', x.instance('i-0new'), { 'ec2:CreateAction': 'CreateFleet', [`aws:RequestTag/${TAG}`]: cluster, 'aws:TagKeys': [TAG] }],
    ['ec2:AttachVolume', x.volume('vol-0shared'), tagged(cluster)],
    ['cloudformation:DescribeStackResource', x.stack(cluster)],
    ['cloudformation:DescribeStacks', x.stack(cluster)],
    ['cloudformation:SignalResource', x.stack(cluster)],
    // <node>.<cluster>.<domain> (slurm_builder.py:80-87); issue 18 requires the record names.
    ['route53:ChangeResourceRecordSets', x.zone(ZONE[cluster]), { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`head.${cluster}.pcluster`] }],
    ['s3:GetObject', x.artifact(cluster, 'configs/cluster-config.yaml')],
    // Roles ParallelCluster created for the cluster's queues (cdk_builder_utils.py:909-918).
    ['iam:PassRole', x.role(iamPath, `${cluster}/compute-role`), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  ];
  const shared: Triple[] = [
    ['ec2:DescribeInstances', '*'],
    ['ec2:DescribeVolumes', '*'],
    ['ec2:RunInstances', x.instance('i-0new')],
    ['ec2:CreateFleet', `arn:${env.partition}:ec2:${env.region}:${env.account}:fleet/fleet-0123`],
    // An existing EBS volume named in SharedStorage carries no cluster tag: granted by ID (sharedStorageVolumeIds).
    ['ec2:AttachVolume', x.volume(NAMED_VOLUME)],
    ['ec2:AttachVolume', x.instance('i-0headnode'), tagged(OWN)],
    ['s3:GetObject', `arn:${env.partition}:s3:::${env.region}-aws-parallelcluster/parallelcluster/3.16.1/x`],
  ];
  return { specific: requests(...specific), shared: requests(...shared) };
}

/** What the compute nodes call (cdk_builder_utils.py:1040-1093, slurm_builder.py:119-135). */
function computeNodeRequests(env: TestEnvironment, cluster: string): ClusterRequests {
  const x = arns(env);
  return {
    specific: requests(
      ['dynamodb:Query', x.table(`parallelcluster-${cluster}`)],
      ['dynamodb:Query', x.table(`parallelcluster-slurm-${cluster}/index/InstanceId`)],
      ['dynamodb:GetItem', x.table(`parallelcluster-${cluster}`)],
      ['dynamodb:PutItem', x.table(`parallelcluster-${cluster}`)],
      ['dynamodb:UpdateItem', x.table(`parallelcluster-${cluster}`)],
      // The queues nested stack (queues_stack.py:64), named by CloudFormation after the cluster stack.
      ['cloudformation:DescribeStackResource', x.stack(`${cluster}-QueuesNestedStackQueuesNestedStackResource0A1B2C3D-XYZ0123`)],
    ),
    shared: requests(['ec2:DescribeInstanceAttribute', '*']),
  };
}

/** What the login nodes call (cdk_builder_utils.py:941-1023, login_nodes_stack.py:300,456). */
function loginNodeRequests(env: TestEnvironment, cluster: string): ClusterRequests {
  const x = arns(env);
  return {
    specific: requests(
      ['autoscaling:CompleteLifecycleAction', x.asg(`${cluster}-login-AutoScalingGroup`)],
      ['dynamodb:GetItem', x.table(`parallelcluster-${cluster}`)],
      ['dynamodb:PutItem', x.table(`parallelcluster-${cluster}`)],
      ['cloudformation:DescribeStacks', x.stack(cluster)],
      ['cloudformation:DescribeStackResource', x.stack(`${cluster}-LoginNodesNestedStackLoginNodesNestedStackResource0A1B2C3D-XYZ0123`)],
    ),
    shared: requests(['ec2:DescribeInstanceAttribute', '*']),
  };
}

/** What the cluster's Lambda functions call (cluster_stack.py:530-556, slurm_builder.py:244-262, compute_fleet_stack.py:126-140). */
function lambdaRequests(env: TestEnvironment, cluster: string): ClusterRequests {
  const x = arns(env);
  return {
    specific: requests(
      ['route53:ListResourceRecordSets', x.zone(ZONE[cluster])],
      ['route53:ChangeResourceRecordSets', x.zone(ZONE[cluster]), { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`compute-st-c5-1.${cluster}.pcluster`] }],
      ['ec2:TerminateInstances', x.instance('i-0compute'), tagged(cluster, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' })],
      // The cluster bucket is the stack account's (models/s3_bucket.py:106-112): IAM sets aws:ResourceAccount.
      ['s3:DeleteObject', x.artifact(cluster, 'configs/cluster-config.yaml'), { 'aws:ResourceAccount': env.account }],
      ['s3:DeleteObjectVersion', x.artifact(cluster, 'templates/aws-parallelcluster.cfn.yaml'), { 'aws:ResourceAccount': env.account }],
    ),
    shared: requests(
      ['ec2:DescribeInstances', '*'],
      ['s3:ListBucket', x.bucket(), { 'aws:ResourceAccount': env.account }],
      ['logs:PutLogEvents', `${x.logGroup('/aws/lambda/pcluster-CleanupResources-1a2b3c4d')}:log-stream:x`],
    ),
  };
}

/**
 * What `pcluster create-cluster`, `update-cluster` and `delete-cluster` do with the user's credentials
 * (CloudFormation creates the resources as the user): models/cluster.py:385-395,895-910 and the stacks.
 */
function userRequests(env: TestEnvironment, cluster: string): ClusterRequests {
  const x = arns(env);
  const r = env.region;
  const stackTags = { [`aws:RequestTag/${TAG}`]: cluster, 'aws:RequestTag/parallelcluster:version': '3.16.1', 'aws:TagKeys': [TAG, 'parallelcluster:version'] };
  const logGroup = `/aws/parallelcluster/${cluster}-202611301200`;
  const specific: Triple[] = [
    // The stack: created and updated with the cluster tag, updated without tags, deleted.
    ['cloudformation:CreateStack', x.stack(cluster), stackTags],
    // The existing stack carries the cluster tag (models/cluster.py:893-903).
    ['cloudformation:UpdateStack', x.stack(cluster), { ...stackTags, [`aws:ResourceTag/${TAG}`]: cluster }],
    ['cloudformation:UpdateStack', x.stack(cluster), { [`aws:ResourceTag/${TAG}`]: cluster }],
    ['cloudformation:DeleteStack', x.stack(cluster), { [`aws:ResourceTag/${TAG}`]: cluster }],
    ['cloudformation:DescribeStackEvents', x.stack(cluster)],
    ['cloudformation:GetTemplate', x.stack(cluster), { [`aws:ResourceTag/${TAG}`]: cluster }],
    ['cloudformation:DescribeStackResources', x.stack(`${cluster}-QueuesNestedStackQueuesNestedStackResource0A1B2C3D-XYZ0123`)],
    // The tables.
    ...['dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:TagResource']
      .map((action): Triple => [action, x.table(`parallelcluster-${cluster}`)]),
    ['dynamodb:CreateTable', x.table(`parallelcluster-slurm-${cluster}`)],
    ['dynamodb:DeleteTable', x.table(`parallelcluster-slurm-${cluster}`)],
    // The cluster's EC2 resources, by tag; changed by CloudFormation for the stack (issue 18: aws:CalledVia).
    ['ec2:TerminateInstances', x.instance('i-0headnode'), tagged(cluster)],
    ['ec2:DeleteVolume', x.volume('vol-0shared'), tagged(cluster, viaCfn)],
    ['ec2:ModifyVolume', x.volume('vol-0shared'), tagged(cluster, viaCfn)],
    ['ec2:DeleteSecurityGroup', x.securityGroup('sg-0head'), tagged(cluster, viaCfn)],
    ['ec2:AuthorizeSecurityGroupIngress', x.securityGroup('sg-0head'), tagged(cluster, viaCfn)],
    ['ec2:DeleteTags', x.instance('i-0headnode'), tagged(cluster, { 'aws:TagKeys': ['Name'], ...viaCfn })],
    ['ec2:CreateTags', x.instance('i-0headnode'), tagged(cluster, { 'aws:TagKeys': ['Name'], 'aws:RequestTag/Name': 'HeadNode', ...viaCfn })],
    ['ec2:CreateTags', x.instance('i-0new'), { 'ec2:CreateAction': 'RunInstances', [`aws:RequestTag/${TAG}`]: cluster, 'aws:TagKeys': [TAG] }],
    // Log groups, alarms, the dashboard.
    ...['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource', 'logs:PutMetricFilter', 'logs:DeleteMetricFilter', 'logs:FilterLogEvents', 'logs:CreateExportTask']
      .map((action): Triple => [action, x.logGroup(logGroup)]),
    ['logs:GetLogEvents', `${x.logGroup(logGroup)}:log-stream:ip-10-0-0-1.i-0headnode.clustermgtd`],
    ['cloudwatch:PutMetricAlarm', x.alarm(`${cluster}-HeadNode-Health`)],
    ['cloudwatch:PutCompositeAlarm', x.alarm(`${cluster}-HeadNode`)],
    ['cloudwatch:DeleteAlarms', x.alarm(`${cluster}-HeadNode-Mem`)],
    ['cloudwatch:PutDashboard', x.dashboard(`${cluster}-${r}`)],
    ['cloudwatch:DeleteDashboards', x.dashboard(`${cluster}-${r}`)],
    // Login nodes.
    // Created with the stack's tags, and tagged afterwards (login_nodes_stack.py:234-343).
    ['autoscaling:CreateAutoScalingGroup', x.asg(`${cluster}-login-AutoScalingGroup`), stackTags],
    ['autoscaling:UpdateAutoScalingGroup', x.asg(`${cluster}-login-AutoScalingGroup`), asgTagged(cluster)],
    ['autoscaling:DeleteAutoScalingGroup', x.asg(`${cluster}-login-AutoScalingGroup`), asgTagged(cluster)],
  ];
  const shared: Triple[] = [
    ['cloudformation:DescribeStacks', '*'],
    ['cloudformation:ListStacks', '*'],
    ['ec2:DescribeInstances', '*'],
    ['ec2:RunInstances', x.instance('i-0new')],
    // Created by CloudFormation for the stack (issue 18: aws:CalledVia).
    ['ec2:CreateSecurityGroup', x.securityGroup('sg-0new'), viaCfn],
    ['ec2:CreateVolume', x.volume('vol-0new'), viaCfn],
    ['logs:DescribeLogGroups', '*'],
    ['cloudwatch:DescribeAlarms', x.alarm('any')],
    ['cloudwatch:ListDashboards', '*'],
    ['logs:CreateLogGroup', x.logGroup('/aws/lambda/pcluster-CleanupResources-1a2b3c4d')],
    ['autoscaling:DescribeAutoScalingGroups', '*'],
  ];
  return { specific: requests(...specific), shared: requests(...shared) };
}

/**
 * The requests of the calls matrix that a scoped role still allows for ANOTHER cluster, because
 * ParallelCluster makes them on resources that are neither named after the cluster nor tagged with it
 * (or because cluster-scope.ts leaves them as they are, see its file comment and docs/multi-team.md).
 * Everything else of the matrix must be denied for another cluster. Each entry must match a request
 * (checked below), so that the list does not outlive what it excuses.
 */
const NOT_SCOPABLE: Array<{ why: string; applies: (role: CallerRole, call: PclusterCall) => boolean }> = [
  {
    why: 'image building: images are not clusters, and the image-building blocks are not scoped (models/imagebuilder.py)',
    applies: (role, c) => c.operation === 'build-image' || c.operation === 'delete-image' || role === 'imageInstance' || role === 'imageCleanup',
  },
  {
    why: 'read-only Describe and List calls on * (pcluster list-clusters, describe-cluster; tag:GetResources, which has no resource type), and the user\'s CloudFormation Describe calls, which stay on * for pcluster',
    applies: (role, c) => /^[a-z0-9-]+:(Describe|List|GetResources$)/.test(c.action)
      && (c.resource === '*' || (USER_ROLES.includes(role) && c.action.startsWith('cloudformation:Describe'))),
  },
  {
    why: 'the cluster bucket is one per account and region, shared by every cluster (models/s3_bucket.py:106-112): bucket-level calls name no cluster',
    applies: (_, c) => /^arn:[^:]+:s3:::parallelcluster-[0-9a-f]+-v1-do-not-delete$/.test(c.resource),
  },
  {
    why: 'the user\'s objects in the cluster bucket outside the cluster directories: images/ (images are not clusters, models/imagebuilder.py:393-405) and the bucket\'s .bootstrapped marker (models/s3_bucket.py:274-292)',
    applies: (role, c) => USER_ROLES.includes(role)
      && /^arn:[^:]+:s3:::parallelcluster-[0-9a-f]+-v1-do-not-delete\/parallelcluster\/([^/]+\/images\/|\.bootstrapped$)/.test(c.resource),
  },
  {
    why: 'the user\'s EFS reads: pcluster describes the file systems a configuration names by ID, whichever cluster made them (aws/efs.py:52-93); EFS is not scoped by cluster',
    applies: (role, c) => USER_ROLES.includes(role) && /^elasticfilesystem:Describe/.test(c.action),
  },
  {
    why: 'the public ParallelCluster bucket <region>-aws-parallelcluster (cookbooks), which is no cluster\'s',
    applies: (_, c) => /^arn:[^:]+:s3:::[a-z0-9-]+-aws-parallelcluster\//.test(c.resource),
  },
  {
    why: 'IAM for the user: roles and profiles of restricted mode are not under the cluster\'s name; give each team its own iamPath instead (docs/multi-team.md)',
    applies: (role, c) => USER_ROLES.includes(role) && c.action.startsWith('iam:'),
  },
  {
    why: 'new EC2 resources (instances, fleets, launch templates, security groups) carry nothing to match when they are created; they are tagged by the launch templates (cdk_builder_utils.py:169-206)',
    applies: (_, c) => /^ec2:(RunInstances|CreateFleet|CreateLaunchTemplate|CreateSecurityGroup)$/.test(c.action),
  },
  {
    why: 'the cluster\'s Lambda functions and their log groups are named pcluster-<function>-<stack id part>, not after the cluster (cdk_builder_utils.py:1117-1123)',
    applies: (_, c) => c.action.startsWith('lambda:') || c.resource.includes(':log-group:/aws/lambda/pcluster-'),
  },
  {
    why: 'Route 53 for the user: hosted zones are created by the user with generated IDs, and Route 53 has no tag condition keys (slurm_builder.py:212-216)',
    applies: (role, c) => USER_ROLES.includes(role) && c.action.startsWith('route53:'),
  },
  {
    why: 'load balancers of login node pools have hashed names (login_nodes_stack.py:234-343) and are created before any tag can be checked on them',
    applies: (_, c) => c.action === 'elasticloadbalancing:CreateLoadBalancer',
  },
  {
    why: 'launch templates carry no tag (cdk_builder_utils.py:169-206; stack tags do not reach AWS::EC2::LaunchTemplate) and have generated IDs: changed through CloudFormation only',
    applies: (role, c) => USER_ROLES.includes(role) && /:launch-template\//.test(c.resource),
  },
  {
    why: 'existing resources the configuration names, referred to by a change of the cluster\'s (tagged, scoped) ENI: an Elastic IP (cluster_stack.py:601-611) and security groups (cluster_stack.py:588-599); and the new snapshot of a DeletionPolicy: Snapshot volume',
    applies: (role, c) => USER_ROLES.includes(role) && (
      (/^ec2:(AssociateAddress|DisassociateAddress)$/.test(c.action) && /:elastic-ip\//.test(c.resource))
      || (c.action === 'ec2:ModifyNetworkInterfaceAttribute' && /:(security-group|subnet)\//.test(c.resource))
      || (c.action === 'ec2:CreateSnapshot' && /:snapshot\//.test(c.resource))),
  },
];

/** What ParallelCluster's requests carry that the matrix leaves out: the cluster tag of the cluster's own EC2 resources. */
function withResourceTags(call: PclusterCall, cluster: string): PclusterCall {
  // The launch templates tag every instance and volume of the cluster (cdk_builder_utils.py:156-206);
  // IAM gives the resource's tags under both keys.
  if (!/^arn:[^:]+:ec2:[^:]*:[^:]*:(instance|volume)\//.test(call.resource)) {
    return call;
  }
  return { ...call, context: { [`ec2:ResourceTag/${TAG}`]: cluster, [`aws:ResourceTag/${TAG}`]: cluster, ...call.context } };
}

describe.each(ENVIRONMENTS)('the calls matrix, scoped to team-a-1, in $partition', (env) => {
  const build = () => {
    const { cluster, sims, arn } = clusterWorld(env, 'restricted', { clusterName: OWN, hostedZoneId: ZONE[OWN] });
    const teamStack = stackIn(env, 'TeamStack');
    const team = new ParallelClusterUserRole(teamStack, 'TeamUser', {
      clusterNames: ['team-a-*'], iamAccessMode: IamAccessMode.privileged(), enableImageBuilder: true,
    });
    const all: Partial<Record<CallerRole, PolicySimulator>> = { ...sims, 'user.privileged': PolicySimulator.forRole(teamStack, team.role) };
    const roleArns = {
      headNode: arn(cluster.headNodeRole.role, 'Arn'),
      computeNode: arn(cluster.computeNodeRoles.compute.role, 'Arn'),
      loginNode: arn(cluster.loginNodeRoles.login.role, 'Arn'),
      lambdaFunctions: arn(cluster.lambdaFunctionsRole.role, 'Arn'),
      imageInstance: arn(cluster.imageBuilderRoles!.instanceRole, 'Arn'),
    };
    /** Every (role, request) of the matrix for `name`; team A's configuration names team A's roles, team B's its own. */
    const rows = (name: string) => parallelClusterCalls({
      env, clusterName: name, hostedZoneId: ZONE[name], roleArns: name === OWN ? roleArns : undefined,
    })
      .map((call) => withResourceTags(call, name))
      .flatMap((call) => call.roles.filter((role) => all[role] !== undefined).map((role) => ({ role, call })));
    return { all, rows };
  };
  let world: ReturnType<typeof build>;
  beforeAll(() => {
    world = build();
  });

  const decide = (rows: Array<{ role: CallerRole; call: PclusterCall }>) => Promise.all(rows.map(({ role, call }) =>
    world.all[role]!.decision(call.action, call.resource, call.context)));

  test('every request of team-a-1 is allowed for the role that makes it (the user role of ParallelClusterIam, and one with clusterNames [\'team-a-*\'])', async () => {
    const rows = world.rows(OWN);
    expect(new Set(rows.map((r) => r.role))).toEqual(new Set(['user.restricted', 'user.privileged', 'headNode', 'computeNode', 'loginNode', 'lambdaFunctions', 'imageInstance', 'imageCleanup']));
    const decisions = await decide(rows);
    const refused = rows.flatMap(({ role, call }, i) => (decisions[i] === 'Allowed' ? [] : [`${role} ${call.operation}: ${describeCall(call)} (${call.source}): ${decisions[i]}`]));
    expect(refused).toEqual([]);
  });

  test('the same requests for team-b-1 are denied, except the documented ones no cluster name or tag can scope', async () => {
    const rows = world.rows('team-b-1');
    const excused = rows.map(({ role, call }) => NOT_SCOPABLE.filter((e) => e.applies(role, call)));
    const checked = rows.filter((_, i) => excused[i].length === 0);
    const decisions = await decide(checked);
    const allowed = checked.flatMap(({ role, call }, i) => (decisions[i] === 'Allowed' ? [`${role} ${call.operation}: ${describeCall(call)} (${call.source})`] : []));
    expect(allowed).toEqual([]);
    // The exceptions do not swallow the matrix, and every one of them still excuses something.
    expect(checked.length).toBeGreaterThan(60);
    const used = new Set(excused.flat());
    expect(NOT_SCOPABLE.filter((e) => !used.has(e)).map((e) => e.why)).toEqual([]);
  });
});

/** Requests `forOther` makes for another cluster, which a role scoped to `OWN` must deny. */
function otherClusters(build: (cluster: string) => ClusterRequests): Request[] {
  return OTHERS.flatMap((cluster) => build(cluster).specific);
}

/** The existing EBS volume team-a-1's configuration names in SharedStorage (untagged). */
const NAMED_VOLUME = 'vol-0123456789abcdef0';

describe.each(ENVIRONMENTS)('cluster scoping in $partition', (env) => {
  const iamPath = '/parallelcluster/team-a/';
  const stack = stackIn(env);
  const pc = new ParallelClusterIam(stack, 'TeamA', {
    clusterName: OWN,
    hostedZoneId: ZONE[OWN],
    loginNodePools: ['login'],
    iamPath,
    sharedStorageVolumeIds: [NAMED_VOLUME],
  });
  const user = new ParallelClusterUserRole(stack, 'TeamAUser', {
    clusterNames: ['team-a-*'],
    iamPath,
    iamAccessMode: IamAccessMode.privileged(),
  });
  const x = arns(env);
  const sims = {
    head: PolicySimulator.forRole(stack, pc.headNodeRole.role),
    compute: PolicySimulator.forRole(stack, pc.computeNodeRole('compute').role),
    login: PolicySimulator.forRole(stack, pc.loginNodeRoles.login.role),
    lambda: PolicySimulator.forRole(stack, pc.lambdaFunctionsRole.role),
    clusterUser: PolicySimulator.forRole(stack, pc.userRole.role),
    teamUser: PolicySimulator.forRole(stack, user.role),
  };

  const cases: Array<[string, keyof typeof sims, (cluster: string) => ClusterRequests]> = [
    ['head node', 'head', (c) => headNodeRequests(env, c, iamPath)],
    ['compute node', 'compute', (c) => computeNodeRequests(env, c)],
    ['login node', 'login', (c) => loginNodeRequests(env, c)],
    ['Lambda functions', 'lambda', (c) => lambdaRequests(env, c)],
    ['user (ParallelClusterIam clusterName)', 'clusterUser', (c) => userRequests(env, c)],
  ];

  describe.each(cases)('the %s role scoped to team-a-1', (_, key, build) => {
    test('allows its own cluster\'s requests', async () => {
      const own = build(OWN);
      await expectAllowed(sims[key], [...own.specific, ...own.shared]);
    });

    test('denies the same requests for another cluster', async () => {
      await expectDenied(sims[key], otherClusters(build));
    });
  });

  test('the head node passes the queues\' own roles, and no other cluster\'s', async () => {
    const computeRoleArn = sims.compute.principalArn;
    await expectAllowed(sims.head, requests(['iam:PassRole', computeRoleArn, { 'iam:PassedToService': 'ec2.amazonaws.com' }]));
    await expectDenied(sims.head, requests(
      ['iam:PassRole', x.role(iamPath, 'team-b-1/compute-role'), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
      ['iam:PassRole', x.role(iamPath, 'some-other-role'), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ));
  });

  test('the artifacts of a cluster whose name extends this one (team-a-1-b) are another cluster\'s', async () => {
    // pcluster's artifact directory is <name>-<16 random characters> (utils.py:107-127): `team-a-1-*` would match team-a-1-b's.
    const extended = x.artifact('team-a-1-b', 'configs/cluster-config.yaml');
    await expectAllowed(sims.head, requests(['s3:GetObject', x.artifact(OWN, 'configs/cluster-config.yaml')]));
    await expectDenied(sims.head, requests(['s3:GetObject', extended], ['s3:GetObjectVersion', extended]));
    await expectDenied(sims.lambda, requests(['s3:DeleteObject', extended, { 'aws:ResourceAccount': env.account }]));
  });

  test('a head node attaches and detaches only its cluster\'s volumes and the ones named by ID (issue 18, finding 7)', async () => {
    await expectAllowed(sims.head, requests(
      ['ec2:DetachVolume', x.volume(NAMED_VOLUME)],
      ['ec2:DetachVolume', x.volume('vol-0shared'), tagged(OWN)],
    ));
    await expectDenied(sims.head, requests(
      // An untagged volume the configuration does not name, to the head node or from any instance.
      ['ec2:AttachVolume', x.volume('vol-0foreign')],
      ['ec2:DetachVolume', x.volume('vol-0foreign')],
      // To an untagged instance.
      ['ec2:AttachVolume', x.instance('i-0foreign')],
    ));
  });

  test('a head node can neither adopt an untagged instance nor retag another cluster\'s', async () => {
    await expectDenied(sims.head, requests(
      // Adopting: tagging an existing untagged instance with the cluster's name (then terminating it).
      ['ec2:CreateTags', x.instance('i-0foreign'), { [`aws:RequestTag/${TAG}`]: OWN, 'aws:TagKeys': [TAG] }],
      // Retagging another cluster's instance.
      ['ec2:CreateTags', x.instance('i-0foreign'), tagged('team-b-1', { [`aws:RequestTag/${TAG}`]: OWN, 'aws:TagKeys': [TAG] })],
      // Terminating an untagged instance.
      ['ec2:TerminateInstances', x.instance('i-0foreign'), { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
    ));
  });

  describe('a user role with clusterNames [\'team-a-*\']', () => {
    test('can create, update and delete team-a-1 (stack, tables, instances, log groups, alarms)', async () => {
      const own = userRequests(env, 'team-a-1');
      await expectAllowed(sims.teamUser, [...own.specific, ...own.shared]);
    });

    test('cannot touch team-b-1\'s stack, tables, instances, log groups or alarms', async () => {
      await expectDenied(sims.teamUser, userRequests(env, 'team-b-1').specific);
    });

    test('changes DNS records only in its clusters\' domains (<name>.pcluster)', async () => {
      const records = (...names: string[]) => ({ 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names });
      for (const sim of [sims.teamUser, sims.clusterUser]) {
        await expectAllowed(sim, requests(['route53:ChangeResourceRecordSets', x.zone(ZONE[OWN]), records('head.team-a-1.pcluster')]));
        await expectDenied(sim, requests(
          ['route53:ChangeResourceRecordSets', x.zone(ZONE['team-b-1']), records('head.team-b-1.pcluster')],
          ['route53:ChangeResourceRecordSets', x.zone(ZONE[OWN]), records('head.team-a-1.pcluster', 'head.team-b-1.pcluster')],
        ));
      }
      await expectDenied(sims.clusterUser, requests(['route53:ChangeResourceRecordSets', x.zone(ZONE['team-a-10']), records('head.team-a-10.pcluster')]));
    });

    test('cannot create a stack tagged for another team, nor move a resource to another team', async () => {
      await expectDenied(sims.teamUser, requests(
        ['cloudformation:CreateStack', x.stack('team-a-2'), { [`aws:RequestTag/${TAG}`]: 'team-b-2', 'aws:TagKeys': [TAG] }],
        ['cloudformation:CreateStack', x.stack('team-a-2'), { 'aws:TagKeys': ['Name'], 'aws:RequestTag/Name': 'x' }],
        ['ec2:CreateTags', x.instance('i-0head'), tagged('team-a-1', { [`aws:RequestTag/${TAG}`]: 'team-b-1', 'aws:TagKeys': [TAG] })],
        ['ec2:CreateTags', x.instance('i-0head'), tagged('team-b-1', { [`aws:RequestTag/${TAG}`]: 'team-a-1', 'aws:TagKeys': [TAG] })],
      ));
    });
  });
});

describe('cluster scoping: defaults and rules', () => {
  test('without clusterName the roles are as before (no cluster name anywhere)', () => {
    const stack = awsStack();
    const pc = new ParallelClusterIam(stack, 'Pc', { loginNodePools: ['login'] });
    const text = JSON.stringify(stack.resolve(pc.headNodeRole.managedPolicies.map((m) => (m as iam.ManagedPolicy).document.toJSON())));
    expect(text).toContain('table/parallelcluster-*');
    // Issue 18: the head node's tags and console output need a cluster-name tag, of any cluster.
    expect(text.match(/cluster-name":"[^"]*"/g)?.every((m) => m === 'cluster-name":"*"')).toBe(true);
  });

  test('the transform leaves statements no rule matches untouched (same objects)', () => {
    const stack = awsStack();
    const ctx = new PolicyContext(stack);
    const statements = headNodeSlurmStatements(ctx, { secretArns: [], computeNodeRoleArns: [] });
    const scoped = scopeToCluster(statements, ctx, { kind: 'cluster', clusterNames: ['c1'] });
    const untouched = statements.filter((s) => scoped.includes(s)).map((s) => s.sid);
    expect(untouched).toEqual(expect.arrayContaining(['EC2RunInstances', 'EC2Describe']));
    expect(new Set(scoped.map((s) => s.sid)).size).toBe(scoped.length);
  });

  test.each(ENVIRONMENTS)('narrower statements than today\'s (as a security review might write) are scoped too, in $partition', async (env) => {
    const stack = stackIn(env);
    const ctx = new PolicyContext(stack);
    const x = arns(env);
    const narrowed = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [ctx.arn('logs', '*', 'log-group:/aws/parallelcluster/*:*')] }),
      new iam.PolicyStatement({ actions: ['cloudwatch:PutMetricAlarm'], resources: [ctx.arn('cloudwatch', '*', 'alarm:*')] }),
      new iam.PolicyStatement({ actions: ['dynamodb:Query'], resources: [ctx.arn('dynamodb', '*', 'table/parallelcluster-*/index/*')] }),
      new iam.PolicyStatement({ actions: ['cloudformation:DeleteStack'], resources: [ctx.arn('cloudformation', '*', 'stack/*/*')] }),
      new iam.PolicyStatement({
        actions: ['ec2:TerminateInstances'],
        resources: [ctx.arn('ec2', '*', 'instance/*')],
        conditions: { StringEquals: { [`aws:ResourceTag/${TAG}`]: '*' } },
      }),
    ].map((s, i) => s.copy({ sid: `Narrowed${i}` }));
    const scoped = scopeToCluster(narrowed, ctx, { kind: 'user', clusterNames: ['team-a-*'] });
    const sim = PolicySimulator.forDocuments([stack.resolve(new iam.PolicyDocument({ statements: scoped }).toJSON())], env);
    const calls = (cluster: string) => requests(
      ['logs:CreateLogGroup', `${x.logGroup(`/aws/parallelcluster/${cluster}-202611301200`)}:*`],
      ['cloudwatch:PutMetricAlarm', x.alarm(`${cluster}-HeadNode`)],
      ['dynamodb:Query', x.table(`parallelcluster-slurm-${cluster}/index/InstanceId`)],
      ['cloudformation:DeleteStack', x.stack(cluster)],
      // IAM sets both tag keys for an EC2 resource.
      ['ec2:TerminateInstances', x.instance('i-0head'), { [`aws:ResourceTag/${TAG}`]: cluster, [`ec2:ResourceTag/${TAG}`]: cluster }],
    );
    await expectAllowed(sim, calls('team-a-1'));
    await expectDenied(sim, calls('team-b-1'));
  });

  // A guard for later changes to the factories and revisions: a resource pattern the transform does
  // not recognise would silently stay account-wide. Every role of a wide configuration is checked.
  const LEFTOVERS = [
    /:table\/parallelcluster-\*/,
    /:stack\/\*/,
    /:log-group:\/aws\/parallelcluster\/\*/,
    /:alarm:\*$/,
    /:dashboard\/\*$/,
    /autoScalingGroupName\/\*/,
    /:hostedzone\/\*$/,
    /-v1-do-not-delete\/\*$/,
  ];

  /** What in the role's statements still covers every cluster. */
  function leftovers(sim: PolicySimulator): string[] {
    const found: string[] = [];
    for (const statement of sim.documents.flatMap((d) => d.Statement)) {
      const resources: string[] = [statement.Resource].flat();
      const actions: string[] = [statement.Action].flat();
      // A Route 53 statement on every zone is scoped when its record names are the clusters' (CONDITION_RULES).
      const recordNames = JSON.stringify(statement.Condition?.['ForAllValues:StringLike']?.['route53:ChangeResourceRecordSetsNormalizedRecordNames'] ?? []);
      const scopedRecords = recordNames.includes('.team-a-') && !recordNames.includes('"*.pcluster"');
      found.push(...resources
        .filter((r) => LEFTOVERS.some((pattern) => pattern.test(r)) && !(scopedRecords && /:hostedzone\/\*$/.test(r)))
        .map((r) => `${statement.Sid}: ${r}`));
      if (actions.includes('ec2:TerminateInstances') && !JSON.stringify(statement.Condition ?? {}).includes(`ec2:ResourceTag/${TAG}`)) {
        found.push(`${statement.Sid}: ec2:TerminateInstances without the cluster tag`);
      }
      if (resources.includes('*') && actions.some((a) => /^(cloudformation|dynamodb):(?!Describe|List)/.test(a))) {
        found.push(`${statement.Sid}: ${actions.join(', ')} on *`);
      }
    }
    return found;
  }

  test('no account-wide cluster pattern is left in any scoped role', () => {
    const stack = awsStack();
    const props = { hostedZoneId: ZONE[OWN], loginNodePools: ['login'], iamAccessMode: IamAccessMode.privileged(), enableFsxLustre: true };
    const pc = new ParallelClusterIam(stack, 'Pc', { ...props, clusterName: OWN });
    const unscoped = new ParallelClusterIam(stack, 'Unscoped', { ...props, hostedZoneId: undefined });
    const user = new ParallelClusterUserRole(stack, 'User', {
      clusterNames: ['team-a-*'],
      enableAwsBatch: true,
      enableFsxLustre: true,
      iamAccessMode: IamAccessMode.privileged(),
      // AWS Batch ends with ParallelCluster 3.15 (src/private/pcluster-rules.ts).
      parallelClusterVersion: ParallelClusterVersion.V3_15,
    });
    const scopedRoles = [pc.headNodeRole.role, pc.computeNodeRole('compute').role, pc.loginNodeRoles.login.role, pc.lambdaFunctionsRole.role, pc.userRole.role, user.role];
    for (const role of scopedRoles) {
      expect({ role: role.node.path, leftovers: leftovers(PolicySimulator.forRole(stack, role)) }).toEqual({ role: role.node.path, leftovers: [] });
    }
    // The check can fail: the same roles without clusterName have such patterns.
    for (const role of [unscoped.headNodeRole.role, unscoped.computeNodeRole('compute').role, unscoped.userRole.role]) {
      expect(leftovers(PolicySimulator.forRole(stack, role)).length).toBeGreaterThan(0);
    }
  });

  test('every rule says why, citing the wheel', () => {
    for (const rule of [...RESOURCE_RULES, ...ACTION_RULES, ...CONDITION_RULES]) {
      expect(rule.why).toMatch(/\.py:\d+/);
    }
  });

  test('image building is not scoped: images are not clusters', async () => {
    const stack = awsStack();
    const user = new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*'], enableImageBuilder: true });
    const sim = PolicySimulator.forRole(stack, user.role);
    // The image stack is created with the image's tags, not a cluster's (models/imagebuilder.py:641-659).
    await expectAllowed(sim, requests(['cloudformation:CreateStack', 'arn:aws:cloudformation:us-east-1:111122223333:stack/my-image/0a1b', {
      'aws:TagKeys': ['parallelcluster:image_name', 'parallelcluster:image_id', 'parallelcluster:build_log', 'parallelcluster:build_config'],
      'aws:RequestTag/parallelcluster:image_id': 'my-image',
    }]));
  });

  test('an AWS Batch head node and Lambda role are scoped too', async () => {
    const stack = awsStack();
    // AWS Batch ends with ParallelCluster 3.15 (src/private/pcluster-rules.ts).
    const version = ParallelClusterVersion.V3_15;
    const head = new HeadNodeRole(stack, 'Head', { scheduler: Scheduler.AWS_BATCH, clusterName: OWN, parallelClusterVersion: version });
    const lambda = new LambdaFunctionsRole(stack, 'Lambda', { scheduler: Scheduler.AWS_BATCH, clusterName: OWN, parallelClusterVersion: version });
    const x = arns(stackEnv);
    const headSim = PolicySimulator.forRole(stack, head.role);
    // The cluster bucket is the stack account's: IAM sets aws:ResourceAccount.
    const own = { 'aws:ResourceAccount': stackEnv.account };
    await expectAllowed(headSim, requests(['s3:PutObject', x.artifact(OWN, 'batch/job.sh'), own], ['cloudformation:DescribeStacks', x.stack(OWN)]));
    await expectDenied(headSim, requests(['s3:PutObject', x.artifact('team-b-1', 'batch/job.sh'), own], ['cloudformation:DescribeStacks', x.stack('team-b-1')]));
    const lambdaSim = PolicySimulator.forRole(stack, lambda.role);
    await expectAllowed(lambdaSim, requests(['s3:DeleteObject', x.artifact(OWN, 'a'), own]));
    await expectDenied(lambdaSim, requests(['s3:DeleteObject', x.artifact('team-b-1', 'a'), own]));
  });

  test.each([ParallelClusterVersion.V3_2, ParallelClusterVersion.V3_6])('the user role of revision %s is scoped (cloudformation:* included)', async (version) => {
    const stack = awsStack();
    const user = new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*'], parallelClusterVersion: version });
    const sim = PolicySimulator.forRole(stack, user.role);
    const x = arns(stackEnv);
    // An existing cluster stack carries the cluster tag (models/cluster.py:925-942).
    const tag = (cluster: string) => ({ [`aws:ResourceTag/${TAG}`]: cluster });
    await expectAllowed(sim, requests(['cloudformation:DeleteStack', x.stack('team-a-1'), tag('team-a-1')], ['cloudformation:DescribeStacks', '*']));
    await expectDenied(sim, requests(['cloudformation:DeleteStack', x.stack('team-b-1'), tag('team-b-1')]));
  });

  test('with the region option, the written ARNs get the region', async () => {
    const stack = awsStack();
    const user = new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*'], region: 'us-east-1' });
    const sim = PolicySimulator.forRole(stack, user.role);
    const inRegion = { 'aws:RequestedRegion': 'us-east-1' };
    await expectAllowed(sim, requests(['cloudwatch:PutMetricAlarm', 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:team-a-1-HeadNode', inRegion]));
    await expectDenied(sim, requests(['cloudwatch:PutMetricAlarm', 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:team-a-1-HeadNode', { 'aws:RequestedRegion': 'eu-west-1' }]));
  });
});

const stackEnv = ENVIRONMENTS[0];
