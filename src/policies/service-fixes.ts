import { PolicyContext } from './context';
import { cleanupDeleteLogGroupStatements } from './image-builder-policies';
import { PolicyBlock, PolicyChange, applyChange } from './revisions';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { iam } from '../private/cdk';

/*
 * Changes on the AWS side that break ParallelCluster releases whatever their version: a service starts
 * authorizing an action another way, or CloudFormation starts making calls it did not make. Unlike the
 * release changes in revisions.ts, each applies to every revision that has the feature (from `since`),
 * and `policyBlock` applies it after the revisions. `revise` alone still gives the releases as they
 * were, so the doc revision V3_2 stays the doc apart from these fixes (listed in docs/revisions.md).
 */

/** One AWS-side change and the policy change that keeps ParallelCluster working after it. */
export interface ServiceFix {
  /** A short, stable name. */
  readonly id: string;
  /** When the AWS-side change took effect (or was first reported), `YYYY-MM-DD`. */
  readonly date: string;
  /** Where it is described: upstream issues, PRs or wiki pages. */
  readonly source: string;
  /** What changed on the AWS side, and what the fix grants. */
  readonly description: string;
  /** The oldest revision with the feature: the fix applies to it and every later revision. */
  readonly since: ParallelClusterVersion;
  /** The changes, by block. The `release` of each change is `service`. */
  readonly changes: Partial<Record<PolicyBlock, PolicyChange[]>>;
}

const SERVICE = 'service';

/** Every service-side fix, oldest feature first. */
export const SERVICE_FIXES: ReadonlyArray<ServiceFix> = [
  {
    id: 'cleanup-lambda-reads',
    date: '2025-11-06',
    source: 'aws/aws-parallelcluster#7087 (cherry-picked as #7099, shipped in 3.14.1)',
    description:
      'Deleting an image stack fails: CloudFormation reads the stack\'s Lambda function and its resource policy ' +
      '(`lambda:GetFunction`, `lambda:GetPolicy`) with the cleanup role\'s credentials before deleting them. The ' +
      'function and its template did not change between 3.14.0 and 3.14.1 (wheel diff), so the calls are ' +
      'CloudFormation\'s and every release needs them.',
    since: ParallelClusterVersion.V3_2,
    changes: {
      'imageBuilder.cleanupLambda': [
        { kind: 'addActions', release: SERVICE, sid: 'LambdaDeleteFunction', actions: ['lambda:GetFunction', 'lambda:GetPolicy'] },
      ],
      // The same deletion run by `pcluster delete-image` (models/imagebuilder.py:555) is made with the user's
      // credentials: the user already has lambda:GetFunction on the image function (ImageLambda), not GetPolicy.
      'user.imageBuilder': [
        { kind: 'addActions', release: SERVICE, sid: 'ImageLambda', actions: ['lambda:GetPolicy'] },
      ],
    },
  },
  {
    id: 'log-group-arn',
    date: '2026-11-19',
    source: 'aws/aws-parallelcluster wiki "(3.0.0-3.16.2) Build image stack deletion failure"',
    description:
      'CloudWatch Logs authorizes log-group actions on the log group\'s ARN (`log-group:<name>`); the log-stream ' +
      'pattern `log-group:<name>:*`, which the cleanup role had, no longer grants `logs:DeleteLogGroup`, and ' +
      'image stacks end in DELETE_FAILED. The fix grants both forms.',
    since: ParallelClusterVersion.V3_2,
    changes: {
      'imageBuilder.cleanupLambda': [
        { kind: 'replaceStatement', release: SERVICE, sid: 'CloudWatchLogsDeleteLogGroup', statements: cleanupDeleteLogGroupStatements },
      ],
    },
  },
  {
    id: 'alarm-tagging',
    date: '2026-08-29',
    source: 'aws/aws-parallelcluster#7331 and PR #7296; aws-samples/aws-eda-slurm-cluster#340',
    description:
      'CloudFormation tags CloudWatch alarms with the stack\'s tags, which needs `cloudwatch:TagResource`; missing ' +
      'it was a warning from about July 2025 and fails the head node\'s alarms (CREATE_FAILED) since. Every release ' +
      'with alarms (3.6+) needs it; the fix grants it on alarms only.',
    since: ParallelClusterVersion.V3_6,
    changes: {
      'user.base': [
        // The head node's alarms only (issue 18), not `alarm:*`: the resources of CloudWatchAlarms.
        { kind: 'addActions', release: SERVICE, sid: 'CloudWatchAlarms', actions: ['cloudwatch:TagResource'] },
      ],
    },
  },
  {
    id: 'listener-tagging',
    date: '2026-07-16',
    source: 'aws/aws-parallelcluster#7491 ("(3.7.0-3.15.1) Cannot deploy login nodes"), fixed upstream by PR #7490 in 3.16.0',
    description:
      'CloudFormation now tags the login nodes\' load balancer listener (`AWS::ElasticLoadBalancingV2::Listener`) ' +
      'with the stack\'s tags as it creates it, which ELB authorizes as `elasticloadbalancing:AddTags` with ' +
      '`elasticloadbalancing:CreateAction` `CreateListener`. The fix allows that tagging when the request carries ' +
      'the cluster-name tag (the user\'s own tags may come with it).',
    since: ParallelClusterVersion.V3_7,
    changes: {
      'user.base': [
        {
          kind: 'addConditionValues',
          release: SERVICE,
          sid: 'LoginNodesTagOnCreate',
          operator: 'StringEquals',
          key: 'elasticloadbalancing:CreateAction',
          values: () => ['CreateListener'],
        },
      ],
    },
  },
];

/** `statements` (a block at `version`, revised) with every service fix the revision needs applied. */
export function applyServiceFixes(
  block: PolicyBlock,
  statements: iam.PolicyStatement[],
  ctx: PolicyContext,
  version: ParallelClusterVersion,
): iam.PolicyStatement[] {
  let result = statements;
  for (const fix of SERVICE_FIXES) {
    if (!version.isAtLeast(fix.since)) {
      continue;
    }
    for (const change of fix.changes[block] ?? []) {
      result = applyChange(result, change, ctx, `${block} (${version}, service fix ${fix.id})`);
    }
  }
  return result;
}
