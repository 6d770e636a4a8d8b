import {
  CLOUDWATCH_AGENT_SERVER_POLICY,
  EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER,
  LAMBDA_BASIC_EXECUTION_ROLE,
  SSM_MANAGED_INSTANCE_CORE,
} from './aws-managed-policies';
import { PolicyContext, allow, throughCloudFormation } from './context';
import { noNamedSnapshot } from './head-node-policies';
import { iam } from '../private/cdk';
import { CLUSTER_NAME_TAG, DEFAULT_IAM_PATH, IMAGE_BUILDER_ARN_TAG, IMAGE_ID_TAG, PCLUSTER_NAMES, PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * Statements of the ParallelCluster user policies: the seed doc's section "AWS ParallelCluster example
 * user policies" (blocks `user.*` of shared/reference/seed-policies.json). One factory per block; the
 * construct wiring lives in ../user-role.ts. Deliberate differences from the doc are marked `DIFF:` and
 * listed in docs/doc-differences.md.
 */

/** AWS managed policies ParallelCluster attaches to the roles it creates (privileged and boundary modes). */
export const ATTACHABLE_AWS_MANAGED_POLICIES = [
  CLOUDWATCH_AGENT_SERVER_POLICY,
  SSM_MANAGED_INSTANCE_CORE,
  'AWSBatchFullAccess',
  'AmazonS3ReadOnlyAccess',
  'service-role/AWSBatchServiceRole',
  'service-role/AmazonEC2ContainerServiceforEC2Role',
  'service-role/AmazonECSTaskExecutionRolePolicy',
  'service-role/AmazonEC2SpotFleetTaggingRole',
  EC2_INSTANCE_PROFILE_FOR_IMAGE_BUILDER,
  LAMBDA_BASIC_EXECUTION_ROLE,
];

/** Block `user.base`: what every ParallelCluster user needs to create and manage clusters. */
export function userBaseStatements(ctx: PolicyContext, secretArns: string[]): iam.PolicyStatement[] {
  const statements = [
    // With the doc's Route 53 reads (its `Route53HostedZones` statement, whose zone changes are
    // `Route53ZonesThroughCloudFormation` below): one statement of reads on `*` instead of two, for the IAM
    // quotas of the fullest user (test/proof/quota-budgets.test.ts).
    allow('EC2Read', [
      'ec2:Describe*',
      'route53:GetChange',
      'route53:GetHostedZone',
      'route53:ListResourceRecordSets',
      'route53:ListQueryLoggingConfigs',
    ], ['*']),
    // DIFF (issue 18, findings 3 and 7, section 4): the doc's EC2 write list on `*` lets the user change any
    // launch template (the next instance an Auto Scaling group launches runs the new user data with that
    // group's role), open any security group, swap an ENI's groups, move or release any Elastic IP,
    // snapshot and delete any volume, and tag-then-terminate any instance. pcluster itself makes only three
    // of these calls (see the statements below); everything else is CloudFormation creating, updating and
    // deleting the cluster stack's resources with the user's credentials (pcluster passes no service role,
    // pcluster/aws/cfn.py:31-99), so it is allowed only through CloudFormation (`throughCloudFormation`),
    // and the cluster stack's statements refuse resource import, so a stack only touches what it created.
    // Creations (new resources only): through CloudFormation, from the subnets, security groups and
    // snapshots the configuration names.
    allow('EC2CreateThroughCloudFormation', [
      'ec2:AllocateAddress',
      'ec2:CreateFleet',
      'ec2:CreateLaunchTemplate',
      'ec2:CreateNetworkInterface',
      'ec2:CreatePlacementGroup',
      'ec2:CreateSecurityGroup',
      'ec2:CreateVolume',
    ], ['*'], throughCloudFormation()),
    // Changes to EXISTING resources: only to the cluster's own, which carry the cluster-name tag. pcluster
    // creates the cluster stack with the tags `parallelcluster:cluster-name` and `parallelcluster:version`
    // (models/cluster.py:387-393 and 925-942; sent again with every update, cluster.py:898-903), and
    // CloudFormation gives the stack's tags to every resource of the stack (and of its nested stacks) that
    // takes tags: the security groups, the head node's ENI and Elastic IP, the EBS volumes, the placement
    // groups (templates/cluster_stack.py:592-611, 812, 880, 946, 972, 1209; queues_stack.py:121), whose
    // templates set no cluster tag of their own. The head node carries it from its template too
    // (cluster_stack.py:1563, cdk_builder_utils.py:156-206). Resources the configuration names and
    // pcluster does not create (an existing subnet, security group, Elastic IP) are only referred to:
    // see the statements that follow. `ec2:DeleteTags` joins this statement from 3.9.1 (revisions.ts).
    allow('EC2Write', [
      'ec2:AssociateAddress',
      'ec2:AttachNetworkInterface',
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:CreateSnapshot',
      'ec2:CreateTags',
      'ec2:DeleteNetworkInterface',
      'ec2:DeletePlacementGroup',
      'ec2:DeleteSecurityGroup',
      'ec2:DeleteVolume',
      'ec2:DisassociateAddress',
      'ec2:ModifyNetworkInterfaceAttribute',
      'ec2:ModifyVolume',
      'ec2:ModifyVolumeAttribute',
      'ec2:ReleaseAddress',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
    ], ['*'], { ...throughCloudFormation(), ...clusterTaggedEc2() }),
    // What the changes above refer to without changing it, and the launch templates; only through
    // CloudFormation, on these resource types (each action is authorized on its own types only, so one
    // statement grants no more than one per type, and keeps the user's policies within their quotas):
    // - an existing Elastic IP the configuration names (HeadNode/Networking/ElasticIp: the stack associates
    //   it with the head node's ENI, cluster_stack.py:601-611, and disassociates it on update and
    //   deletion; the ENI must be the cluster's, `EC2Write`);
    // - the security groups and subnet of the head node's ENI (SecurityGroups, AdditionalSecurityGroups:
    //   cluster_stack.py:588-599, set again on update);
    // - the new snapshot of a volume whose DeletionPolicy is Snapshot (cluster_stack.py:1221-1223,
    //   schemas/cluster_schema.py:241; the volume must be the cluster's);
    // - ParallelCluster's launch templates, which carry no tags (cdk_builder_utils.py:169-206 tags instances
    //   and volumes only; CloudFormation does not propagate stack tags to AWS::EC2::LaunchTemplate), so no
    //   tag condition can tell them apart: CloudFormation, which changes only the resources of its own
    //   stack (imports refused), is the only way to them.
    allow('EC2ThroughCloudFormationOnly', [
      'ec2:AssociateAddress',
      'ec2:CreateLaunchTemplateVersion',
      'ec2:CreateSnapshot',
      'ec2:DeleteLaunchTemplate',
      'ec2:DisassociateAddress',
      'ec2:ModifyLaunchTemplate',
      'ec2:ModifyNetworkInterfaceAttribute',
    ], [
      ctx.arn('ec2', '*', 'elastic-ip/*'),
      ctx.arn('ec2', '*', 'security-group/*'),
      ctx.arn('ec2', '*', 'subnet/*'),
      ctx.arn('ec2', '*', 'launch-template/*'),
      ctx.arn('ec2', '*', 'snapshot/*', ''),
    ], throughCloudFormation()),
    // Tags CloudFormation puts on a resource it has just created without them (a resource type that does
    // not take tags at creation, such as AWS::EC2::SecurityGroup, is tagged right after): only with the
    // cluster's tag in the request, which every tagging of the stack's tags carries (models/cluster.py:925-942).
    allow('EC2TagNewThroughCloudFormation', ['ec2:CreateTags'], ['*'], {
      ...throughCloudFormation(),
      StringLike: { [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: '*' },
    }),
    // Direct and through CloudFormation: pcluster's validators launch the head node and one instance of
    // each compute resource with DryRun (validators/cluster_validators.py:1168-1171, 1253-1261,
    // 1396-1405), and the stack launches the head node. DIFF: never with a snapshot named in the launch
    // (EC2 authorizes a `snapshot` resource, with `ec2:SnapshotID`, only for one the request names; an
    // AMI's own snapshots are not authorized: ParallelCluster's head node role has no `snapshot`,
    // templates/cdk_builder_utils.py:780-801): an instance cannot be booted from someone else's snapshot.
    allow('EC2RunInstances', ['ec2:RunInstances'], ['*'], noNamedSnapshot()),
    // DIFF: tags only as a resource is created (`ec2:CreateAction` is set then): the dry-run launches tag
    // the instance with the configuration's Tags (cluster_validators.py:1224-1231), the launch templates
    // tag instances and volumes (cdk_builder_utils.py:169-206). Existing resources are tagged only by
    // CloudFormation (`EC2Write`), so the user cannot put the cluster tag on an instance and terminate it.
    allow('EC2TagOnCreate', ['ec2:CreateTags'], ['*'], { Null: { 'ec2:CreateAction': 'false' } }),
    // DIFF: `pcluster delete-cluster` terminates the instances tagged with the cluster's name
    // (models/cluster.py:677-722), and the stack its head node, which carries the tag too
    // (cdk_builder_utils.py:156-158): only instances with a cluster-name tag.
    allow('EC2TerminateClusterInstances', ['ec2:TerminateInstances'], ['*'], {
      StringLike: { [`ec2:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' },
    }),
    allow('DynamoDB', [
      'dynamodb:DescribeTable',
      'dynamodb:ListTagsOfResource',
      'dynamodb:CreateTable',
      'dynamodb:DeleteTable',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      'dynamodb:TagResource',
    ], [ctx.arn('dynamodb', '*', PCLUSTER_RESOURCES.tables)]),
    // DIFF (issue 18, section 4): the doc lets the user create, tag and delete any hosted zone, and tag any
    // health check, directly. pcluster itself only reads zones (GetHostedZone of Dns/HostedZoneId:
    // pcluster/aws/route53.py, 3.2.1 and 3.16.1 alike); the cluster's private zone is an
    // AWS::Route53::HostedZone of the cluster stack (templates/slurm_builder.py:207-217), which
    // CloudFormation creates, tags with the stack's tags and deletes with the user's credentials
    // (pcluster/aws/cfn.py:31-99: no service role). Route 53 has no tag condition keys, so no condition can
    // tell the cluster's zone from another: these are allowed only through CloudFormation, which touches
    // only the zone of its own stack (resource import into cluster stacks is refused). One statement on `*`
    // (CreateHostedZone takes only `*`), so ChangeTagsForResource also matches health checks, through
    // CloudFormation only: ParallelCluster creates none, and a stack tags only the resources it creates. A
    // second statement on `hostedzone/*` does not fit the IAM quotas of the fullest user
    // (test/proof/quota-budgets.test.ts: its base statements fill five managed policies to within 200
    // characters).
    allow('Route53ZonesThroughCloudFormation', ['route53:CreateHostedZone', 'route53:ChangeTagsForResource', 'route53:DeleteHostedZone'],
      ['*'], throughCloudFormation()),
    // DIFF: the doc lets the user change the records of every hosted zone of the account. pcluster itself
    // only reads zones (pcluster/aws/route53.py), and the cluster stack creates the cluster's own zone
    // (`<cluster>.pcluster.` unless Dns/HostedZoneId is set: templates/slurm_builder.py:207-217); the
    // records are written by the head node and removed by the cleanup Lambda function, not by the user.
    // Record changes stay possible, but only for names under the default `.pcluster` domain.
    allow('Route53ClusterRecords', ['route53:ChangeResourceRecordSets'], [ctx.arn('route53', '', 'hostedzone/*', '')], {
      'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [PCLUSTER_RESOURCES.privateRecordNames] },
      // ForAllValues holds for a request without the key: require it.
      'Null': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': 'false' },
    }),
    // DIFF: the doc's `cloudformation:*` on `*` lets the user update or delete ANY stack, and CloudFormation
    // runs an update with the stack's own service role without a PassRole check: a CDK-deployed stack
    // (`cdk-...-cfn-exec-role`, AdministratorAccess by default) makes that account admin. Every revision,
    // the doc's included, acts only on ParallelCluster's stacks: see `clusterStackStatements`.
    ...clusterStackStatements(ctx),
    // DIFF (issue 18): the doc allows every dashboard of the account (and, from 3.6, every alarm: see
    // `clusterAlarms`). ParallelCluster's is `<cluster>-<region>` (templates/cw_dashboard_builder.py:89).
    allow('CloudWatch', [
      'cloudwatch:PutDashboard',
      'cloudwatch:DeleteDashboards',
      'cloudwatch:GetDashboard',
    ], [ctx.arn('cloudwatch', '', PCLUSTER_RESOURCES.clusterDashboards)]),
    // ListDashboards has no resource type.
    allow('CloudWatchListDashboards', ['cloudwatch:ListDashboards'], ['*']),
    allow('IamRead', [
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:GetPolicy',
      'iam:SimulatePrincipalPolicy',
      'iam:GetInstanceProfile',
    ], [
      ctx.iam('role', '*'),
      ctx.iam('policy', '*'),
      ctx.awsManagedPolicy('*'),
      ctx.iam('instance-profile', '*'),
    ]),
    // DIFF: the doc allows these on every instance profile of the cluster path, the library's own profiles
    // included (a user could empty or delete the head node's). The configuration names roles
    // (`Iam/InstanceRole`, so that the head node's role can change on update), and ParallelCluster then
    // creates a profile per role on the cluster-scoped path `<path><cluster>/`
    // (templates/cdk_builder_utils.py:478-487, 624-629): the user may write those only.
    allow('IamInstanceProfile', [
      'iam:CreateInstanceProfile',
      'iam:DeleteInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'iam:RemoveRoleFromInstanceProfile',
    ], [clusterScopedInstanceProfiles(ctx)]),
    // DIFF: EC2 is also `ec2.amazonaws.com.cn` in China.
    allow('IamPassRole', ['iam:PassRole'], [ctx.rolesOnPath], {
      StringEqualsIfExists: { 'iam:PassedToService': ['lambda.amazonaws.com', ...ctx.ec2ServiceNames, 'spotfleet.amazonaws.com'] },
    }),
    allow('Lambda', [
      'lambda:CreateFunction',
      'lambda:DeleteFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunction',
      'lambda:InvokeFunction',
      'lambda:AddPermission',
      'lambda:RemovePermission',
      'lambda:UpdateFunctionConfiguration',
      'lambda:TagResource',
      'lambda:ListTags',
      'lambda:UntagResource',
    ], [
      ctx.arn('lambda', '*', PCLUSTER_RESOURCES.legacyClusterFunctions),
      ctx.arn('lambda', '*', PCLUSTER_RESOURCES.clusterFunctions),
    ]),
    // DIFF: the doc matches these bucket names in any account; ParallelCluster's bucket is in the cluster's
    // account (`parallelcluster-<hash>-v1-do-not-delete`, pcluster/models/s3_bucket.py:106-145, checked with
    // ExpectedBucketOwner), so buckets of other accounts (anyone can name one `parallelcluster-...`) are out.
    // DIFF (issue 18, finding 7): not `s3:*` (bucket ACLs, public access blocks, replication, deletion of
    // any parallelcluster-* bucket of the account) but what pcluster calls on its buckets
    // (pcluster/aws/s3.py, aws/s3_resource.py: objects read, written and deleted with their versions,
    // the bucket listed and its location and versioning read) and what CloudFormation reads there (the
    // templates of the stacks, with the user's credentials).
    allow('S3ResourcesBucket', [
      's3:Get*',
      's3:List*',
      's3:PutObject',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
    ], [ctx.s3(PCLUSTER_RESOURCES.buckets), ctx.s3(PCLUSTER_RESOURCES.legacyBuckets)], inThisAccount(ctx)),
    // The resources bucket's setup when pcluster creates it (models/s3_bucket.py:139-156: versioning,
    // default encryption, and a bucket policy that refuses plain HTTP): on `parallelcluster-*-v1-do-not-delete`
    // only, the one bucket pcluster creates.
    allow('S3ResourcesBucketSetup', ['s3:PutBucketVersioning', 's3:PutEncryptionConfiguration', 's3:PutBucketPolicy'],
      [ctx.s3(PCLUSTER_RESOURCES.resourcesBucket)], inThisAccount(ctx)),
    // A bucket is always created in the caller's account: CreateBucket needs no account condition. Nor does
    // ListBucket (HeadBucket): on the first run pcluster checks a bucket that does not exist yet, which has
    // no account to compare, and creates it on a 404 (models/s3_bucket.py:136-141, 476-485). Listing a
    // bucket of another account reads nothing of ours and writes nothing.
    allow('S3CreateResourcesBucket', ['s3:CreateBucket', 's3:ListBucket'], [ctx.s3(PCLUSTER_RESOURCES.buckets), ctx.s3(PCLUSTER_RESOURCES.legacyBuckets)]),
    allow('S3ParallelClusterReadOnly', ['s3:Get*', 's3:List*'], [ctx.s3(PCLUSTER_RESOURCES.publicBuckets)]),
    // DIFF (issue 18, finding 7): the doc's `elasticfilesystem:*` on every file system lets the user delete
    // any file system or open it to any principal (PutFileSystemPolicy). pcluster only reads file systems,
    // mount targets and access points (pcluster/aws/efs.py:52-93); the cluster stack creates, updates and
    // deletes its own (templates/cluster_stack.py:1115-1188: AWS::EFS::FileSystem, and MountTarget only for
    // a file system it creates; one named by FileSystemId is only read). See `clusterFileSystemStatements`.
    ...clusterFileSystemStatements({
      sid: 'EFS',
      service: 'elasticfilesystem',
      resources: [ctx.arn('elasticfilesystem', '*', 'file-system/*'), ctx.arn('elasticfilesystem', '*', 'access-point/*')],
      creates: [{ actions: ['elasticfilesystem:CreateFileSystem'], resources: ['*'] }],
      // EFS authorizes the tags of CreateFileSystem as elasticfilesystem:TagResource with
      // elasticfilesystem:CreateAction (Amazon EFS User Guide, "Using tags with Amazon EFS"): never an
      // existing file system.
      tagOnCreate: { 'elasticfilesystem:CreateAction': 'CreateFileSystem' },
    }),
    allow('EFSDescribe', ['elasticfilesystem:Describe*'], [ctx.arn('elasticfilesystem', '*', '*')]),
    // DIFF: the doc allows deleting, retaining and reading every log group of the account. ParallelCluster
    // only touches its own: the cluster's `/aws/parallelcluster/<cluster>-<timestamp>`
    // (CW_LOG_GROUP_NAME_PREFIX, pcluster/constants.py:171), its Lambda functions' `/aws/lambda/pcluster-*`
    // (templates/cdk_builder_utils.py:1098-1123), an image build's `/aws/imagebuilder/ParallelClusterImage-*`
    // (read by `pcluster export-image-logs`/`get-image-log-events`) and its cleanup function's
    // `/aws/lambda/ParallelClusterImage-*`.
    allow('CloudWatchLogs', [
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:CreateLogGroup',
      'logs:FilterLogEvents',
      'logs:GetLogEvents',
      'logs:CreateExportTask',
      'logs:DescribeLogStreams',
    ], parallelClusterLogGroups(ctx)),
    // DescribeLogGroups and DescribeExportTasks have no resource type: only `*` matches them.
    allow('CloudWatchLogsDescribe', ['logs:DescribeLogGroups', 'logs:DescribeExportTasks'], ['*']),
  ];
  // DIFF: the doc's `secret:<SECRET NAME>` placeholder becomes the given secrets; no secret, no statement.
  if (secretArns.length > 0) {
    statements.push(allow('SecretsManagerDescribeSecret', ['secretsmanager:DescribeSecret'], secretArns));
  }
  return statements;
}

/**
 * The head node's alarms (issue 18): `<cluster>-HeadNode-<metric>` and `<cluster>-HeadNode`
 * (templates/cluster_stack.py:410, 430), not every alarm of the account.
 */
export function clusterAlarms(ctx: PolicyContext): string[] {
  return PCLUSTER_RESOURCES.headNodeAlarms.map((alarm) => ctx.arn('cloudwatch', '*', alarm));
}

/**
 * The log groups ParallelCluster creates and reads (see the `CloudWatchLogs` statement of `user.base`),
 * in the stack's account.
 */
export function parallelClusterLogGroups(ctx: PolicyContext): string[] {
  return [
    ctx.arn('logs', '*', PCLUSTER_RESOURCES.clusterLogGroups),
    ctx.arn('logs', '*', PCLUSTER_RESOURCES.clusterFunctionLogGroups),
    ctx.arn('logs', '*', PCLUSTER_RESOURCES.imageBuildLogGroups),
    // The image stack's cleanup function log group, created with the stack's tags
    // (templates/imagebuilder_stack.py:488-493).
    ctx.arn('logs', '*', PCLUSTER_RESOURCES.imageFunctionLogGroups),
  ];
}

/** The instance profiles ParallelCluster creates for a cluster: `instance-profile/<path><cluster>/*`. */
export function clusterScopedInstanceProfiles(ctx: PolicyContext): string {
  return ctx.iam('instance-profile', `${ctx.iamPath.substring(1)}*/*`);
}

/**
 * A condition that holds only for EC2 resources that carry the cluster-name tag (any cluster; the
 * cluster scope narrows `*` to the scope's names, cluster-scope.ts).
 */
export function clusterTaggedEc2(): Record<string, Record<string, unknown>> {
  return { StringLike: { [`ec2:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' } };
}

/** A condition that holds only for resources of the stack's account (`aws:ResourceAccount`). */
export function inThisAccount(ctx: PolicyContext): Record<string, Record<string, unknown>> {
  return { StringEquals: { 'aws:ResourceAccount': ctx.account } };
}

/**
 * The CloudFormation statements of every revision of `user.base` (finding: CloudFormation service-role
 * hijack). Stack actions act only on ParallelCluster's stacks:
 * - `CloudFormation`: any action on an existing stack that carries the cluster-name tag
 *   (`aws:ResourceTag`); revision 3.6 narrows it to the actions pcluster calls (revisions.ts);
 * - `CloudFormationCreateAndUpdate`: creation only with the cluster-name tag in the request (a stack is
 *   created with the caller's credentials: pcluster passes no RoleARN, pcluster/aws/cfn.py:49-71, and a
 *   RoleARN would need iam:PassRole to CloudFormation, which no statement grants). Updates are never
 *   allowed on the request's tags alone: they would let the tag onto any stack;
 * - `CloudFormationList`: `pcluster list-clusters` and `list-images` describe stacks without naming one,
 *   and ListStacks has no resource type.
 *
 * Image stacks (tag `parallelcluster:image_id`) are `user.imageBuilder`'s.
 */
export function clusterStackStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  const stacks = ctx.arn('cloudformation', '*', 'stack/*');
  return [
    // DIFF (issue 18, section 4): no change sets (pcluster makes none, pcluster/aws/cfn.py), so no resource
    // import into a cluster stack (CreateChangeSet of type IMPORT, or with ImportExistingResources): a
    // stack can only act on what it created. `cloudformation:ChangeSetName` is in the request of every
    // change set action, `cloudformation:ImportResourceTypes` in every import (Service Authorization
    // Reference, AWS CloudFormation).
    allow('CloudFormation', ['cloudformation:*'], [stacks], { ...taggedClusterStack(), ...noChangeSetsOrImports() }),
    // Sid kept from upstream's 3.6 statement (CreateStack and UpdateStack): UpdateStack is in
    // `CloudFormation` (and, from 3.6, `CloudFormationUpdateClusterStacks`), on tagged stacks only.
    allow('CloudFormationCreateAndUpdate', ['cloudformation:CreateStack'], [stacks], {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': [CLUSTER_NAME_TAG] },
    }),
    allow('CloudFormationList', ['cloudformation:DescribeStacks', 'cloudformation:ListStacks'], ['*']),
  ];
}

/** No change set and no resource import: the keys are absent from every other stack request. */
export function noChangeSetsOrImports(): Record<string, Record<string, unknown>> {
  return { Null: { 'cloudformation:ChangeSetName': 'true', 'cloudformation:ImportResourceTypes': 'true' } };
}

/** The condition of stack actions on an existing cluster stack: it carries the cluster-name tag. */
export function taggedClusterStack(): Record<string, Record<string, unknown>> {
  return { StringLike: { [`aws:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' } };
}

/** Block `user.batch`: additional permissions to create and manage AWS Batch clusters. */
export function userBatchStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    allow('BatchIamPassRole', ['iam:PassRole'], [ctx.rolesOnPath], {
      StringEqualsIfExists: { 'iam:PassedToService': ['ecs-tasks.amazonaws.com', 'batch.amazonaws.com', 'codebuild.amazonaws.com'] },
    }),
    allow('BatchServiceLinkedRole', ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole'],
      [ctx.iam('role', 'aws-service-role/batch.amazonaws.com/*')], {
        StringEquals: { 'iam:AWSServiceName': ['batch.amazonaws.com'] },
      }),
    allow('CodeBuild', ['codebuild:*'], [ctx.arn('codebuild', '*', PCLUSTER_RESOURCES.codeBuildProjects)]),
    allow('ECR', ['ecr:*'], ['*']),
    allow('Batch', ['batch:*'], ['*']),
    allow('AmazonCloudWatchEvents', ['events:*'], ['*']),
    allow('ECS', ['ecs:DescribeContainerInstances', 'ecs:ListContainerInstances'], ['*']),
  ];
}

/** Block `user.fsx`: additional permissions to use Amazon FSx for Lustre. */
export function userFsxStatements(ctx: PolicyContext, dataRepositoryBucketArns: string[]): iam.PolicyStatement[] {
  const statements = [
    allow('FsxServiceLinkedRoles', ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole'], ['*'], {
      StringEquals: { 'iam:AWSServiceName': ['fsx.amazonaws.com', 's3.data-source.lustre.fsx.amazonaws.com'] },
    }),
    // DIFF (issue 18, finding 7): the doc's `fsx:*` on the account lets the user delete any file system,
    // its backups and data repository associations. pcluster only describes file systems, volumes,
    // storage virtual machines, backups, data repository associations and file caches (pcluster/aws/fsx.py);
    // the cluster stack creates, updates and deletes its own file system and its data repository
    // associations (templates/cluster_stack.py:1029-1113; FileSystemId, VolumeId and FileCacheId name
    // existing ones, which it only reads, :994-1016). See `clusterFileSystemStatements`.
    ...clusterFileSystemStatements({
      sid: 'FSx',
      service: 'fsx',
      resources: [ctx.arn('fsx', '*', '*')],
      // FSx authorizes the tags of a create request as fsx:TagResource and has no key that tells it from a
      // later TagResource (Amazon FSx for Lustre User Guide, "Grant permission to tag resources during
      // creation"): with the creations, with the cluster tag, through CloudFormation.
      creates: [
        // A new file system, from the backup SharedStorage/FsxLustreSettings/BackupId names (any backup of
        // the account, read, not changed).
        {
          actions: ['fsx:CreateFileSystem', 'fsx:CreateFileSystemFromBackup', 'fsx:TagResource'],
          resources: [ctx.arn('fsx', '*', 'file-system/*'), ctx.arn('fsx', '*', 'backup/*')],
        },
        // The association is new; the file system it is made on must be the cluster's (FSx statement).
        { actions: ['fsx:CreateDataRepositoryAssociation', 'fsx:TagResource'], resources: [ctx.arn('fsx', '*', 'association/*')] },
      ],
    }),
    // fsx:DescribeFileSystems and the other list-type Describe calls have no resource type: only `*` matches.
    allow('FSxDescribe', ['fsx:Describe*'], ['*']),
    allow('FsxS3DataSourceRole', ['iam:CreateServiceLinkedRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy'],
      [ctx.iam('role', 'aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*')]),
  ];
  // DIFF: the doc names only the bucket ARN, which object reads and writes never match: add `bucket/*`.
  if (dataRepositoryBucketArns.length > 0) {
    statements.push(allow('FsxDataRepositoryS3', ['s3:Get*', 's3:List*', 's3:PutObject'],
      dataRepositoryBucketArns.flatMap((bucket) => [bucket, `${bucket}/*`])));
  }
  return statements;
}

/** What one storage service's cluster file systems are (see `clusterFileSystemStatements`). */
interface ClusterFileSystemOptions {
  /** The Sid of the statement on existing resources; the others are `<sid>Create` and `<sid>TagOnCreate`. */
  readonly sid: string;
  /** The service prefix. */
  readonly service: string;
  /** The service's resources (every one of the account; the cluster tag decides). */
  readonly resources: string[];
  /** The create actions and the resources each creates or reads. */
  readonly creates: Array<{ readonly actions: string[]; readonly resources: string[] }>;
  /** The condition that tells the tags of a create request from a TagResource call, if the service has one. */
  readonly tagOnCreate?: Record<string, string>;
  /** Without `tagOnCreate`: the resources whose tags a create request may set. */
  readonly tagOnCreateResources?: string[];
}

/**
 * The statements of the file systems the cluster stack creates (EFS, FSx), issue 18 finding 7. Every
 * request is one CloudFormation makes with the user's credentials (`throughCloudFormation`: pcluster itself
 * only describes), and:
 * - on an existing resource: only when it carries `parallelcluster:cluster-name`. The stack's file systems
 *   do: pcluster creates the cluster stack with its tags (models/cluster.py:387-393, 925-942:
 *   `parallelcluster:cluster-name` and `parallelcluster:version`), and CloudFormation propagates stack
 *   tags to the resources it creates (AWS CloudFormation User Guide, "Resource tag": stack-level tags are
 *   applied to supported resources); the templates set only `Name` (cluster_stack.py:1063, 1112, 1130).
 *   A file system named by FileSystemId is only described (aws/efs.py, aws/fsx.py), so it needs no grant
 *   here, whatever its tags;
 * - creation: only with the cluster tag in the request (the stack tags), and the tags of the request
 *   only at creation.
 * Scoped with `clusterNames`, the tag values become the scope's names (cluster-scope.ts).
 */
export function clusterFileSystemStatements(options: ClusterFileSystemOptions): iam.PolicyStatement[] {
  const viaCfn = throughCloudFormation();
  const clusterTagged = { ...viaCfn, StringLike: { [`aws:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' } };
  const clusterTagInRequest = { ...viaCfn, StringLike: { [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: '*' } };
  const statements = [
    allow(options.sid, [`${options.service}:*`], options.resources, clusterTagged),
    ...options.creates.map((create, i) => allow(`${options.sid}Create${i === 0 ? '' : i + 1}`, create.actions, create.resources, clusterTagInRequest)),
  ];
  if (options.tagOnCreate !== undefined) {
    statements.push(allow(`${options.sid}TagOnCreate`, [`${options.service}:TagResource`], options.resources, {
      ...clusterTagInRequest,
      StringEquals: options.tagOnCreate,
    }));
  } else if (options.tagOnCreateResources !== undefined) {
    statements.push(allow(`${options.sid}TagOnCreate`, [`${options.service}:TagResource`], options.tagOnCreateResources, clusterTagInRequest));
  }
  return statements;
}

/** Block `user.imageBuilder`: additional permissions to build and manage custom ParallelCluster AMIs. */
export function userImageBuilderStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    // `pcluster delete-image` deletes the snapshots of the AMI it found by its tags (models/imagebuilder.py:
    // 557-570): snapshot IDs it reads from the image, which carry no ParallelCluster tag of their own.
    allow('ImageEC2', [
      'ec2:DescribeImages',
      'ec2:DescribeInstanceTypeOfferings',
      'ec2:DescribeInstanceTypes',
      'ec2:DeleteSnapshot',
    ], ['*']),
    // DIFF (issue 18, finding 7): the doc deregisters any AMI. `pcluster delete-image` deregisters the AMI
    // of the image it finds by the image-id tag (aws/ec2.py:189-198, the tags the image stack gives its AMI,
    // templates/imagebuilder_stack.py:130-147 and 316), or a failed build's AMI by its Image Builder ARN tag
    // `arn:<partition>:imagebuilder:<region>:*:image/parallelclusterimage-<id>*` (aws/ec2.py:200-213):
    // only AMIs with one of those tags.
    allow('ImageEC2Deregister', ['ec2:DeregisterImage'], [ctx.arn('ec2', '*', 'image/*', '')], {
      StringLike: { [`ec2:ResourceTag/${IMAGE_ID_TAG}`]: '*' },
    }),
    allow('ImageEC2DeregisterFailed', ['ec2:DeregisterImage'], [ctx.arn('ec2', '*', 'image/*', '')], {
      StringLike: { [`ec2:ResourceTag/${IMAGE_BUILDER_ARN_TAG}`]: ctx.arn('imagebuilder', '*', `image/${PCLUSTER_NAMES.imageBuilderPrefix}*`) },
    }),
    allow('ImageIam', [
      'iam:CreateInstanceProfile',
      'iam:AddRoleToInstanceProfile',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:GetInstanceProfile',
      'iam:RemoveRoleFromInstanceProfile',
      // DIFF: the doc's `instance-profile/parallelcluster/*` would reach the cluster's profiles too; the image
      // stack creates its profile as `/parallelcluster/ParallelClusterImage-<id>` (IAM_ROLE_PATH, whatever
      // the cluster path: templates/imagebuilder_stack.py:622-631).
    ], [ctx.iam('instance-profile', `${DEFAULT_IAM_PATH.substring(1)}ParallelClusterImage-*`), ctx.iam('instance-profile', 'ParallelClusterImage*'), ctx.rolesOnPath]),
    // DIFF: the doc cannot delete the instance profile the image stack creates
    // (`/parallelcluster/ParallelClusterImage-<stack id>`, templates/imagebuilder_stack.py:622-631): a failed
    // build's stack is deleted by `pcluster delete-image` with the user's credentials
    // (models/imagebuilder.py:555), and CloudFormation deletes the profile as the user; without this the stack
    // ends in DELETE_FAILED. Only the image stack's profiles, on the path ParallelCluster always uses for them.
    allow('ImageIamDeleteInstanceProfile', ['iam:DeleteInstanceProfile'],
      [ctx.iam('instance-profile', `${DEFAULT_IAM_PATH.substring(1)}ParallelClusterImage-*`)]),
    allow('ImageIamPassRole', ['iam:PassRole'], [ctx.instanceProfilesOnPath, ctx.rolesOnPath], {
      StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', ...ctx.ec2ServiceNames] },
    }),
    allow('ImageLogs', ['logs:CreateLogGroup', 'logs:DeleteLogGroup'], [
      ctx.arn('logs', '*', PCLUSTER_RESOURCES.imageBuildLogGroups),
      ctx.arn('logs', '*', PCLUSTER_RESOURCES.imageFunctionLogGroups),
    ]),
    // DIFF: the doc allows creating and deleting any stack. An image stack is created with the image-id tag
    // in the request and deleted when it carries it (pcluster/models/imagebuilder.py:474-480, 555, 641-659).
    // DIFF (issue 18): never with a cluster-name tag (the image stack carries none, imagebuilder.py:641-659),
    // which would make the new stack pass for a cluster's stack, another team's with clusterNames.
    allow('ImageCloudFormation', ['cloudformation:CreateStack'], [ctx.arn('cloudformation', '*', 'stack/*')], {
      'ForAnyValue:StringEquals': { 'aws:TagKeys': [IMAGE_ID_TAG] },
      'Null': { [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: 'true' },
    }),
    allow('ImageCloudFormationDelete', ['cloudformation:DeleteStack'], [ctx.arn('cloudformation', '*', 'stack/*')], {
      StringLike: { [`aws:ResourceTag/${IMAGE_ID_TAG}`]: '*' },
    }),
    allow('ImageCloudFormationRead', ['cloudformation:DescribeStacks'], [ctx.arn('cloudformation', '*', 'stack/*')]),
    // DIFF: the doc reads image stacks with DescribeStacks only. pcluster also reads the image resource of
    // every image stack it lists or describes (models/imagebuilder_resources.py:64, DescribeStackResource
    // `ParallelClusterImage`: without it describe-image loses the build status and delete-image its
    // "still building" guard, imagebuilder.py:549-553), and its events (get-image-stack-events,
    // imagebuilder.py:781-789; export-image-logs, imagebuilder.py:725-726 and common.py:281-283). The
    // user.base reads (`cloudformation:*` on cluster-tagged stacks before 3.6; scoped to the cluster names
    // with `clusterNames`) do not reach image stacks, which carry the image-id tag instead
    // (imagebuilder.py:641-659). GetTemplate is not called on image stacks (only cluster.py:674).
    allow('ImageCloudFormationStackReads', ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStackEvents'],
      [ctx.arn('cloudformation', '*', 'stack/*')], { StringLike: { [`aws:ResourceTag/${IMAGE_ID_TAG}`]: '*' } }),
    allow('ImageLambda', [
      'lambda:CreateFunction',
      'lambda:GetFunction',
      'lambda:AddPermission',
      'lambda:RemovePermission',
      'lambda:DeleteFunction',
      'lambda:TagResource',
      'lambda:ListTags',
      'lambda:UntagResource',
    ], [ctx.arn('lambda', '*', PCLUSTER_RESOURCES.imageFunctions)]),
    allow('ImageBuilderGet', ['imagebuilder:Get*'], ['*']),
    allow('ImageBuilder', [
      'imagebuilder:CreateImage',
      'imagebuilder:TagResource',
      'imagebuilder:CreateImageRecipe',
      'imagebuilder:CreateComponent',
      'imagebuilder:CreateDistributionConfiguration',
      'imagebuilder:CreateInfrastructureConfiguration',
      'imagebuilder:DeleteImage',
      'imagebuilder:DeleteComponent',
      'imagebuilder:DeleteImageRecipe',
      'imagebuilder:DeleteInfrastructureConfiguration',
      'imagebuilder:DeleteDistributionConfiguration',
    ], [
      ctx.arn('imagebuilder', '*', 'image/parallelclusterimage-*'),
      ctx.arn('imagebuilder', '*', 'image-recipe/parallelclusterimage-*'),
      ctx.arn('imagebuilder', '*', 'component/parallelclusterimage-*'),
      ctx.arn('imagebuilder', '*', 'distribution-configuration/parallelclusterimage-*'),
      ctx.arn('imagebuilder', '*', 'infrastructure-configuration/parallelclusterimage-*'),
    ]),
    // DIFF: ParallelCluster's bucket is in the cluster's account (see S3ResourcesBucket).
    allow('ImageS3Bucket', ['s3:ListBucket', 's3:ListBucketVersions'], [ctx.s3(PCLUSTER_RESOURCES.buckets)], inThisAccount(ctx)),
    // As for S3CreateResourcesBucket: creation, and the existence check of a bucket that may not exist yet.
    allow('ImageS3CreateBucket', ['s3:CreateBucket', 's3:ListBucket'], [ctx.s3(PCLUSTER_RESOURCES.buckets)]),
    // DIFF: the doc mixes `sns:` and `SNS:`; IAM ignores the case, the library writes `sns:`.
    allow('ImageSNS', [
      'sns:GetTopicAttributes',
      'sns:TagResource',
      'sns:CreateTopic',
      'sns:Subscribe',
      'sns:Publish',
      'sns:DeleteTopic',
      'sns:Unsubscribe',
    ], [ctx.arn('sns', '*', PCLUSTER_RESOURCES.imageResources)]),
    // DIFF (issue 18, finding 7): the doc allows every object of every parallelcluster-* bucket, the
    // clusters' directories included (configurations, templates, custom resources of every team). An
    // image build writes, reads and deletes its own directory `parallelcluster/<version>/images/<image
    // id>-<random>/` (models/imagebuilder.py:393-405, 555) and the bucket's `.bootstrapped` marker
    // (models/s3_bucket.py:274-292); the cluster directories are user.base's (S3ResourcesBucket).
    allow('ImageS3Objects', [
      's3:PutObject',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:DeleteObject',
      's3:DeleteObjectVersion',
    ], [ctx.s3(PCLUSTER_RESOURCES.imageArtifactObjects), ctx.s3(PCLUSTER_RESOURCES.bootstrappedMarker)], inThisAccount(ctx)),
    // DIFF: the doc allows this service-linked role in any account (`iam::*:`); it can only be created in this one.
    allow('ImageBuilderServiceLinkedRole', ['iam:CreateServiceLinkedRole'],
      [ctx.iam('role', 'aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder')], {
        StringLike: { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' },
      }),
  ];
}

/** What the user reads or writes for settings of the configuration and arguments of the CLI the doc does not cover. */
export interface UserResourceStatementOptions {
  /** Buckets given to `pcluster export-cluster-logs --bucket` and `export-image-logs --bucket`. */
  readonly logExportBucketArns: string[];
  /** KMS keys the configuration names (`KmsKeyId`). */
  readonly kmsKeyArns: string[];
  /** The custom munge key secret (`Scheduling/SlurmSettings/MungeKeySecretArn`). */
  readonly mungeKeySecretArns: string[];
}

/**
 * Statements for resources the user names outside ParallelCluster's own: the log export bucket, the
 * configuration's KMS keys and the munge key. Not a doc block (the doc has none of them); each only
 * with its resources.
 *
 * DIFF: not in the doc, which lets `export-cluster-logs` write only to buckets named `parallelcluster-*`
 * and fails the KMS validator.
 */
export function userResourceStatements(options: UserResourceStatementOptions): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const buckets = options.logExportBucketArns;
  if (buckets.length > 0) {
    // models/common.py:137-260 (CloudWatchLogsExporter, for export-cluster-logs and export-image-logs):
    // the bucket's region (aws/s3.py:79, GetBucketLocation), whether the prefix is empty and the exported
    // objects (ListBucket, common.py:161, 226), their download (GetObject, common.py:248), their deletion
    // (DeleteObjects, common.py:182) and the archive's upload with --bucket-prefix (PutObject,
    // common.py:299-303). CloudWatch Logs writes the export itself: the bucket policy must allow
    // logs.<region>.amazonaws.com (logs:CreateExportTask is authorized on the log group only).
    statements.push(allow('LogExportBucket', ['s3:GetBucketLocation', 's3:ListBucket'], buckets));
    statements.push(allow('LogExportObjects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], buckets.map((b) => `${b}/*`)));
  }
  if (options.kmsKeyArns.length > 0) {
    // validators/kms_validators.py:17-24 (KmsKeyValidator, ERROR level): kms:DescribeKey on every KmsKeyId
    // of the configuration (config/cluster_config.py:325-326, 387-388, 591-592).
    statements.push(allow('KmsDescribeKey', ['kms:DescribeKey'], options.kmsKeyArns));
  }
  if (options.mungeKeySecretArns.length > 0) {
    // config/cluster_config.py:2747-2758, validators/secret_validators.py:34-54
    // (MungeKeySecretSizeAndBase64Validator): pcluster reads the munge key to check its size and encoding;
    // denied, the validator warns.
    statements.push(allow('MungeKeySecretRead', ['secretsmanager:GetSecretValue'], options.mungeKeySecretArns));
  }
  return statements;
}

/**
 * Blocks `user.iam.privileged` and `user.iam.permissionsBoundary`: IAM rights on the cluster path, so
 * that ParallelCluster can create the cluster's roles itself.
 *
 * @param attachablePolicyArns extra policies the user may attach to cluster roles (the doc's note on
 * `AdditionalIamPolicies`: every such policy must be in the `iam:PolicyARN` allow-list)
 * @param boundaryArn in permissions-boundary mode, the boundary every created or changed role must carry
 */
export function userIamStatements(ctx: PolicyContext, attachablePolicyArns: string[], boundaryArn?: string): iam.PolicyStatement[] {
  const boundary: Record<string, Record<string, unknown>> = boundaryArn
    ? { StringEquals: { 'iam:PermissionsBoundary': [boundaryArn] } }
    : {};
  return [
    // DIFF: the doc also grants iam:CreateServiceLinkedRole here, which never matches a role on the
    // cluster path (service-linked roles live under aws-service-role/), so it is left out.
    allow('IamRole', ['iam:DeleteRole', 'iam:TagRole'], [ctx.rolesOnPath]),
    allow('IamCreateRole', ['iam:CreateRole'], [ctx.rolesOnPath], boundaryArn ? boundary : undefined),
    allow('IamInlinePolicy', ['iam:PutRolePolicy', 'iam:DeleteRolePolicy'], [ctx.rolesOnPath], boundaryArn ? boundary : undefined),
    allow('IamPolicy', ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'], [ctx.rolesOnPath], {
      ...boundary,
      ArnLike: {
        'iam:PolicyARN': [
          ctx.iam('policy', 'parallelcluster*'),
          ctx.policiesOnPath,
          ...ATTACHABLE_AWS_MANAGED_POLICIES.map((name) => ctx.awsManagedPolicy(name)),
          ...attachablePolicyArns,
        ],
      },
    }),
  ];
}

/**
 * Block `user.iam.restricted.passRoleExample`, made a statement: the custom roles (outside the
 * cluster path) that the user may pass to ParallelCluster's services.
 */
/**
 * PassRole of roles a cluster configuration names (issue 18, finding 1): node roles (`InstanceRole` of
 * the head node, queues and login pools) to EC2 only, a `LambdaFunctionsRole` to Lambda only. A role
 * passable to more services would let the user run code as it elsewhere (a function of their own).
 */
export function userNamedRolesPassRoleStatements(ctx: PolicyContext, nodeRoleArns: string[], lambdaRoleArns: string[]): iam.PolicyStatement[] {
  return [
    ...(nodeRoleArns.length === 0 ? [] : [allow('NamedNodeRolesIamPassRole', ['iam:PassRole'], nodeRoleArns, {
      StringEquals: { 'iam:PassedToService': ctx.ec2ServiceNames },
    })]),
    ...(lambdaRoleArns.length === 0 ? [] : [allow('NamedLambdaRolesIamPassRole', ['iam:PassRole'], lambdaRoleArns, {
      StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' },
    })]),
  ];
}

export function userCustomRolesPassRoleStatements(ctx: PolicyContext, customRoleArns: string[]): iam.PolicyStatement[] {
  if (customRoleArns.length === 0) {
    return [];
  }
  return [
    allow('CustomRolesIamPassRole', ['iam:PassRole'], customRoleArns, {
      StringEqualsIfExists: {
        'iam:PassedToService': [
          'ecs-tasks.amazonaws.com',
          'lambda.amazonaws.com',
          ...ctx.ec2ServiceNames,
          'spotfleet.amazonaws.com',
          'batch.amazonaws.com',
          'codebuild.amazonaws.com',
        ],
      },
    }),
  ];
}
