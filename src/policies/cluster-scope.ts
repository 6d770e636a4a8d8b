import { PolicyContext } from './context';
import { iam, Token } from '../private/cdk';
import { CLUSTER_NAME_TAG, PCLUSTER_NAMES, PCLUSTER_RESOURCES, clusterArtifactKeys } from '../private/pcluster-rules';
import { validateClusterName, validateClusterNamePatterns, validateHostedZoneId } from '../private/validation';

/*
 * Cluster scoping: the statements of a role limited to the resources of one cluster (the node and
 * Lambda roles, `clusterName`) or of the clusters whose names match patterns (the user role,
 * `clusterNames`), the way ParallelCluster scopes the roles it creates itself. One transform, applied
 * to the finished statements of a block (after the revisions, before region scoping, see
 * policy-block.ts), that never looks at Sids or at the list of statements: it matches resources by ARN
 * pattern and actions by service and verb, so that it keeps working when factories or revisions change.
 *
 * Where the names come from (aws-parallelcluster 3.16.1 wheel; the stack name IS the cluster name,
 * pcluster/models/cluster.py:388 creates the stack `stack_name=self.stack_name`, which is the name):
 * - tables `parallelcluster-<name>` (cluster_stack.py:475, cdk_builder_utils.py:827,1015,1089) and
 *   `parallelcluster-slurm-<name>` with index `InstanceId` (slurm_builder.py:131-135,188);
 * - tag `parallelcluster:cluster-name` = name on every cluster resource (cdk_builder_utils.py:156-158,
 *   178-179, 206) and on the stack (models/cluster.py:931, passed as stack tags, :393 and :903), which
 *   CloudFormation propagates to nested stacks and resources;
 * - `ec2:TerminateInstances` only with `ec2:ResourceTag/parallelcluster:cluster-name` = name
 *   (cdk_builder_utils.py:772-779, compute_fleet_stack.py:133-139); `ec2:GetConsoleOutput` likewise
 *   (cdk_builder_utils.py:891-906);
 * - the stack `stack/<name>/*` (cdk_builder_utils.py:1001); nested stacks (queues_stack.py:64,
 *   login_nodes_stack.py:416) are named by CloudFormation `<name>-<logical id>-<suffix>`, and compute
 *   nodes read theirs (cdk_builder_utils.py:1078, `core.Aws.STACK_ID` of the queues stack);
 * - the log group `/aws/parallelcluster/<name>-<timestamp>` (cluster_stack.py:142);
 * - alarms `<name>-HeadNode-<metric>` and `<name>-HeadNode` (cluster_stack.py:410,430), the dashboard
 *   `<name>-<region>` (cw_dashboard_builder.py:89);
 * - the head node passes roles on `<path><name>/` (cdk_builder_utils.py:622-629,909-918);
 * - the hosted zone: the cluster's own (slurm_builder.py:207-216) or `Dns/HostedZoneId`; Route 53 is
 *   scoped to `hostedzone/<id>` (slurm_builder.py:228-236,244-262) when the ID is given;
 * - cluster artifacts under `parallelcluster/<version>/clusters/<lower-case name, at most 46
 *   characters>-<16 random characters>/` in the cluster bucket (models/cluster.py:220-234,
 *   utils.py:107-124), which is all the head node and the cleanup Lambda touch
 *   (cdk_builder_utils.py:688-700, cluster_stack.py:536-546);
 * - login node Auto Scaling groups `<name>-<pool>-AutoScalingGroup` (login_nodes_stack.py:300,456).
 *
 * What is not scoped by name, because ParallelCluster does not name it after the cluster: Lambda
 * functions and their log groups (`pcluster-<function>-<stack id part>`, cdk_builder_utils.py:1117),
 * load balancers and target groups (hashed names), ECR repositories and CodeBuild projects of AWS
 * Batch clusters, EFS and FSx, Route 53 zones for the user (zones are created by the user and Route 53
 * has no tag conditions; the record names the user may change are narrowed to the clusters' domains
 * `<name>.pcluster`, CONDITION_RULES), IAM for the user (roles created in restricted mode are not under the cluster's
 * name: give each team its own `iamPath` instead) and the image-building blocks (images are not
 * clusters). Read-only Describe and List calls stay as they are.
 *
 * DIFF: opt-in only (`clusterName`, `clusterNames`): the doc's policies cover every cluster of the
 * account; scoped ones are narrower, as ParallelCluster's own roles are. Documented in docs/multi-team.md.
 */

/** The cluster (or clusters) a role's statements are scoped to. */
export interface ClusterScope {
  /**
   * Cluster names, or patterns with `*` (user role). Validated by the construct
   * (`validateClusterName`, `validateClusterNamePatterns`).
   */
  readonly clusterNames: string[];
  /** `cluster`: a node or Lambda role of one cluster (exact name). `user`: the ParallelCluster user role. */
  readonly kind: 'cluster' | 'user';
  /** The cluster's Route 53 hosted zone, when known. */
  readonly hostedZoneId?: string;
}

