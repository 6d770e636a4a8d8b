import { PolicyContext, allow } from './context';
import { clusterRecordStatement, terminateComputeNodesStatement } from './head-node-policies';
import { iam } from '../private/cdk';
import { PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * Statements of the role of the cluster's Lambda functions: the seed doc's section "AWS Lambda
 * functions role" (block `lambdaFunctions` of shared/reference/seed-policies.json, written for Slurm
 * clusters). The construct wiring lives in ../lambda-functions-role.ts.
 */

/** Block `lambdaFunctions`: the functions that clean up DNS records, compute nodes and the cluster bucket. */
export function lambdaFunctionsStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    // The cleanup function lists the zone's records and deletes the cluster's A records
    // (resources/custom_resources/custom_resources_code/cleanup_resources.py:23-71).
    allow('Route53', ['route53:ListResourceRecordSets'], [ctx.arn('route53', '', 'hostedzone/*', '')]),
    // DIFF (issue 18, finding 6): the doc allows changing any record of any zone (run a function as this
    // role and rewrite a public zone); only ParallelCluster's record names (see clusterRecordStatement).
    clusterRecordStatement('Route53ChangeClusterRecords', ['route53:ChangeResourceRecordSets'], [ctx.arn('route53', '', 'hostedzone/*', '')]),
    allow('CloudWatchLogs', ['logs:CreateLogStream', 'logs:PutLogEvents'],
      [ctx.arn('logs', ctx.region, PCLUSTER_RESOURCES.clusterFunctionLogGroups)]),
    allow('EC2DescribeInstances', ['ec2:DescribeInstances'], ['*']),
    terminateComputeNodesStatement(),
    allow('S3ClusterBucketCleanup', [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:ListBucket',
      's3:ListBucketVersions',
    ], [
      ctx.s3(PCLUSTER_RESOURCES.resourcesBucket),
      ctx.s3(PCLUSTER_RESOURCES.resourcesBucketObjects),
    // DIFF: the cluster bucket is in the cluster's account; the doc's pattern matches any account's.
    ], { StringEquals: { 'aws:ResourceAccount': ctx.account } }),
  ];
}
