import { PolicyContext, allow } from './context';
import { getSecretValueStatements } from './head-node-policies';
import { iam } from '../private/cdk';
import { PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * Statements of the compute node role: the seed doc's section "Compute nodes IAM role" (block
 * `computeNode` of shared/reference/seed-policies.json). The construct wiring lives in
 * ../compute-node-role.ts. Deliberate differences from the doc are marked `DIFF:`.
 */

/** Block `computeNode`: the compute nodes of a Slurm queue. */
export function computeNodeStatements(ctx: PolicyContext, secretArns: string[]): iam.PolicyStatement[] {
  return [
    allow('DynamoDBQuery', ['dynamodb:Query'], [ctx.arn('dynamodb', ctx.region, PCLUSTER_RESOURCES.tables)]),
    allow('S3ParallelClusterObjects', ['s3:GetObject'], [ctx.s3(`${ctx.region}-aws-parallelcluster/*`)]),
    allow('EC2DescribeInstanceAttribute', ['ec2:DescribeInstanceAttribute'], ['*']),
    // DIFF: the doc's compute block reads no secret; the statement is only there when the caller
    // names secrets that software on the compute nodes reads (custom actions, for example).
    ...getSecretValueStatements(secretArns),
  ];
}