/**
 * The region of the ARNs the rules write in place of `*`: a cluster role serves a cluster in one
 * region (the factories write `ctx.region` too); the user's statements work in every region unless
 * the region option is set (region-scope.ts then puts it in).
 */
const regionFor = (ctx: PolicyContext, scope: ClusterScope): string => (scope.kind === 'cluster' ? ctx.region : '*');

/** The resource patterns of one rule, for the given names. */
type ResourcesFor = (ctx: PolicyContext, names: string[], scope: ClusterScope) => string[];

/** How one group of actions of a statement on `*` (or on a generic pattern) is scoped. */
interface ActionRule {
  /** Why, and where the wheel shows it. */
  readonly why: string;
  /** Which kind of role it applies to. */
  readonly kinds: ReadonlyArray<ClusterScope['kind']>;
  /** Service prefix (lower case). */
  readonly service: string;
  /** Matches the action name without the service (lower case); `*` actions are matched as written. */
  readonly actions: RegExp;
  /** Replace `*` resources with these. */
  readonly resources?: ResourcesFor;
  /** Add a condition on the cluster-name tag under this key. */
  readonly tagKey?: 'ec2:ResourceTag' | 'aws:ResourceTag';
  /** With `tagKey`: resources without the tag still match (IfExists). */
  readonly ifExists?: boolean;
  /**
   * Add a condition on the cluster-name tag of the REQUEST (`aws:RequestTag`, IfExists): a new resource
   * created with a cluster-name tag gets one of the scope's names.
   */
  readonly requestTagIfExists?: boolean;
}

/** ARN resource patterns ParallelCluster's policies use for every cluster, and their per-cluster form. */
interface ResourceRule {
  readonly why: string;
  readonly kinds: ReadonlyArray<ClusterScope['kind']>;
  readonly service: string;
  /** The resource part of the ARN (after `account:`), exactly as the factories write it. */
  readonly resource: RegExp;
  /** Only in statements with these actions (lower case, `service:action`); all when unset. */
  readonly onlyActions?: RegExp;
  /**
   * The per-cluster resource parts; the capture groups of `resource` are given as `groups`, the
   * statement's actions (lower case) as `actions`.
   */
  readonly scoped: (names: string[], scope: ClusterScope, groups: string[], actions: string[]) => string[] | undefined;
}

const BOTH: ReadonlyArray<ClusterScope['kind']> = ['cluster', 'user'];

/** `<name>` and, unless it already ends with `*`, `<name>-*`: the stack and its nested stacks. */
const stackNames = (names: string[]): string[] =>
  names.flatMap((n) => (n.endsWith('*') ? [`stack/${n}/*`] : [`stack/${n}/*`, `stack/${n}-*/*`]));


/**
 * Rewrites of resource patterns that ParallelCluster's policies use for any cluster. Matched on the
 * resource part of the ARN, whatever the partition, region and account.
 */
