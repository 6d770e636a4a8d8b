import * as iam from 'aws-cdk-lib/aws-iam';
import { PolicyContext, allow } from './context';

/*
 * Statements of the roles of `pcluster build-image`: the seed doc's sections "Instance role for EC2
 * Image Builder" and "AWS Lambda cleanup role" (blocks `imageBuilder.instanceRole` and
 * `imageBuilder.cleanupLambda` of shared/reference/seed-policies.json). The construct wiring lives in
 * ../image-builder-roles.ts. Deliberate differences from the doc are marked `DIFF:`.
 */

/** Block `imageBuilder.instanceRole`: the EC2 instance that builds the image. */
export function imageBuilderInstanceStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    allow('EC2ImageTagsAndAttributes', ['ec2:CreateTags', 'ec2:ModifyImageAttribute'], [imagesInRegion(ctx)]),
  ];
}

/** Block `imageBuilder.cleanupLambda`: the function that deletes the build's resources once it ends. */
export function imageBuilderCleanupLambdaStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  const imageBuilder = (resource: string) => ctx.arn('imagebuilder', ctx.region, resource);
  return [
    allow('IamDeleteRoles', ['iam:DetachRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePolicy'], [ctx.rolesOnPath]),
    allow('IamDeleteInstanceProfiles', ['iam:DeleteInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      [ctx.instanceProfilesOnPath]),
    allow('ImageBuilderDeleteInfrastructureConfiguration', ['imagebuilder:DeleteInfrastructureConfiguration'],
      [imageBuilder('infrastructure-configuration/parallelclusterimage-*')]),
    allow('ImageBuilderDeleteComponent', ['imagebuilder:DeleteComponent'],
      [imageBuilder('component/parallelclusterimage-*/*')]),
    allow('ImageBuilderDeleteImageRecipe', ['imagebuilder:DeleteImageRecipe'],
      [imageBuilder('image-recipe/parallelclusterimage-*/*')]),
    allow('ImageBuilderDeleteDistributionConfiguration', ['imagebuilder:DeleteDistributionConfiguration'],
      [imageBuilder('distribution-configuration/parallelclusterimage-*')]),
    allow('ImageBuilderImage', ['imagebuilder:DeleteImage', 'imagebuilder:GetImage', 'imagebuilder:CancelImageCreation'],
      [imageBuilder('image/parallelclusterimage-*/*')]),
    allow('CloudFormationDeleteStack', ['cloudformation:DeleteStack'], [ctx.arn('cloudformation', ctx.region, 'stack/*/*')]),
    allow('EC2TagImages', ['ec2:CreateTags'], [imagesInRegion(ctx)]),
    allow('TagResources', ['tag:TagResources'], ['*']),
    allow('LambdaDeleteFunction', ['lambda:DeleteFunction', 'lambda:RemovePermission'],
      [ctx.arn('lambda', ctx.region, 'function:ParallelClusterImage-*')]),
    allow('CloudWatchLogsDeleteLogGroup', ['logs:DeleteLogGroup'],
      [ctx.arn('logs', ctx.region, 'log-group:/aws/lambda/ParallelClusterImage-*:*')]),
    // DIFF: the doc writes `SNS:`; IAM ignores the case of actions, the library writes `sns:` throughout.
    allow('SNSDeleteTopic', [
      'sns:GetTopicAttributes',
      'sns:DeleteTopic',
      'sns:GetSubscriptionAttributes',
      'sns:Unsubscribe',
    ], [ctx.arn('sns', ctx.region, 'ParallelClusterImage-*')]),
  ];
}

/**
 * ParallelCluster 3.14+ (wheel imagebuilder_utils.py): the cleanup function deletes only stacks tagged
 * `parallelcluster:image_id`, the tag pcluster puts on every image stack. Replaces the doc's
 * `CloudFormationDeleteStack` from revision V3_14 on.
 *
 * DIFF: upstream writes `ForAnyValue:StringLike` on `cloudformation:ResourceTag/parallelcluster:image_id`;
 * the library uses the global key `aws:ResourceTag/...` with `StringLike`, which fails when the stack
 * has no such tag (a `ForAnyValue` operator is meant for multivalued keys).
 */
export function cleanupDeleteImageStackStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    allow('CloudFormationDeleteStack', ['cloudformation:DeleteStack'], [ctx.arn('cloudformation', ctx.region, 'stack/*/*')], {
      StringLike: { [`aws:ResourceTag/${IMAGE_ID_TAG}`]: '*' },
    }),
  ];
}

/**
 * The cleanup function's `logs:DeleteLogGroup`, on the log group's ARN as CloudWatch Logs now
 * authorizes it (`log-group:<name>`), and on the doc's `log-group:<name>:*` as it authorized it before
 * (service-fixes.ts).
 */
export function cleanupDeleteLogGroupStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    allow('CloudWatchLogsDeleteLogGroup', ['logs:DeleteLogGroup'], [
      ctx.arn('logs', ctx.region, 'log-group:/aws/lambda/ParallelClusterImage-*'),
      ctx.arn('logs', ctx.region, 'log-group:/aws/lambda/ParallelClusterImage-*:*'),
    ]),
  ];
}

/** The tag pcluster puts on every image stack (`PCLUSTER_IMAGE_ID_TAG`). */
const IMAGE_ID_TAG = 'parallelcluster:image_id';

/** `arn:P:ec2:<REGION>::image/*`: AMIs have no account in their ARN. */
function imagesInRegion(ctx: PolicyContext): string {
  return ctx.arn('ec2', ctx.region, 'image/*', '');
}
