import { LAMBDA_VPC_ACCESS_EXECUTION_ROLE } from './aws-managed-policies';
import { PolicyContext, allow } from './context';
import { cleanupDeleteImageStackStatements } from './image-builder-policies';
import { clusterAlarms, taggedClusterStack } from './user-policies';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { iam } from '../private/cdk';
import { CLUSTER_NAME_TAG, PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * How the policies of each ParallelCluster release differ from the seed doc's (revision V3_2), as
 * data: for every revision, the changes to each policy block against the previous revision. The
 * statement factories (user-policies.ts, head-node-policies.ts, ...) keep the doc's content; `revise`
 * applies the changes of every revision up to the one asked for.
 *
 * Facts come from aws/aws-parallelcluster: tests/iam_policies/{user-role,cluster-roles}.cfn.yaml (the
 * repository's own copy of the doc's policies), cloudformation/policies/parallelcluster-policies.yaml
 * (the official user policies, 3.5+) and cli/src/pcluster/templates/cdk_builder_utils.py (what
 * ParallelCluster grants the roles it creates). Each change names the first release whose files had
 * it (found by comparing the files at every v3.x tag, which also catches backports to patch releases).
 * Where the doc was already behind the release it was written for, the change is in V3_3 (V3_2 must
 * stay the doc) and says so.
 *
 * From 3.12 on, the facts come from the `aws-parallelcluster` wheels on PyPI (pcluster/templates/,
 * pcluster/imagebuilder_utils.py; `npx projen upstream:diff <release>` lists what changed) and from
 * upstream PRs for the user policies, which the wheel does not hold. Changes made on the AWS side, which
 * reach every release, are not here but in service-fixes.ts.
 */

/** The policy blocks `revise` knows: the doc's blocks, plus the ones the doc lacks. */
export const POLICY_BLOCKS = [
  'user.base',
  'user.batch',
  'user.fsx',
  'user.imageBuilder',
  'user.iam.privileged',
  'user.iam.permissionsBoundary',
  'headNode.slurm',
  'headNode.awsBatch',
  'computeNode',
  'lambdaFunctions',
  // Not in the doc: the Lambda functions role of an AWS Batch cluster, derived from `lambdaFunctions`.
  'lambdaFunctions.awsBatch',
  'imageBuilder.instanceRole',
  'imageBuilder.cleanupLambda',
  // Not in the doc: login nodes (ParallelCluster 3.7+), statements in login-node-policies.ts.
  'loginNode',
] as const;

export type PolicyBlock = typeof POLICY_BLOCKS[number];

/** Blocks with no doc content: their changes in revision V3_2 are what the doc should have had. */
export const BLOCKS_NOT_IN_DOC: ReadonlyArray<PolicyBlock> = ['lambdaFunctions.awsBatch', 'loginNode'];

/** Statements built for the stack (partition-correct ARNs). */
export type StatementsFactory = (ctx: PolicyContext) => iam.PolicyStatement[];

/** One difference of a block from the previous revision. `release` is the ParallelCluster release that introduced it. */
export type PolicyChange =
  /**
   * Adds actions to the statement with this Sid (same resources and conditions). `ifPresent`: the
   * statement only exists for some props (the factory adds it), and the change is skipped without it.
   */
  | { readonly kind: 'addActions'; readonly release: string; readonly sid: string; readonly actions: string[]; readonly ifPresent?: boolean }
  /** Adds statements, each with a Sid new to the block. */
  | { readonly kind: 'addStatements'; readonly release: string; readonly statements: StatementsFactory }
  /** Replaces the statement with this Sid, in place, by others (where upstream narrowed a grant). */
  | { readonly kind: 'replaceStatement'; readonly release: string; readonly sid: string; readonly statements: StatementsFactory }
  /** Removes the statements with these Sids. */
  | { readonly kind: 'removeStatements'; readonly release: string; readonly sids: string[] }
  /** Adds values to one condition key of the statement with this Sid. */
  | {
    readonly kind: 'addConditionValues';
    readonly release: string;
    readonly sid: string;
    readonly operator: string;
    readonly key: string;
    readonly values: (ctx: PolicyContext) => string[];
  }
  /** Removes values from one condition key of the statement with this Sid (each must be there). */
  | {
    readonly kind: 'removeConditionValues';
    readonly release: string;
    readonly sid: string;
    readonly operator: string;
    readonly key: string;
    readonly values: (ctx: PolicyContext) => string[];
  };

/** The changes of one revision, by block. */
export interface Revision {
  readonly revision: ParallelClusterVersion;
  readonly changes: Partial<Record<PolicyBlock, PolicyChange[]>>;
}

const addActions = (sid: string, release: string, actions: string[], ifPresent?: boolean): PolicyChange =>
  ({ kind: 'addActions', release, sid, actions, ...(ifPresent ? { ifPresent } : {}) });
const addStatements = (release: string, statements: StatementsFactory): PolicyChange =>
  ({ kind: 'addStatements', release, statements });

// Shared by the privileged and permissions-boundary blocks, whose allow-lists are the same.
const ATTACH_LAMBDA_VPC_POLICY: PolicyChange = {
  // 3.4.0: ParallelCluster attaches the Lambda VPC policy to its Lambda roles when
  // DeploymentSettings/LambdaFunctionsVpcConfig (new in 3.4.0) is set; the doc's allow-list forgets it.
  kind: 'addConditionValues',
  release: '3.4.0',
  sid: 'IamPolicy',
  operator: 'ArnLike',
  key: 'iam:PolicyARN',
  values: (ctx) => [ctx.awsManagedPolicy(LAMBDA_VPC_ACCESS_EXECUTION_ROLE)],
};

/**
 * The aws-parallelcluster release whose wheel `LATEST` was checked against: `npx projen upstream:diff
 * <release>` compares a new release with it (scripts/upstream-diff.sh reads this line).
 */
export const LATEST_CHECKED_RELEASE = '3.16.1';

// 3.16.0 (wheel pcluster/templates/: awsbatch_builder.py is gone, and no template names these policies any
// more): the roles ParallelCluster creates no longer get the AWS Batch and ECS policies, so the user may no
// longer attach them (AWSBatchFullAccess would let a cluster role pass roles to Batch, ECS and EC2).
const DETACH_BATCH_POLICIES: PolicyChange = {
  kind: 'removeConditionValues',
  release: '3.16.0',
  sid: 'IamPolicy',
  operator: 'ArnLike',
  key: 'iam:PolicyARN',
  values: (ctx) => [
    'AWSBatchFullAccess',
    'service-role/AWSBatchServiceRole',
    'service-role/AmazonEC2ContainerServiceforEC2Role',
    'service-role/AmazonECSTaskExecutionRolePolicy',
    'service-role/AmazonEC2SpotFleetTaggingRole',
  ].map((name) => ctx.awsManagedPolicy(name)),
};

/** Every revision's changes, oldest first. */
export const REVISIONS: ReadonlyArray<Revision> = [
  {
    revision: ParallelClusterVersion.V3_2,
    changes: {
      // The doc has no AWS Batch variant of the Lambda functions role, but ParallelCluster has used one
      // since 3.0.0 (CustomLambdaResourcesRoleBatch in cluster-roles.cfn.yaml; awsbatch_builder.py).
      'lambdaFunctions.awsBatch': [
        // An AWS Batch cluster has no hosted zone and no Slurm compute nodes to clean up.
        { kind: 'removeStatements', release: '3.0.0', sids: ['Route53', 'Route53ChangeClusterRecords', 'EC2DescribeInstances', 'EC2TerminateComputeNodes'] },
        // 3.0.0: the ManageDockerImages function empties the cluster's ECR repository (its name is
        // generated from the logical id ParallelClusterDockerImagesRepo) and runs the CodeBuild project
        // `pcluster-<cluster>-build-docker-images-project`.
        addStatements('3.0.0', (ctx) => [
          allow('ECRDockerImages', ['ecr:BatchDeleteImage', 'ecr:ListImages'],
            [ctx.arn('ecr', ctx.region, 'repository/*parallelcluster*')]),
          allow('CodeBuildDockerImages', ['codebuild:BatchGetBuilds', 'codebuild:StartBuild'],
            [ctx.arn('codebuild', ctx.region, PCLUSTER_RESOURCES.codeBuildProjects)]),
        ]),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_3,
    changes: {
      'user.base': [
        // 3.3.0: capacity reservations can be given as resource groups; pcluster reads them.
        addStatements('3.3.0', () => [
          allow('ResourceGroupRead', ['resource-groups:ListGroupResources', 'resource-groups:GetGroupConfiguration'], ['*']),
        ]),
        // 3.3.1 (issue #4588): creating a tagged log group needs the tagging actions.
        addActions('CloudWatchLogs', '3.3.1', ['logs:TagResource', 'logs:UntagResource']),
      ],
      'user.imageBuilder': [
        // 3.2.0 (the doc missed it): `pcluster delete-image` cancels a build still in progress.
        addActions('ImageBuilder', '3.2.0', ['imagebuilder:CancelImageCreation']),
      ],
      'headNode.slurm': [
        // 3.3.0: compute nodes are launched with EC2 Fleet, which can target capacity reservations.
        addActions('EC2RunInstances', '3.3.0', ['ec2:CreateFleet']),
        // With the official images told apart from the configuration's (computeImageIds), their statement too.
        addActions('EC2RunOfficialImages', '3.3.0', ['ec2:CreateFleet'], true),
        addActions('EC2Describe', '3.3.0', ['ec2:DescribeCapacityReservations']),
        // 3.1.1 (the oldest release checked; the doc missed it, upstream's test role caught up in
        // 3.4.0): the head node reads its own stack.
        addActions('CloudFormation', '3.1.1', ['cloudformation:DescribeStacks']),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_4,
    changes: {
      'user.iam.privileged': [ATTACH_LAMBDA_VPC_POLICY],
      'user.iam.permissionsBoundary': [ATTACH_LAMBDA_VPC_POLICY],
    },
  },
  {
    revision: ParallelClusterVersion.V3_5,
    changes: {
      'headNode.slurm': [
        // 3.5.0 (upstream's test role caught up in 3.5.1): the head node batch-reads the cluster's
        // tables, and logs the console output of compute nodes that fail to launch (PR #4552).
        addActions('DynamoDB', '3.5.0', ['dynamodb:BatchGetItem']),
        addStatements('3.5.0', (ctx) => [
          // DIFF (issue 18, finding 7): console output of cluster instances only, as ParallelCluster's own
          // role has it (templates/cdk_builder_utils.py:891-906, on the cluster-name tag).
          allow('EC2GetConsoleOutput', ['ec2:GetConsoleOutput'], [ctx.arn('ec2', ctx.region, 'instance/*')], {
            StringLike: { [`ec2:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' },
          }),
        ]),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_6,
    changes: {
      'user.base': [
        // 3.6.0: the head node gets CloudWatch alarms, and log metric filters feed them.
        // DIFF (issue 18): upstream adds them to the dashboards' statement on `*` (every alarm of the
        // account); here the head node's alarms only (`clusterAlarms`), DescribeAlarms on `*`.
        addStatements('3.6.0', (ctx) => [
          allow('CloudWatchAlarms', ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'], clusterAlarms(ctx)),
        ]),
        addActions('CloudWatchListDashboards', '3.6.0', ['cloudwatch:DescribeAlarms']),
        addActions('CloudWatchLogs', '3.6.0', ['logs:DescribeMetricFilters', 'logs:PutMetricFilter', 'logs:DeleteMetricFilter']),
        // 3.6.0: upstream narrowed `cloudformation:*` to the stack actions pcluster calls (the
        // UpdateStack condition is the one 3.9.0 fixed, PR #6116).
        // DIFF: upstream's CreateStack/UpdateStack on `stack/*` only asks that the *request* carry the
        // cluster-name tag, and DeleteStack is on any stack: an update of any stack (run with its own
        // service role, which CloudFormation reuses without a PassRole check) or the deletion of any
        // stack. Here creation needs the tag in the request (`CloudFormationCreateAndUpdate`, from
        // `clusterStackStatements` with `CloudFormationList`, unchanged), and every action on an existing
        // stack needs the tag on the stack (`aws:ResourceTag`). pcluster updates a stack with and without
        // tags (pcluster/models/cluster.py:654-657 retains log groups before deleting, with no tags), and
        // both are updates of a tagged stack.
        {
          kind: 'replaceStatement',
          release: '3.6.0',
          sid: 'CloudFormation',
          statements: (ctx) => {
            const stacks = ctx.arn('cloudformation', '*', 'stack/*');
            return [
              allow('CloudFormationUpdateClusterStacks', ['cloudformation:UpdateStack'], [stacks], taggedClusterStack()),
              // Sid kept (it had DeleteStack too): reads of any stack's events and resources are harmless
              // and `pcluster get-image-stack-events` reads image stacks.
              allow('CloudFormationReadAndDelete', [
                'cloudformation:DescribeStackEvents',
                'cloudformation:DescribeStackResources',
              ], [stacks]),
              // DIFF (issue 18): upstream reads the template of any stack, which may hold another
              // application's secrets (parameters' defaults, user data). pcluster reads only the cluster
              // stack's (describe-cluster and update-cluster, models/cluster.py:629-636, 671; aws/cfn.py:145-147),
              // which carries the cluster-name tag (models/cluster.py:387-393, 925-942): with DeleteStack in
              // `CloudFormationDeleteClusterStacks`. Before 3.6 the doc's `cloudformation:*` is already on
              // tagged stacks only.
              // GetTemplate: see the DIFF above (only the cluster stacks' templates).
              allow('CloudFormationDeleteClusterStacks', ['cloudformation:DeleteStack', 'cloudformation:GetTemplate'], [stacks], taggedClusterStack()),
            ];
          },
        },
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_7,
    changes: {
      'user.base': [
        // 3.7.0: login node pools are Auto Scaling groups behind a Network Load Balancer, created by the
        // cluster stack with the cluster's tags (`parallelcluster:cluster-name`, `parallelcluster:version`
        // and the user's `Tags`).
        // DIFF: upstream conditions one statement on `ForAllValues:StringEquals aws:TagKeys
        // [parallelcluster:cluster-name]`, which holds for every request without tags (so it allows
        // deleting any Auto Scaling group or load balancer of the account) and fails for requests that
        // carry the user's tags too (aws/aws-parallelcluster#7491). Here, by kind of action: changes to
        // existing resources need the resource to carry the cluster-name tag, creation needs the tag in
        // the request, and reads are unconditioned.
        addStatements('3.7.0', () => [
          allow('LoginNodes', [
            'autoscaling:DeleteAutoScalingGroup',
            'autoscaling:DeleteLifecycleHook',
            'autoscaling:PutLifecycleHook',
            'autoscaling:UpdateAutoScalingGroup',
            // Authorized on the load balancer, which carries the tag; see also the listener fix in
            // service-fixes.ts.
            'elasticloadbalancing:CreateListener',
            'elasticloadbalancing:DeleteListener',
            'elasticloadbalancing:DeleteLoadBalancer',
            'elasticloadbalancing:DeleteTargetGroup',
            'elasticloadbalancing:ModifyLoadBalancerAttributes',
          ], ['*'], { StringLike: { [`aws:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' } }),
          allow('LoginNodesCreate', [
            'autoscaling:CreateAutoScalingGroup',
            'elasticloadbalancing:CreateLoadBalancer',
            'elasticloadbalancing:CreateTargetGroup',
            // The tag's presence, written as `StringLike *` so that clusterNames narrows it to the team's
            // names (cluster-scope.ts): a load balancer tagged with another team's cluster is refused.
          ], ['*'], { StringLike: { [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: '*' } }),
          // Tagging a load balancer or target group as it is created (ELB authorizes AddTags with the
          // create action's name): never an existing resource, so AddTags cannot put the cluster tag on
          // a load balancer that does not belong to a cluster.
          allow('LoginNodesTagOnCreate', ['elasticloadbalancing:AddTags'], ['*'], {
            StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateLoadBalancer', 'CreateTargetGroup'] },
            StringLike: { [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: '*' },
          }),
          allow('LoginNodesDescribe', [
            'autoscaling:DescribeAutoScalingGroups',
            'autoscaling:DescribeLifecycleHooks',
            'autoscaling:DescribeScalingActivities',
            'elasticloadbalancing:DescribeListeners',
            'elasticloadbalancing:DescribeLoadBalancers',
            'elasticloadbalancing:DescribeTags',
            'elasticloadbalancing:DescribeTargetGroups',
          ], ['*']),
        ]),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_8,
    changes: {
      // 3.8.0: one composite alarm sums up the head node's alarms.
      'user.base': [addActions('CloudWatchAlarms', '3.8.0', ['cloudwatch:PutCompositeAlarm'])],
    },
  },
  {
    revision: ParallelClusterVersion.V3_9,
    changes: {
      // 3.9.1: updating the head node removes tags from it.
      'user.base': [addActions('EC2Write', '3.9.1', ['ec2:DeleteTags'])],
      'computeNode': [
        // 3.9.0: compute nodes record their status (shared storage updates) in the cluster's table and
        // read their own stack's resources.
        addStatements('3.9.0', (ctx) => [
          allow('DynamoDBNodeStatus', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            [ctx.arn('dynamodb', ctx.region, PCLUSTER_RESOURCES.tables)]),
          allow('CloudFormationDescribeStackResource', ['cloudformation:DescribeStackResource'],
            [ctx.arn('cloudformation', ctx.region, 'stack/*/*')]),
        ]),
      ],
      'loginNode': [
        // 3.9.0: login nodes record their status like compute nodes.
        addStatements('3.9.0', (ctx) => [
          allow('DynamoDBNodeStatus', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            [ctx.arn('dynamodb', ctx.region, PCLUSTER_RESOURCES.tables)]),
          allow('CloudFormation', ['cloudformation:DescribeStackResource'],
            [ctx.arn('cloudformation', ctx.region, 'stack/*/*')]),
        ]),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_11,
    changes: {
      'user.base': [
        // 3.11.0: the login nodes' target group health is read back.
        addActions('LoginNodesDescribe', '3.11.0', ['elasticloadbalancing:DescribeTargetHealth']),
        // 3.11.0: the first Auto Scaling group or load balancer of an account creates the services'
        // service-linked roles (upstream's test role allows it on any role; here only those two).
        addStatements('3.11.0', (ctx) => [
          allow('LoginNodesServiceLinkedRoles', ['iam:CreateServiceLinkedRole'], [
            ctx.iam('role', 'aws-service-role/autoscaling.amazonaws.com/*'),
            ctx.iam('role', 'aws-service-role/elasticloadbalancing.amazonaws.com/*'),
          ], {
            StringEquals: { 'iam:AWSServiceName': ['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com'] },
          }),
        ]),
      ],
      'loginNode': [
        // 3.11.0: login nodes read their stack and, with DCV on login nodes, the DCV license.
        addActions('CloudFormation', '3.11.0', ['cloudformation:DescribeStacks']),
        addStatements('3.11.0', (ctx) => [
          allow('DcvLicense', ['s3:GetObject'], [ctx.s3(`dcv-license.${ctx.region}/*`)]),
        ]),
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_13,
    changes: {
      // 3.13.0 (wheel templates/cdk_builder_utils.py, HeadNodeIamResources Sid Ec2): compute nodes take
      // their configuration from launch template user data, which the head node reads.
      'headNode.slurm': [addActions('EC2Describe', '3.13.0', ['ec2:DescribeLaunchTemplateVersions'])],
      'headNode.awsBatch': [addActions('EC2Describe', '3.13.0', ['ec2:DescribeLaunchTemplateVersions'])],
    },
  },
  {
    revision: ParallelClusterVersion.V3_14,
    changes: {
      // 3.14.0 (wheel imagebuilder_utils.py, the cleanup role's inline policy): the cleanup function
      // deletes only image stacks, which pcluster tags `parallelcluster:image_id`.
      'imageBuilder.cleanupLambda': [
        { kind: 'replaceStatement', release: '3.14.0', sid: 'CloudFormationDeleteStack', statements: cleanupDeleteImageStackStatements },
      ],
    },
  },
  {
    revision: ParallelClusterVersion.V3_15,
    changes: {
      // 3.15.0: cluster Tags become updatable (PRs #7255, #7267, #7296; release inferred from their
      // merge dates and the features they fix, which first ship in 3.15.0).
      'user.base': [
        addActions('DynamoDB', '3.15.0', ['dynamodb:UntagResource']),
        addActions('CloudWatchLogs', '3.15.0', ['logs:ListTagsForResource']),
        // DIFF: upstream grants these without a condition; here they need the resource to carry the
        // cluster-name tag, like the statement's other changes to existing resources.
        addActions('LoginNodes', '3.15.0', [
          'autoscaling:CreateOrUpdateTags',
          'autoscaling:DeleteTags',
          'elasticloadbalancing:AddTags',
          'elasticloadbalancing:RemoveTags',
          'elasticloadbalancing:ModifyTargetGroup',
        ]),
        // cloudwatch:TagResource is a service-side fix for every revision with alarms (service-fixes.ts).
        // DIFF (issue 18): the head node's alarms only, not `alarm:*` (the resources of CloudWatchAlarms).
        addActions('CloudWatchAlarms', '3.15.0', ['cloudwatch:UntagResource']),
      ],
      'user.iam.privileged': [addActions('IamRole', '3.15.0', ['iam:UntagRole'])],
      'user.iam.permissionsBoundary': [addActions('IamRole', '3.15.0', ['iam:UntagRole'])],
    },
  },
  {
    revision: ParallelClusterVersion.V3_16,
    changes: {
      // 3.16.0 (wheel models/login_nodes_status.py, aws/resource_groups_tagging_api.py; PR #7361):
      // describe-cluster finds the login nodes' load balancers through the Resource Groups Tagging API.
      'user.base': [
        addActions('ResourceGroupRead', '3.16.0', ['tag:GetResources']),
      ],
      // 3.16.0 removed the AWS Batch scheduler: user.batch, headNode.awsBatch and
      // lambdaFunctions.awsBatch are refused from V3_16 on (src/private/pcluster-rules.ts), and the
      // managed policies only AWS Batch clusters attached leave the user's allow-list.
      'user.iam.privileged': [DETACH_BATCH_POLICIES],
      'user.iam.permissionsBoundary': [DETACH_BATCH_POLICIES],
    },
  },
];

/** Whether `block` is one `revise` knows. */
export function isPolicyBlock(block: string): block is PolicyBlock {
  return (POLICY_BLOCKS as ReadonlyArray<string>).includes(block);
}

/**
 * The statements of `block` for ParallelCluster `version`: `statements` (the block's factory output,
 * the doc revision) with the changes of every revision up to `version` applied. Statements no change
 * touches are returned as they are; changed ones are copies, so the input is never modified.
 *
 * Throws if a change names a Sid the block does not have, or leaves two statements with one Sid:
 * both mean the factory and this file disagree.
 */
export function revise(
  block: string,
  statements: iam.PolicyStatement[],
  ctx: PolicyContext,
  version: ParallelClusterVersion,
): iam.PolicyStatement[] {
  if (!isPolicyBlock(block)) {
    throw new Error(`Unknown policy block '${block}': use one of ${POLICY_BLOCKS.join(', ')}.`);
  }
  let result = [...statements];
  for (const { revision, changes } of REVISIONS) {
    if (!version.isAtLeast(revision)) {
      break;
    }
    for (const change of changes[block] ?? []) {
      result = applyChange(result, change, ctx, `${block} (${revision}, ParallelCluster ${change.release})`);
    }
  }
  const sids = result.map((s) => s.sid);
  const duplicate = sids.find((sid, i) => sids.indexOf(sid) !== i);
  if (duplicate !== undefined) {
    throw new Error(`Policy block ${block} at ${version} has two statements with Sid '${duplicate}': give the added statement another Sid in src/policies/revisions.ts.`);
  }
  return result;
}

/** One change applied to `statements` (copies; the input is never modified). `where` names it in errors. */
export function applyChange(statements: iam.PolicyStatement[], change: PolicyChange, ctx: PolicyContext, where: string): iam.PolicyStatement[] {
  const indexOf = (sid: string): number => {
    const index = statements.findIndex((s) => s.sid === sid);
    if (index < 0) {
      throw new Error(
        `${where}: no statement with Sid '${sid}' among ${statements.map((s) => s.sid).join(', ')}. ` +
        'The statement factory and src/policies/revisions.ts disagree; fix the Sid in one of them.',
      );
    }
    return index;
  };
  const replaceAt = (index: number, replacement: iam.PolicyStatement[]): iam.PolicyStatement[] =>
    [...statements.slice(0, index), ...replacement, ...statements.slice(index + 1)];

  switch (change.kind) {
    case 'addActions': {
      if (change.ifPresent && !statements.some((s) => s.sid === change.sid)) {
        return statements;
      }
      const index = indexOf(change.sid);
      const statement = statements[index];
      return replaceAt(index, [statement.copy({ actions: [...statement.actions, ...change.actions] })]);
    }
    case 'addStatements':
      return [...statements, ...change.statements(ctx)];
    case 'replaceStatement':
      return replaceAt(indexOf(change.sid), change.statements(ctx));
    case 'removeStatements': {
      change.sids.forEach(indexOf);
      return statements.filter((s) => !change.sids.includes(s.sid!));
    }
    case 'addConditionValues': {
      const index = indexOf(change.sid);
      const statement = statements[index];
      const conditions = statement.conditions as Record<string, Record<string, unknown>>;
      const operator = conditions[change.operator];
      const existing = operator?.[change.key];
      if (existing === undefined) {
        throw new Error(`${where}: statement '${change.sid}' has no ${change.operator} condition on ${change.key} to extend.`);
      }
      const values = [...(Array.isArray(existing) ? existing : [existing]), ...change.values(ctx)];
      return replaceAt(index, [statement.copy({
        conditions: { ...conditions, [change.operator]: { ...operator, [change.key]: values } },
      })]);
    }
    case 'removeConditionValues': {
      const index = indexOf(change.sid);
      const statement = statements[index];
      const conditions = statement.conditions as Record<string, Record<string, unknown>>;
      const operator = conditions[change.operator];
      const existing = operator?.[change.key];
      const current: unknown[] = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
      // Values are compared as the template will hold them: each resolved once, not once per comparison.
      const key = (value: unknown): string => JSON.stringify(ctx.stack.resolve(value));
      const currentKeys = current.map(key);
      const removeKeys = new Set(change.values(ctx).map(key));
      const missing = [...removeKeys].filter((k) => !currentKeys.includes(k));
      if (missing.length > 0) {
        throw new Error(`${where}: statement '${change.sid}' has no ${change.operator} ${change.key} value ${missing.join(', ')} to remove.`);
      }
      const values = current.filter((_, i) => !removeKeys.has(currentKeys[i]));
      return replaceAt(index, [statement.copy({
        conditions: { ...conditions, [change.operator]: { ...operator, [change.key]: values } },
      })]);
    }
  }
}