export const RESOURCE_RULES: ReadonlyArray<ResourceRule> = [
  {
    why: 'the tables parallelcluster-<name> and parallelcluster-slurm-<name> (cluster_stack.py:475, slurm_builder.py:131-135,188)',
    kinds: BOTH,
    service: 'dynamodb',
    resource: /^table\/parallelcluster-\*(\/index\/\*)?$/,
    // The index only where it can be used (Query, Scan), which keeps the head node's policy small; a
    // pattern on the indexes alone gives the indexes alone.
    scoped: (names, _scope, groups, actions) => names.flatMap((n) => (groups[0] !== undefined
      ? [`table/parallelcluster-${n}/index/*`, `table/parallelcluster-slurm-${n}/index/*`]
      : [
        `table/parallelcluster-${n}`,
        `table/parallelcluster-slurm-${n}`,
        ...(actions.some((a) => /^dynamodb:(query|scan|\*)/.test(a)) ? [`table/parallelcluster-slurm-${n}/index/*`] : []),
      ])),
  },
  {
    why: 'the cluster stack stack/<name>/* (cdk_builder_utils.py:1001) and its nested stacks <name>-<logical id>-<suffix>',
    kinds: BOTH,
    service: 'cloudformation',
    resource: /^stack\/\*(\/\*)?$/,
    scoped: (names) => stackNames(names),
  },
  {
    why: 'the cluster log group /aws/parallelcluster/<name>-<timestamp> (cluster_stack.py:142)',
    kinds: BOTH,
    service: 'logs',
    resource: /^log-group:\/aws\/parallelcluster\/\*(:\*)?$/,
    scoped: (names) => names.map((n) => `log-group:/aws/parallelcluster/${n}-*`),
  },
  {
    why: 'the head node alarms <name>-HeadNode-<metric> and <name>-HeadNode (cluster_stack.py:410,430)',
    kinds: BOTH,
    service: 'cloudwatch',
    resource: /^alarm:\*(-HeadNode(?:-\*)?)?$/,
    // `alarm:*` (the cluster roles) and the user's `alarm:*-HeadNode` and `alarm:*-HeadNode-*` (PCLUSTER_RESOURCES.headNodeAlarms).
    scoped: (names, _scope, groups) => names.map((n) => (groups[0] === undefined ? `alarm:${n}-*` : `alarm:${n}${groups[0]}`)),
  },
  {
    why: 'the dashboard <name>-<region> (cw_dashboard_builder.py:89)',
    kinds: BOTH,
    service: 'cloudwatch',
    resource: /^dashboard\/\*(-\?\?-\*-\?)?$/,
    // `dashboard/*`, and the user's `dashboard/*-<region>` (PCLUSTER_RESOURCES.clusterDashboards).
    scoped: (names, _scope, groups) => names.map((n) => `dashboard/${n}${groups[0] ?? '-*'}`),
  },
  {
    why: 'the login node group <name>-<pool>-AutoScalingGroup (login_nodes_stack.py:300,456)',
    kinds: BOTH,
    service: 'autoscaling',
    resource: /^autoScalingGroup:\*:autoScalingGroupName\/\*(-AutoScalingGroup)?$/,
    scoped: (names, _scope, groups) => names.map((n) => `autoScalingGroup:*:autoScalingGroupName/${n}-*${groups[0] ?? ''}`),
  },
  {
    why: 'the cluster hosted zone, when its ID is known (slurm_builder.py:228-236, 244-262)',
    kinds: ['cluster'],
    service: 'route53',
    resource: /^hostedzone\/\*$/,
    scoped: (_names, scope) => (scope.hostedZoneId === undefined ? undefined : [`hostedzone/${scope.hostedZoneId}`]),
  },
  {
    why: "the head node passes the cluster's roles, on <path><name>/ (cdk_builder_utils.py:622-629, 909-918)",
    kinds: ['cluster'],
    service: 'iam',
    resource: /^(role|instance-profile)(\/(?:[^*]*\/)?)\*$/,
    onlyActions: /^iam:passrole$/,
    scoped: (names, _scope, groups) => names.map((n) => `${groups[0]}${groups[1]}${n}/*`),
  },
];

/**
 * S3 objects of the cluster bucket: only the cluster's artifact directory. S3 ARNs have no region or
 * account, so they are matched apart from `RESOURCE_RULES`.
 */
const CLUSTER_BUCKET_OBJECTS = /^parallelcluster-\*-v1-do-not-delete\/\*$/;

/**
 * The user's patterns of ParallelCluster's buckets: `parallelcluster-*` (which IAM also matches with
 * every object of those buckets, `*` crossing `/`) and `parallelcluster-*` + `/*`.
 */
const USER_BUCKETS = new RegExp(`^${PCLUSTER_RESOURCES.buckets.replace('*', '\\*')}(\\/\\*)?$`);

/**
 * The artifact directories of the clusters a user's pattern covers (a directory is `<lower-case name, at most 46
 * characters>-<16 random characters>`, models/cluster.py:220-234, utils.py:107-124): the pattern's prefix,
 * lower-cased, then anything. An exact name takes clusterArtifactKeys (pcluster-rules.ts) instead.
 */
const userArtifactDirectory = (name: string): string => `${name.toLowerCase().replace(/\*+$/, '').substring(0, 46)}*`;

/**
 * A scoped user's resources for `parallelcluster-*` and `parallelcluster-*` + `/*` (issue 18): the
 * resources bucket itself (`parallelcluster-<16 hex characters>-v1-do-not-delete`, models/s3_bucket.py:106-132:
 * sixteen `?`, so that no object ARN matches it), and of its objects only the scope's cluster directories
 * `parallelcluster/<version>/clusters/<cluster>-<random>/` (models/cluster.py:220-234), the image
 * directories `parallelcluster/<version>/images/<image id>-<random>/` (images are not clusters,
 * models/imagebuilder.py:393-405) and the bucket's `parallelcluster/.bootstrapped` marker, which pcluster
 * reads and writes for every cluster (models/s3_bucket.py:274-292).
 */
