import { PolicyContext, allow } from './context';
import { iam } from '../private/cdk';
import { IMAGE_BUILDER_ARN_TAG, IMAGE_ID_TAG, PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * Statements of the roles of `pcluster build-image`: the seed doc's sections "Instance role for EC2
 * Image Builder" and "AWS Lambda cleanup role" (blocks `imageBuilder.instanceRole` and
 * `imageBuilder.cleanupLambda` of shared/reference/seed-policies.json). The construct wiring lives in
 * ../image-builder-roles.ts. Deliberate differences from the doc are marked `DIFF:`.
 */

/** The prefix of the names ParallelCluster gives an image stack's resources (`IMAGEBUILDER_RESOURCE_NAME_PREFIX`). */
const IMAGE_RESOURCE_PREFIX = 'ParallelClusterImage';

/** Block `imageBuilder.instanceRole`: the EC2 instance that builds the image. */
export function imageBuilderInstanceStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    // DIFF: the doc lets the build instance modify any AMI of the account (make it public, share it). Its
    // only caller is the ParallelClusterTag component (pcluster/resources/imagebuilder/parallelcluster_tag.yaml),
    // which sets the description of the AMI under test: an AMI EC2 Image Builder created for a
    // ParallelCluster image, tagged with its Image Builder ARN (`image/parallelclusterimage-*`). The
    // component tolerates a refusal (`|| echo`), so a build never fails on it.
    // DIFF (issue 18, finding 4): CreateTags too only on those AMIs. On any AMI, the role could forge the
    // Image Builder tag on someone else's AMI and then modify it (make it public). The component tags the
    // AMI under test, which Image Builder created and tagged (parallelcluster_tag.yaml:104-112).
    allow('EC2ImageTagsAndAttributes', ['ec2:CreateTags'], [imagesInRegion(ctx)], parallelClusterImage(ctx)),
    allow('EC2ModifyParallelClusterImages', ['ec2:ModifyImageAttribute'], [imagesInRegion(ctx)], parallelClusterImage(ctx)),
  ];
}

/** Block `imageBuilder.cleanupLambda`: the function that deletes the build's resources once it ends. */
export function imageBuilderCleanupLambdaStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  const imageBuilder = (resource: string) => ctx.arn('imagebuilder', ctx.region, resource);
  return [
    // DIFF: the doc (and ParallelCluster's own cleanup role) may delete every role and instance profile on
    // the path, which lets a compromised build function strip or delete the cluster roles. Deleting the
    // image stack deletes only the build's own role and profile, both named
    // `ParallelClusterImage-<stack id>` (pcluster/templates/imagebuilder_stack.py `_add_instance_role`,
    // `_add_instance_profile`, `_build_resource_name`, 3.16.1).
    allow('IamDeleteRoles', ['iam:DetachRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePolicy'],
      [ctx.roleOnPath(`${IMAGE_RESOURCE_PREFIX}-*`)]),
    allow('IamDeleteInstanceProfiles', ['iam:DeleteInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      [ctx.instanceProfileOnPath(`${IMAGE_RESOURCE_PREFIX}-*`)]),
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
    // DIFF (issue 18, finding 5): every revision deletes only image stacks (tag `parallelcluster:image_id`),
    // as ParallelCluster does from 3.14 on (see cleanupDeleteImageStackStatements); before, the role, which
    // the user passes to a function of their own, deleted any stack of the region.
    ...cleanupDeleteImageStackStatements(ctx),
    // DIFF (issue 18, finding 4): the function tags the AMIs of its build, which Image Builder created and
    // tagged with their Image Builder image (resources/custom_resources/custom_resources_code/
    // delete_image_stack.py:24-45, through the Resource Groups Tagging API, which calls ec2:CreateTags with
    // these credentials): only AMIs that carry the Image Builder tag of a ParallelCluster image.
    allow('EC2TagImages', ['ec2:CreateTags'], [imagesInRegion(ctx)], parallelClusterImage(ctx)),
    allow('TagResources', ['tag:TagResources'], ['*']),
    allow('LambdaDeleteFunction', ['lambda:DeleteFunction', 'lambda:RemovePermission'],
      [ctx.arn('lambda', ctx.region, PCLUSTER_RESOURCES.imageFunctions)]),
    allow('CloudWatchLogsDeleteLogGroup', ['logs:DeleteLogGroup'],
      [ctx.arn('logs', ctx.region, PCLUSTER_RESOURCES.imageFunctionLogStreams)]),
    // DIFF: the doc writes `SNS:`; IAM ignores the case of actions, the library writes `sns:` throughout.
    allow('SNSDeleteTopic', [
      'sns:GetTopicAttributes',
      'sns:DeleteTopic',
      'sns:GetSubscriptionAttributes',
      'sns:Unsubscribe',
    ], [ctx.arn('sns', ctx.region, PCLUSTER_RESOURCES.imageResources)]),
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
      ctx.arn('logs', ctx.region, PCLUSTER_RESOURCES.imageFunctionLogGroups),
      ctx.arn('logs', ctx.region, PCLUSTER_RESOURCES.imageFunctionLogStreams),
    ]),
  ];
}

/**
 * AMIs that EC2 Image Builder created for a ParallelCluster image: tagged `Ec2ImageBuilderArn` with the
 * ARN of an Image Builder image `parallelclusterimage-*` of this account and region.
 */
function parallelClusterImage(ctx: PolicyContext): Record<string, Record<string, unknown>> {
  return {
    StringLike: { [`ec2:ResourceTag/${IMAGE_BUILDER_ARN_TAG}`]: ctx.arn('imagebuilder', ctx.region, 'image/parallelclusterimage-*') },
  };
}

/** `arn:P:ec2:<REGION>::image/*`: AMIs have no account in their ARN. */
function imagesInRegion(ctx: PolicyContext): string {
  return ctx.arn('ec2', ctx.region, 'image/*', '');
}
