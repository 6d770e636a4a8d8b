import { iam, Token } from '../private/cdk';

/*
 * The `Region` parameter of ParallelCluster's official policies template
 * (cloudformation/policies/parallelcluster-policies.yaml): a user who only works in one region gets
 * policies that only work there. Two rules, applied to finished statements so that the factories stay
 * the doc's:
 * - an ARN whose region is `*` gets the region instead (and so does the `*-aws-parallelcluster`
 *   bucket of ParallelCluster's regional artifacts);
 * - a statement of a regional service that still covers every region (resource `*`, an S3 ARN, which
 *   has no region, or a value only known at deploy time) gets `StringEquals aws:RequestedRegion`.
 * IAM and Route 53 are global: their requests are all made to us-east-1 (or the partition's global
 * region), so a region condition would deny them. Their statements are never changed.
 */

/** Services whose requests are not made to the region the cluster is in. */
const GLOBAL_SERVICES = new Set(['iam', 'route53']);

/** S3 buckets named after their region, written `*-<suffix>` by the factories. */
const REGION_PREFIXED_BUCKETS = ['-aws-parallelcluster'];

/** A region as AWS writes it: `us-east-1`, `cn-north-1`, `us-gov-west-1`, `us-isob-east-1`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Checks a value for the `region` option: a region name, or a token (a CloudFormation parameter, for
 * example). `what` names the option in the message.
 */
export function validateScopeRegion(what: string, region: string): void {
  if (!Token.isUnresolved(region) && !REGION.test(region)) {
    throw new Error(
      `${what} '${region}' is not an AWS region: write it as AWS does, for example 'us-east-1' ` +
      '(or leave it unset for policies that work in every region).',
    );
  }
}

/**
 * The statements scoped to `region` (see the file comment). Statements that need no change are
 * returned as they are; changed ones are copies. `region` is validated with `validateScopeRegion`.
 */
export function scopeToRegion(statements: iam.PolicyStatement[], region: string): iam.PolicyStatement[] {
  validateScopeRegion('region', region);
  return statements.map((statement) => scopeStatement(statement, region));
}

function scopeStatement(statement: iam.PolicyStatement, region: string): iam.PolicyStatement {
  const services = statement.actions.map((action) => action.split(':')[0].toLowerCase());
  if (services.length === 0 || services.some((service) => GLOBAL_SERVICES.has(service))) {
    // NotAction statements cannot be judged, and a region condition would break the global actions.
    return statement;
  }
  const resources = statement.resources.map((resource) => regionalArn(resource, region));
  const needsCondition = resources.some((resource) => !isRegionSpecific(resource));
  const resourcesChanged = resources.some((resource, i) => resource !== statement.resources[i]);
  if (!needsCondition && !resourcesChanged) {
    return statement;
  }
  const conditions = statement.conditions as Record<string, Record<string, unknown>>;
  return statement.copy({
    resources,
    conditions: needsCondition
      ? { ...conditions, StringEquals: { ...(conditions.StringEquals ?? {}), 'aws:RequestedRegion': [region] } }
      : conditions,
  });
}

/** The ARN with `region` in place of a `*` region (and of the `*` of region-prefixed buckets). */
function regionalArn(resource: string, region: string): string {
  const parts = resource.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return resource;
  }
  const service = parts[2];
  if (parts[3] === '*' && !GLOBAL_SERVICES.has(service)) {
    parts[3] = region;
  }
  if (service === 's3') {
    const bucketAndKey = parts.slice(5).join(':');
    for (const suffix of REGION_PREFIXED_BUCKETS) {
      if (bucketAndKey.startsWith(`*${suffix}`)) {
        return [...parts.slice(0, 5), `${region}${bucketAndKey.substring(1)}`].join(':');
      }
    }
  }
  return parts.join(':');
}

/**
 * Whether a resource can only be in one region: an ARN whose region field is a region (or a token).
 * `*`, S3 ARNs (no region field) and whole-value tokens (their ARN is unknown) may be anywhere.
 */
function isRegionSpecific(resource: string): boolean {
  const parts = resource.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') {
    return false;
  }
  return parts[3] !== '' && !parts[3].includes('*');
}