function userBucketResources(prefix: string, withBucket: boolean, names: string[]): string[] {
  const bucket = `${PCLUSTER_NAMES.bucketPrefix}${'?'.repeat(16)}${PCLUSTER_NAMES.bucketSuffix}`;
  const objects = PCLUSTER_RESOURCES.bucketObjects.slice(0, -1);
  return [
    ...(withBucket ? [`${prefix}${bucket}`] : []),
    // An exact name: its directory only (clusterArtifactKeys: the name, a dash and the 16 random characters, so
    // that `team-a-1` does not reach `team-a-1-b`'s); a pattern: every directory its prefix starts.
    ...names.map((n) => (n.endsWith('*')
      ? `${prefix}${objects}parallelcluster/*/clusters/${userArtifactDirectory(n)}`
      : `${prefix}${objects}${clusterArtifactKeys(n)}`)),
    `${prefix}${PCLUSTER_RESOURCES.imageArtifactObjects}`,
    `${prefix}${PCLUSTER_RESOURCES.bootstrappedMarker}`,
  ];
}


/** EC2 actions that act on an existing resource of a cluster (and do not only read it). */
const EC2_CHANGES_EXISTING = /^(attach|detach|delete|modify|associate|disassociate|release|authorize|revoke|stop|start|reboot|createlaunchtemplateversion|createsnapshot)/;

/**
 * How statements on `*` (or with actions that carry the cluster tag) are scoped, by action. The first
 * rule that matches an action decides; actions no rule matches are left as they are.
 */
export const ACTION_RULES: ReadonlyArray<ActionRule> = [
  {
    why: "tags: on the cluster's resources, and on untagged ones only when the request tags them with the cluster (the launch templates tag instances and volumes at creation, cdk_builder_utils.py:169-206); see tagScoped",
    kinds: BOTH,
    service: 'ec2',
    actions: /^createtags$/,
    tagKey: 'ec2:ResourceTag',
  },
  {
    why: 'new EC2 resources: created untagged (CloudFormation tags the stack\'s resources with the stack tags, ' +
      'models/cluster.py:925-942, and launch templates not at all) or with a cluster-name tag of the scope, never ' +
      'with another cluster\'s (which the tag-scoped changes would then treat as that cluster\'s)',
    kinds: ['user'],
    service: 'ec2',
    actions: /^(runinstances|createfleet|createvolume|createnetworkinterface|createsecuritygroup|createlaunchtemplate|createplacementgroup|allocateaddress)$/,
    requestTagIfExists: true,
  },
  {
    why: 'instances are terminated only when tagged with the cluster (cdk_builder_utils.py:772-779, compute_fleet_stack.py:133-139) and console output read likewise (cdk_builder_utils.py:891-906)',
    kinds: BOTH,
    service: 'ec2',
    actions: /^(terminateinstances|getconsoleoutput)$/,
    tagKey: 'ec2:ResourceTag',
  },
  {
    why: "other changes to existing EC2 resources: not to another cluster's (all are tagged, cdk_builder_utils.py:156-206); untagged ones, such as an existing EBS volume named in SharedStorage, stay usable",
    kinds: BOTH,
    service: 'ec2',
    actions: EC2_CHANGES_EXISTING,
    tagKey: 'ec2:ResourceTag',
    ifExists: true,
  },
  {
    why: 'the cluster\'s Lambda functions, which are not named after the cluster (pcluster-<function>-<stack id part>, ' +
      'cdk_builder_utils.py:1117-1148) but carry the stack tags, parallelcluster:cluster-name included (models/cluster.py:393,903,925-935: ' +
      'the CfnFunction sets no Tags, so CloudFormation gives it the stack\'s): changes, permissions and invocations only on ' +
      'functions of the scope\'s clusters; tagging likewise, or of an untagged function when the request tags it with a cluster of the scope',
    kinds: ['user'],
    service: 'lambda',
    actions: /^(updatefunctionconfiguration|updatefunctioncode|addpermission|removepermission|deletefunction|invokefunction|tagresource|untagresource|putfunctionconcurrency|deletefunctionconcurrency|putfunctioneventinvokeconfig|createfunctionurlconfig|updatefunctionurlconfig)$/,
    tagKey: 'aws:ResourceTag',
  },
  {
    why: 'Auto Scaling groups of login nodes, named <name>-<pool>-AutoScalingGroup (login_nodes_stack.py:300,456)',
    kinds: ['user'],
    service: 'autoscaling',
    actions: /^(?!describe)/,
    resources: (ctx, names) => names.map((n) => ctx.arn('autoscaling', '*', `autoScalingGroup:*:autoScalingGroupName/${n}-*`)),
  },
  {
    why: 'the cluster stack and its nested stacks (cdk_builder_utils.py:1001, queues_stack.py:64, login_nodes_stack.py:416)',
    kinds: ['cluster'],
    service: 'cloudformation',
    actions: /^(?!list)/,
    resources: (ctx, names, scope) => stackNames(names).map((r) => ctx.arn('cloudformation', regionFor(ctx, scope), r)),
  },
  {
    why: 'the cluster stack and its nested stacks (cdk_builder_utils.py:1001, queues_stack.py:64); listing and describing stay on * (pcluster list-clusters)',
    kinds: ['user'],
    service: 'cloudformation',
    actions: /^(?!describe|list)/,
    resources: (ctx, names, scope) => stackNames(names).map((r) => ctx.arn('cloudformation', regionFor(ctx, scope), r)),
  },
  {
    why: 'the cluster tables (cluster_stack.py:475, slurm_builder.py:188)',
    kinds: BOTH,
    service: 'dynamodb',
    actions: /^(?!list|describelimits|describeendpoints)/,
    resources: (ctx, names, scope) => names.flatMap((n) => [
      `table/parallelcluster-${n}`,
      `table/parallelcluster-slurm-${n}`,
      `table/parallelcluster-slurm-${n}/index/*`,
    ].map((r) => ctx.arn('dynamodb', regionFor(ctx, scope), r))),
  },
  {
    why: 'the cluster log group (cluster_stack.py:142) and the log groups of its Lambda functions, which are not named after the cluster (cdk_builder_utils.py:1117-1122)',
    kinds: ['user'],
    service: 'logs',
    actions: /^(?!describe)/,
    resources: (ctx, names) => [
      ...names.map((n) => ctx.arn('logs', '*', `log-group:/aws/parallelcluster/${n}-*`)),
      ctx.arn('logs', '*', PCLUSTER_RESOURCES.clusterFunctionLogGroups),
    ],
  },
  {
    why: 'the head node alarms <name>-HeadNode-<metric> and <name>-HeadNode (cluster_stack.py:410,430)',
    kinds: ['user'],
    service: 'cloudwatch',
    actions: /^(putmetricalarm|putcompositealarm|deletealarms|setalarmstate|enablealarmactions|disablealarmactions)$/,
    resources: (ctx, names) => names.map((n) => ctx.arn('cloudwatch', '*', `alarm:${n}-*`)),
  },
  {
    why: 'the dashboard <name>-<region> (cw_dashboard_builder.py:89)',
    kinds: ['user'],
    service: 'cloudwatch',
    actions: /^(putdashboard|deletedashboards|getdashboard)$/,
    resources: (ctx, names) => names.map((n) => ctx.arn('cloudwatch', '', `dashboard/${n}-*`)),
  },
  {
    why: 'Route 53 record changes in the cluster hosted zone, when its ID is given (slurm_builder.py:228-236)',
    kinds: ['cluster'],
    service: 'route53',
    actions: /^(changeresourcerecordsets|listresourcerecordsets)$/,
    resources: (ctx, _names, scope) => (scope.hostedZoneId === undefined ? ['*'] : [ctx.arn('route53', '', `hostedzone/${scope.hostedZoneId}`, '')]),
  },
];

