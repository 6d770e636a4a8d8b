import { ArnFormat, Construct, iam, Stack } from '../private/cdk';
import { PROVIDER_FUNCTION_PREFIX } from '../private/pcluster-rules';
import { validateManagedPolicyCount } from '../private/role-quotas';

/*
 * The role the provider's Lambda functions run as (the provider stack's `CustomLambdaRole` parameter):
 * assumed by Lambda, carrying
 *   - each cluster's scoped ParallelCluster user policies (the `ParallelClusterUserRole` policies of the
 *     cluster's `ParallelClusterIam`: create, update, delete and describe that cluster only, and pass only
 *     the roles on that cluster's IAM path), attached by the cluster; and
 *   - the provider-runtime statements below, which the provider template gives its own default role
 *     (EventsPolicy, S3Policy, AWSLambdaBasicExecutionRole) and which a custom role must carry itself.
 *
 * Facts: aws/aws-parallelcluster cloudformation/custom_resource/cluster.yaml (the template the docs page
 * "cfn-provider-stack" nests; the 3.16.1 copy is served from ParallelCluster's bucket, the repository's
 * copy reads the same for these lines) and the crhelper of the 3.16.1 wheel
 * (pcluster/resources/custom_resources/custom_resources_code/crhelper/resource_helper.py).
 */

/** Properties of the provider role. */
export interface ProviderRoleProps {
  /** A permissions boundary for the role. */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/**
 * The start of the names CloudFormation generates for the provider stack's bucket and cleanup function.
 *
 * A nested stack is named `<parent stack>-<logical id>-<suffix>`, and a generated resource name starts
 * with its stack's name, cut so that the name fits (an S3 bucket name, 63 characters, lower case, also
 * holds `pclustercustomresourcebucket` and a random suffix): so the first characters of the parent
 * stack's name start those names. UNVERIFIED on a real account (the cut is CloudFormation's); 16
 * characters leave room for the logical id and the suffix.
 */
export function generatedNamePrefix(stack: Stack): string {
  const name = stack.stackName;
  return name.length <= 16 ? `${name}-` : name.substring(0, 16);
}

/** The provider-runtime statements a custom `CustomLambdaRole` needs, except the per-cluster rules. */
export function providerRuntimeStatements(stack: Stack): iam.PolicyStatement[] {
  const prefix = generatedNamePrefix(stack);
  const bucket = prefix.toLowerCase();
  const s3 = (resource: string) => stack.formatArn({ service: 's3', region: '', account: '', resource });
  const logGroup = (name: string) => stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  return [
    // The provider function writes to its own log group, which the template creates
    // (`PclusterCfnFunctionLogGroup`, /aws/lambda/pcluster-cfn-<stack id>); the cleanup function's group
    // (`CleanupS3bucketFunction`, a generated name) is created by Lambda on first use. The default role
    // has AWSLambdaBasicExecutionRole (template `PclusterLambdaRole`).
    new iam.PolicyStatement({
      sid: 'ProviderLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [
        logGroup(`/aws/lambda/${PROVIDER_FUNCTION_PREFIX}*`),
        logGroup(`/aws/lambda/${PROVIDER_FUNCTION_PREFIX}*:log-stream:*`),
        logGroup(`/aws/lambda/${prefix}*`),
        logGroup(`/aws/lambda/${prefix}*:log-stream:*`),
      ],
    }),
    // `TracingConfig: Mode: Active` on PclusterCfnFunction: Lambda sends traces with the function's role.
    // The default role lacks these (unverified whether Lambda needs them for this template).
    new iam.PolicyStatement({
      sid: 'ProviderXRay',
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      resources: ['*'],
    }),
    // The provider bucket (`PclusterCustomResourceBucket`, a generated name, no output): the function
    // puts, reads and deletes `<ClusterName>/event.json`; the cleanup function empties the bucket,
    // versions included (`bucket.objects.all().delete()`, `bucket.object_versions.delete()`).
    new iam.PolicyStatement({
      sid: 'ProviderBucketObjects',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [s3(`${bucket}*/*`)],
    }),
    new iam.PolicyStatement({
      sid: 'ProviderBucketList',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [s3(`${bucket}*`)],
    }),
    // crhelper lets EventBridge invoke the function every 2 minutes while it polls
    // (resource_helper.py:269-278 AddPermission, 310-314 RemovePermission on the function itself).
    new iam.PolicyStatement({
      sid: 'ProviderPollingPermission',
      actions: ['lambda:AddPermission', 'lambda:RemovePermission'],
      resources: [stack.formatArn({
        service: 'lambda',
        resource: 'function',
        resourceName: `${PROVIDER_FUNCTION_PREFIX}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }),
    // The tags of the stack holding the cluster resource are merged into the cluster's tags
    // (`get_stack_tags(event['StackId'])`).
    new iam.PolicyStatement({
      sid: 'ProviderParentStackTags',
      actions: ['cloudformation:DescribeStacks'],
      resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stack.stackName}/*` })],
    }),
  ];
}

/**
 * The EventBridge rules crhelper creates while it polls one cluster resource: named after the
 * resource's logical id plus 8 random characters (resource_helper.py:280-286), so they are limited to
 * that resource.
 */
export function providerPollingRuleStatement(stack: Stack, logicalId: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutRule', 'events:DeleteRule', 'events:PutTargets', 'events:RemoveTargets'],
    resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: `${logicalId}*` })],
  });
}

/** The role the provider's functions run as: assumed by Lambda; each cluster attaches its policies. */
export class ProviderRole extends Construct {
  public readonly role: iam.Role;
  public readonly runtimePolicy: iam.Policy;
  public readonly permissionsBoundary?: iam.IManagedPolicy;

  constructor(scope: Construct, id: string, props: ProviderRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.permissionsBoundary = props.permissionsBoundary;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      permissionsBoundary: props.permissionsBoundary,
      description: 'Runs ParallelCluster\'s CloudFormation custom resource provider (least privilege, per cluster)',
    });
    // Each cluster of the provider attaches its user policies (two or three): past IAM's quota the
    // deployment would fail, so synthesis does.
    validateManagedPolicyCount(this.role, 'Each ParallelCluster of a stack and release attaches its user policies to the shared ' +
      'provider role: put some clusters in another stack (each stack has its own provider).');
    this.runtimePolicy = new iam.Policy(this, 'RuntimePolicy', {
      statements: providerRuntimeStatements(stack),
      roles: [this.role],
    });
  }
}
