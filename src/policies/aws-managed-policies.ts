/*
 * The AWS managed policies of the cluster and image roles: the seed doc's "minimal set of policies" for
 * each role (`awsManagedPolicies` in shared/reference/seed-policies.json), plus the Lambda VPC policy
 * ParallelCluster attaches when its functions run in a VPC. One place, so that a name is never spelled
 * twice; the constructs pass them to `iam.ManagedPolicy.fromAwsManagedPolicyName`, which builds the ARN
 * with the stack's partition.
 */

/** Lets the CloudWatch agent on the nodes publish logs and metrics. */
export const CLOUDWATCH_AGENT_SERVER_POLICY = 'CloudWatchAgentServerPolicy';

/** Lets the SSM Agent register the instance with Systems Manager (Session Manager, Run Command). */
export const SSM_MANAGED_INSTANCE_CORE = 'AmazonSSMManagedInstanceCore';

/** What the EC2 Image Builder build instance needs to report to Image Builder and read its components. */
export const EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER = 'EC2InstanceProfileForImageBuilder';

/** CloudWatch Logs for a Lambda function. */
export const LAMBDA_BASIC_EXECUTION_ROLE = 'service-role/AWSLambdaBasicExecutionRole';

/**
 * The network interfaces a Lambda function in a VPC needs. Not in the doc: ParallelCluster attaches
 * it to its own Lambda roles when `DeploymentSettings/LambdaFunctionsVpcConfig` is set.
 */
export const LAMBDA_VPC_ACCESS_EXECUTION_ROLE = 'service-role/AWSLambdaVPCAccessExecutionRole';

/** Options of the EC2 instance roles that switch an AWS managed policy on or off. */
export interface NodeManagedPolicyOptions {
  readonly enableCloudWatchAgent: boolean;
  readonly enableSessionManager: boolean;
}

/**
 * Blocks `headNode.slurm`, `headNode.awsBatch` and `computeNode`: the same two policies.
 *
 * DIFF: the doc calls both "minimal"; each can be turned off (ParallelCluster itself attaches only the
 * CloudWatch one, and only with CloudWatch logging on; Session Manager is optional).
 */
export function clusterNodeAwsManagedPolicies(options: NodeManagedPolicyOptions): string[] {
  return [
    ...(options.enableCloudWatchAgent ? [CLOUDWATCH_AGENT_SERVER_POLICY] : []),
    ...(options.enableSessionManager ? [SSM_MANAGED_INSTANCE_CORE] : []),
  ];
}

/** Block `imageBuilder.instanceRole`. */
export function imageBuilderInstanceAwsManagedPolicies(enableSessionManager: boolean): string[] {
  return [
    ...(enableSessionManager ? [SSM_MANAGED_INSTANCE_CORE] : []),
    EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER,
  ];
}

/**
 * Block `lambdaFunctions`: the doc lists none.
 *
 * DIFF: a function in a VPC needs the VPC access policy to create its network interfaces, as
 * ParallelCluster's own Lambda roles get it.
 */
export function lambdaFunctionsAwsManagedPolicies(lambdaFunctionsInVpc: boolean): string[] {
  return lambdaFunctionsInVpc ? [LAMBDA_VPC_ACCESS_EXECUTION_ROLE] : [];
}

/** Block `imageBuilder.cleanupLambda`. */
export function imageBuilderCleanupLambdaAwsManagedPolicies(lambdaFunctionsInVpc: boolean): string[] {
  return [
    LAMBDA_BASIC_EXECUTION_ROLE,
    ...lambdaFunctionsAwsManagedPolicies(lambdaFunctionsInVpc),
  ];
}