/** How the values of one condition key that cover every cluster are narrowed to the scope's clusters. */
interface ConditionRule {
  readonly why: string;
  readonly kinds: ReadonlyArray<ClusterScope['kind']>;
  /** The condition key (as the factories write it). */
  readonly key: string;
  /** The value that covers every cluster. */
  readonly value: string;
  /** Its per-cluster values. */
  readonly scoped: (names: string[], scope: ClusterScope) => string[];
  /** Values the key must not match (added with StringNotLike, under the statement's set operator). */
  readonly excluded?: string[];
}

/**
 * Condition values that name every cluster and have a per-cluster form. Matched on key and value
 * whatever the operator, so that the operator (and its Like semantics) stays the statement's own.
 */
export const CONDITION_RULES: ReadonlyArray<ConditionRule> = [
  {
    why: "DNS records of the cluster's private zone, <node>.<lower-case cluster name>.pcluster (slurm_builder.py:80-87, 207-216); Route 53 normalizes record names to lower case without the final dot. A node or Lambda role whose zone is given (Dns/HostedZoneId) is already limited to that zone, whose domain the library does not know: <node>.<cluster>.<any domain> there",
    kinds: BOTH,
    key: 'route53:ChangeResourceRecordSetsNormalizedRecordNames',
    value: PCLUSTER_RESOURCES.privateRecordNames,
    scoped: (names, scope) => unique(names.map((n) => (scope.kind === 'cluster' && scope.hostedZoneId !== undefined
      ? `*.${n.toLowerCase()}.*`
      : `*.${n.toLowerCase()}.pcluster`))),
    // `*` matches dots too: `*.team-a-*.pcluster` would match `x.team-a-1.team-b-prod.pcluster`, a record
    // in team B's zone. ParallelCluster's records have two labels before the domain (a node name has no
    // dot: `<queue>-<st|dy>-<compute resource>-<n>`, and a cluster name has none), so names with three or
    // more are refused (issue 18, finding 12).
    excluded: [`*.*.*.${PCLUSTER_NAMES.privateDomain}`],
  },
];

/** Condition keys on the cluster-name tag whose `*` value means "any cluster". */
const CLUSTER_TAG_KEYS = [`aws:ResourceTag/${CLUSTER_NAME_TAG}`, `ec2:ResourceTag/${CLUSTER_NAME_TAG}`, `aws:RequestTag/${CLUSTER_NAME_TAG}`];

type Conditions = Record<string, Record<string, unknown>>;

/**
 * The statements scoped to the clusters of `scope` (see the file comment). Statements no rule touches
 * are returned as they are; changed ones are copies, possibly split in several (the first part keeps
 * the Sid, the others get the Sid with a suffix).
 */
export function scopeToCluster(statements: iam.PolicyStatement[], ctx: PolicyContext, scope: ClusterScope): iam.PolicyStatement[] {
  const scoped = statements.flatMap((statement) => scopeStatement(statement, ctx, scope));
  // Sids of split parts stay unique in the block.
  const seen = new Set<string>();
  return scoped.map((statement) => {
    const sid = statement.sid;
    if (sid === undefined || !seen.has(sid)) {
      if (sid !== undefined) seen.add(sid);
      return statement;
    }
    let n = 2;
    while (seen.has(`${sid}Part${n}`)) n++;
    seen.add(`${sid}Part${n}`);
    return statement.copy({ sid: `${sid}Part${n}` });
  });
}

function scopeStatement(statement: iam.PolicyStatement, ctx: PolicyContext, scope: ClusterScope): iam.PolicyStatement[] {
  if (statement.effect !== iam.Effect.ALLOW || statement.notActions.length > 0 || statement.notResources.length > 0
    || statement.actions.length === 0) {
    return [statement];
  }
  if (namesVolumesById(statement)) {
    return [statement];
  }
  const names = scope.clusterNames;
  const conditions = scopeTagConditions(statement.conditions as Conditions, scope);
  const resources = statement.resources.flatMap((resource) => scopeResource(resource, statement.actions, scope));

  // Group the actions by the rule that scopes them (the statement's own resources for actions no rule matches).
  const groups = new Map<ActionRule | undefined, string[]>();
  const add = (rule: ActionRule | undefined, action: string) => groups.set(rule, [...(groups.get(rule) ?? []), action]);
  for (const action of statement.actions) {
    const rule = ACTION_RULES.find((r) => r.kinds.includes(scope.kind) && matchesAction(r, action));
    const wholeService = wildcardServiceRule(action, scope);
    if (rule !== undefined && (rule.tagKey !== undefined || rule.requestTagIfExists || resources.includes('*'))) {
      add(rule, action);
    } else if (wholeService !== undefined && resources.includes('*')) {
      // `service:*` on `*` (the doc's `cloudformation:*`): the service's resources for everything,
      // and its Describe and List calls on `*` as before.
      add(wholeService, action);
      const service = action.split(':')[0];
      add(undefined, `${service}:Describe*`);
      add(undefined, `${service}:List*`);
    } else {
      add(undefined, action);
    }
  }

  const parts: iam.PolicyStatement[] = [];
  for (const [rule, actions] of groups) {
    if (rule === undefined) {
      parts.push(copyIfChanged(statement, actions, resources, conditions));
      continue;
    }
    const ruleResources = rule.resources
      ? resources.flatMap((r) => (r === '*' ? rule.resources!(ctx, names, scope) : [r]))
      : resources;
    if (rule.requestTagIfExists) {
      const like = names.some((n) => n.includes('*'));
      parts.push(statement.copy({
        actions,
        resources: unique(ruleResources),
        conditions: addCondition(conditions, like ? 'StringLikeIfExists' : 'StringEqualsIfExists', `aws:RequestTag/${CLUSTER_NAME_TAG}`, names),
      }));
    } else if (rule.tagKey === undefined) {
      parts.push(copyIfChanged(statement, actions, unique(ruleResources), conditions));
    } else {
      parts.push(...tagScoped(statement, actions, unique(ruleResources), conditions, rule, scope));
    }
  }
  return parts;
}

/**
 * Whether every resource of the statement is an EBS volume named by its ID (`volume/vol-...`, no
 * wildcard): volumes the configuration names (`SharedStorage/EbsSettings/VolumeId`). They are granted
 * by ID, not by the cluster-name tag: a volume kept from a deleted cluster carries that cluster's tag,
 * and the tag condition would refuse attaching it (issue 19, item 9). Only EC2 actions; the instance of
 * an AttachVolume request is still checked by the tag-scoped statement on `instance/*`.
 */
function namesVolumesById(statement: iam.PolicyStatement): boolean {
  return statement.resources.length > 0
    && statement.actions.every((a) => a.toLowerCase().startsWith('ec2:') && !a.includes('*'))
    && statement.resources.every((resource) => {
      const parts = resource.split(':');
      return parts.length >= 6 && parts[0] === 'arn' && parts[2] === 'ec2' && /^volume\/[^*?]+$/.test(parts.slice(5).join(':'));
    });
}

/** The resource rule of a whole service (`cloudformation:*`), if there is one for the scope's kind. */
function wildcardServiceRule(action: string, scope: ClusterScope): ActionRule | undefined {
  const [service, name] = action.toLowerCase().split(':');
  if (name !== '*') {
    return undefined;
  }
  return ACTION_RULES.find((r) => r.kinds.includes(scope.kind) && r.service === service && r.resources !== undefined);
}

function copyIfChanged(statement: iam.PolicyStatement, actions: string[], resources: string[], conditions: Conditions): iam.PolicyStatement {
  const same = actions.length === statement.actions.length
    && resources.length === statement.resources.length && resources.every((r, i) => r === statement.resources[i])
    && JSON.stringify(conditions) === JSON.stringify(statement.conditions);
  return same ? statement : statement.copy({ actions, resources, conditions });
}

/**
 * A tag condition on the cluster name. `ec2:CreateTags` gets two statements: on resources of the
 * cluster (changing the cluster-name tag only to a name of the scope), and on resources that have no
 * cluster-name tag yet, when the request sets it to a name of the scope (tags given at creation, from a
 * launch template or by CloudFormation). For a cluster role the second one only holds at creation
 * (`ec2:CreateAction`), so that a node cannot adopt someone else's untagged instance and then
 * terminate it.
 */
function tagScoped(
  statement: iam.PolicyStatement,
  actions: string[],
  resources: string[],
  conditions: Conditions,
  rule: ActionRule,
  scope: ClusterScope,
): iam.PolicyStatement[] {
  const like = scope.clusterNames.some((n) => n.includes('*'));
  const op = (base: string, ifExists: boolean) => `${base}${ifExists ? 'IfExists' : ''}`;
  const resourceKey = `${rule.tagKey}/${CLUSTER_NAME_TAG}`;
  const requestKey = `aws:RequestTag/${CLUSTER_NAME_TAG}`;
  const equals = like ? 'StringLike' : 'StringEquals';
  const createTags = actions.filter((a) => TAGGING_ACTIONS.test(a));
  const others = actions.filter((a) => !TAGGING_ACTIONS.test(a));
  const parts: iam.PolicyStatement[] = [];
  if (others.length > 0) {
    parts.push(statement.copy({
      actions: others,
      resources,
      conditions: addCondition(conditions, op(equals, rule.ifExists ?? false), resourceKey, scope.clusterNames),
    }));
  }
  if (createTags.length > 0) {
    let own = addCondition(conditions, equals, resourceKey, scope.clusterNames);
    own = addCondition(own, op(equals, true), requestKey, scope.clusterNames);
    // A statement that only tags resources as they are created (`ec2:CreateAction`, the user's dry-run
    // launches and CloudFormation's creations) need not carry the cluster name: pcluster's launch
    // validators tag with the configuration's Tags only (cluster_validators.py:1224-1231, 1654), and a
    // request that would fail them fails create-cluster. A cluster name it does carry must be in the scope.
    const atCreationOnly = (conditions.Null as Record<string, unknown> | undefined)?.['ec2:CreateAction'] === 'false';
    let untagged = addCondition(conditions, 'Null', resourceKey, 'true');
    untagged = addCondition(untagged, op(equals, atCreationOnly), requestKey, scope.clusterNames);
    if (scope.kind === 'cluster') {
      untagged = addCondition(untagged, 'Null', 'ec2:CreateAction', 'false');
    }
    parts.push(statement.copy({ actions: createTags, resources, conditions: own }));
    parts.push(statement.copy({ sid: statement.sid === undefined ? undefined : `${statement.sid}AtCreation`, actions: createTags, resources, conditions: untagged }));
  }
  return parts;
}

/** Actions that put tags on an existing resource: tagScoped gives them the own-or-untagged pair of statements. */
const TAGGING_ACTIONS = /^(ec2:createtags|lambda:tagresource)$/i;

/** Existing conditions on the cluster-name tag with the value `*` (any cluster) get the scope's names. */
function scopeTagConditions(conditions: Conditions, scope: ClusterScope): Conditions {
  let result = conditions;
  for (const [operator, keys] of Object.entries(conditions)) {
    for (const [key, value] of Object.entries(keys)) {
      const values = Array.isArray(value) ? value : [value];
      const conditionRule = CONDITION_RULES.find((r) => r.kinds.includes(scope.kind) && r.key === key && values.includes(r.value));
      if (conditionRule !== undefined) {
        const scopedValues = values.flatMap((v) => (v === conditionRule.value ? conditionRule.scoped(scope.clusterNames, scope) : [v]));
        result = addCondition(result, operator, key, scopedValues);
        if (conditionRule.excluded !== undefined) {
          result = addCondition(result, operator.startsWith('ForAllValues:') ? 'ForAllValues:StringNotLike' : 'StringNotLike', key, conditionRule.excluded);
        }
      }
      if (CLUSTER_TAG_KEYS.includes(key) && values.includes('*')) {
        // Patterns need a Like operator, whatever the statement used for `*`.
        const like = scope.clusterNames.some((n) => n.includes('*')) ? operator.replace('StringEquals', 'StringLike') : operator;
        const { [key]: _replaced, ...rest } = result[operator];
        result = Object.keys(rest).length > 0 ? { ...result, [operator]: rest } : omit(result, operator);
        result = addCondition(result, like, key, scope.clusterNames);
      }
      // A statement that requires the cluster-name tag in the request (upstream's CreateStack and
      // UpdateStack condition, parallelcluster-policies.yaml) also requires its value to be in scope.
      if (operator === 'ForAnyValue:StringEquals' && key === 'aws:TagKeys' && values.includes(CLUSTER_NAME_TAG)) {
        result = addCondition(result, 'StringLike', `aws:RequestTag/${CLUSTER_NAME_TAG}`, scope.clusterNames);
      }
    }
  }
  return result;
}

function omit(conditions: Conditions, operator: string): Conditions {
  const { [operator]: _omitted, ...rest } = conditions;
  return rest;
}

function addCondition(conditions: Conditions, operator: string, key: string, value: unknown): Conditions {
  return { ...conditions, [operator]: { ...(conditions[operator] ?? {}), [key]: value } };
}

/** The resource, or its per-cluster patterns when a rule matches it. */
function scopeResource(resource: string, actions: string[], scope: ClusterScope): string[] {
  if (Token.isUnresolved(resource) && !resource.startsWith('arn:')) {
    return [resource];
  }
  const parts = resource.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return [resource];
  }
  const service = parts[2];
  const rest = parts.slice(5).join(':');
  if (service === 's3') {
    if (scope.kind === 'user') {
      const match = USER_BUCKETS.exec(rest);
      return match ? userBucketResources(`${parts.slice(0, 5).join(':')}:`, match[1] === undefined, scope.clusterNames) : [resource];
    }
    return CLUSTER_BUCKET_OBJECTS.test(rest)
      ? scope.clusterNames.map((n) => `${parts.slice(0, 5).join(':')}:${rest.slice(0, -1)}${clusterArtifactKeys(n)}`)
      : [resource];
  }
  for (const rule of RESOURCE_RULES) {
    if (rule.service !== service || !rule.kinds.includes(scope.kind)) continue;
    if (rule.onlyActions && !actions.every((a) => rule.onlyActions!.test(a.toLowerCase()))) continue;
    const match = rule.resource.exec(rest);
    if (!match) continue;
    const scoped = rule.scoped(scope.clusterNames, scope, match.slice(1), actions.map((a) => a.toLowerCase()));
    if (scoped === undefined) return [resource];
    return scoped.map((r) => `${parts.slice(0, 5).join(':')}:${r}`);
  }
  return [resource];
}

function matchesAction(rule: ActionRule, action: string): boolean {
  const [service, name] = action.toLowerCase().split(':');
  return service === rule.service && name !== undefined && !name.includes('*') && rule.actions.test(name);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The scope of a node or Lambda role: `clusterName` checked against ParallelCluster's rule, or none
 * when it is unset (then `hostedZoneId` must be unset too: it only narrows a scoped role).
 */
export function nodeClusterScope(clusterName: string | undefined, hostedZoneId?: string): ClusterScope | undefined {
  if (hostedZoneId !== undefined) {
    validateHostedZoneId('hostedZoneId', hostedZoneId);
  }
  if (clusterName === undefined) {
    if (hostedZoneId !== undefined) {
      throw new Error(
        `hostedZoneId '${hostedZoneId}' is set but clusterName is not: the hosted zone only narrows a role scoped to one cluster. ` +
        'Set clusterName to the cluster that uses the zone, or leave hostedZoneId unset.',
      );
    }
    return undefined;
  }
  validateClusterName('clusterName', clusterName);
  return { kind: 'cluster', clusterNames: [clusterName], hostedZoneId };
}

/** The scope of the user role: `clusterNames` checked (names or patterns), or none when unset. */
export function userClusterScope(clusterNames: string[] | undefined): ClusterScope | undefined {
  if (clusterNames === undefined) {
    return undefined;
  }
  validateClusterNamePatterns('clusterNames', clusterNames);
  return { kind: 'user', clusterNames: unique(clusterNames) };
}
