import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { RequestContext } from './simulate';
import { TestEnvironment } from './stacks';
import type { ParallelClusterIamProps } from '../../src';

/*
 * The ParallelCluster CALLS MATRIX (issue 12, "the rule for narrowing"): the API requests `pcluster` and
 * the stacks it deploys make for create, update and delete of a cluster and for build and delete of an
 * image, per role, with the resource ARNs and tags ParallelCluster uses. Every narrowing of the library
 * must keep all of them Allowed (test/proof/pcluster-calls.test.ts).
 *
 * Facts come from the aws-parallelcluster 3.16.1 wheel (paths relative to its `pcluster/` package, lines of
 * that release); cited next to each group of rows. Other helpers reuse this function with other cluster
 * names (per-cluster scoping): everything cluster-specific is derived from `clusterName`.
 *
 * Stack-made requests (resources of the cluster or image stack) are made with the user's credentials:
 * pcluster creates its stacks without a RoleARN (aws/cfn.py:31-71), so CloudFormation acts as the user.
 * Those rows carry `aws:CalledVia` = [cloudformation.amazonaws.com] (`viaCfn` below), as IAM sets it for
 * requests CloudFormation forwards (issue 18, section 4); rows without it are calls pcluster makes itself.
 */

/** The roles of the matrix. `user.*` are the user role in each IAM access mode. */
export type CallerRole =
  | 'user.restricted'
  | 'user.privileged'
  | 'user.permissionsBoundary'
  | 'headNode'
  | 'computeNode'
  | 'loginNode'
  | 'lambdaFunctions'
  | 'imageInstance'
  | 'imageCleanup';

export const USER_ROLES: CallerRole[] = ['user.restricted', 'user.privileged', 'user.permissionsBoundary'];

export type Operation = 'create-cluster' | 'update-cluster' | 'delete-cluster' | 'cluster-runtime' | 'build-image' | 'delete-image';

/** One request ParallelCluster makes. */
export interface PclusterCall {
  readonly roles: CallerRole[];
  readonly operation: Operation;
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
  /** Where the wheel makes it (file:line). */
  readonly source: string;
}

export interface PclusterCallsOptions {
  readonly env: TestEnvironment;
  /** The cluster (and cluster stack) name. */
  readonly clusterName: string;
  /** The image id of `pcluster build-image` (= image stack name). @default `${clusterName}-image` */
  readonly imageId?: string;
  /** The Slurm queue. @default 'compute' */
  readonly queue?: string;
  /** The login node pool. @default 'login' */
  readonly loginPool?: string;
  /** The cluster IAM path. @default '/parallelcluster/' */
  readonly iamPath?: string;
  /** Role ARNs the configuration names (restricted mode); default: names on `iamPath`. */
  readonly roleArns?: Partial<Record<'headNode' | 'computeNode' | 'loginNode' | 'lambdaFunctions' | 'imageInstance', string>>;
  /** The boundary of permissions-boundary mode (what pcluster puts on the roles it creates). */
  readonly boundaryArn?: string;
  /** Secrets of the configuration (full ARNs). */
  readonly secretArns?: string[];
  /** The cluster's private hosted zone (slurm_builder.py:212-216). @default 'Z0123456789ABCDEFGHIJ' */
  readonly hostedZoneId?: string;
  /** The bucket of `pcluster export-cluster-logs --bucket` (given to the construct as `logExportBuckets`). */
  readonly logExportBucket?: string;
  /** The munge key secret ARN (`MungeKeySecretArn`, given as `mungeKeySecret`). */
  readonly mungeKeySecretArn?: string;
  /** Capacity reservation resource group ARNs (given as `capacityReservationResourceGroupArns`). */
  readonly capacityReservationResourceGroupArns?: string[];
  /** Existing EBS volumes of SharedStorage (given as `sharedStorageVolumeIds`). */
  readonly sharedStorageVolumeIds?: string[];
  /** The queues' subnets (given as `computeSubnetIds`): compute nodes are launched there. */
  readonly computeSubnetIds?: string[];
  /** The queues' custom AMIs (given as `computeImageIds`): compute nodes are launched from these or the official AMI. */
  readonly computeImageIds?: string[];
  /** Whether the cluster has an FSx for Lustre file system (the user role is built with `enableFsxLustre`). @default false */
  readonly fsxLustre?: boolean;
}

const STACK_ID = '0a1b2c3d-1111-2222-3333-444455556666';

/** The resources a configuration or the CLI names (issue 19), as the proofs give them to `ParallelClusterIam`. */
export const NAMED_LOG_EXPORT_BUCKET = 'hpc-prod-log-exports';
export const NAMED_RESOURCE_GROUP = 'hpc-prod-odcrs';
export const NAMED_VOLUME_ID = 'vol-0fedcba9876543210';
export const NAMED_SUBNET_ID = 'subnet-0fedcba9876543210';
export const NAMED_AMI_ID = 'ami-0fedcba9876543210';

/** `ParallelClusterIam` props naming NAMED_* (and a munge key) in `env`, built in `scope`'s stack. */
export function namedResourceProps(scope: Construct, env: TestEnvironment): Partial<ParallelClusterIamProps> {
  const named = namedResources(env);
  return {
    logExportBuckets: [s3.Bucket.fromBucketName(scope, 'NamedExportBucket', named.logExportBucket)],
    mungeKeySecret: secretsmanager.Secret.fromSecretCompleteArn(scope, 'NamedMungeKey', named.mungeKeySecretArn),
    capacityReservationResourceGroupArns: named.capacityReservationResourceGroupArns,
    sharedStorageVolumeIds: named.sharedStorageVolumeIds,
    computeSubnetIds: named.computeSubnetIds,
    computeImageIds: named.computeImageIds,
  };
}

/** The `PclusterCallsOptions` of NAMED_* in `env`. */
export function namedResources(env: TestEnvironment) {
  const { partition: p, region: r, account: a } = env;
  return {
    logExportBucket: NAMED_LOG_EXPORT_BUCKET,
    mungeKeySecretArn: `arn:${p}:secretsmanager:${r}:${a}:secret:hpc-prod/munge-key-AbCdEf`,
    capacityReservationResourceGroupArns: [`arn:${p}:resource-groups:${r}:${a}:group/${NAMED_RESOURCE_GROUP}`],
    sharedStorageVolumeIds: [NAMED_VOLUME_ID],
    computeSubnetIds: [NAMED_SUBNET_ID],
    computeImageIds: [NAMED_AMI_ID],
  };
}

/** Every request of the matrix for one cluster (and one image). */
export function parallelClusterCalls(opts: PclusterCallsOptions): PclusterCall[] {
  const { env, clusterName } = opts;
  const { partition: p, region: r, account: a } = env;
  const imageId = opts.imageId ?? `${clusterName}-image`;
  // The image stack's id (its last ARN segment): ParallelCluster names the build's role and profile after it.
  const imageStackId = '0a1b2c3d-4444-5555-6666-777788889999';
  const queue = opts.queue ?? 'compute';
  const pool = opts.loginPool ?? 'login';
  const path = (opts.iamPath ?? '/parallelcluster/').substring(1);
  const ec2Service = p === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com';
  const role = (name: string) => `arn:${p}:iam::${a}:role/${path}${name}`;
  const roleArns = {
    headNode: opts.roleArns?.headNode ?? role(`${clusterName}-HeadNode`),
    computeNode: opts.roleArns?.computeNode ?? role(`${clusterName}-Queue-${queue}`),
    loginNode: opts.roleArns?.loginNode ?? role(`${clusterName}-Login-${pool}`),
    lambdaFunctions: opts.roleArns?.lambdaFunctions ?? role(`${clusterName}-LambdaFunctions`),
    imageInstance: opts.roleArns?.imageInstance ?? role(`${clusterName}-ImageBuild`),
  };
  // models/s3_bucket.py:106-112: parallelcluster-<hash of account and region>-v1-do-not-delete.
  const bucket = 'parallelcluster-b9033160b61390ef-v1-do-not-delete';
  const clusterStack = `arn:${p}:cloudformation:${r}:${a}:stack/${clusterName}/${STACK_ID}`;
  const imageStack = `arn:${p}:cloudformation:${r}:${a}:stack/${imageId}/${STACK_ID}`;
  const clusterTagged = { ['aws:ResourceTag/parallelcluster:cluster-name']: clusterName };
  const imageTagged = { ['aws:ResourceTag/parallelcluster:image_id']: imageId };
  // models/cluster.py:925-942: the tags of the cluster stack.
  const clusterRequestTags = {
    'aws:TagKeys': ['parallelcluster:cluster-name', 'parallelcluster:version'],
    'aws:RequestTag/parallelcluster:cluster-name': clusterName,
    'aws:RequestTag/parallelcluster:version': '3.16.1',
  };
  // models/imagebuilder.py:641-659: the tags of the image stack.
  const imageRequestTags = {
    'aws:TagKeys': ['parallelcluster:image_name', 'parallelcluster:image_id', 'parallelcluster:build_log', 'parallelcluster:build_config'],
    'aws:RequestTag/parallelcluster:image_id': imageId,
  };
  // templates/cluster_stack.py:142: /aws/parallelcluster/<cluster>-<timestamp>.
  const clusterLogGroup = `arn:${p}:logs:${r}:${a}:log-group:/aws/parallelcluster/${clusterName}-202611301200`;
  // templates/cdk_builder_utils.py:1117-1123: /aws/lambda/pcluster-<function id>-<stack unique id>.
  const lambdaLogGroup = `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/pcluster-CleanupRoute53-0123abcd`;
  // models/imagebuilder.py (_get_log_group_arn): /aws/imagebuilder/ParallelClusterImage-<image id>.
  const imageLogGroup = `arn:${p}:logs:${r}:${a}:log-group:/aws/imagebuilder/ParallelClusterImage-${imageId}`;
  const hostedZone = `arn:${p}:route53:::hostedzone/${opts.hostedZoneId ?? 'Z0123456789ABCDEFGHIJ'}`;
  const table = `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-${clusterName}`;
  const instance = `arn:${p}:ec2:${r}:${a}:instance/i-0123456789abcdef0`;
  const ami = `arn:${p}:ec2:${r}::image/ami-0123456789abcdef0`;
  const imageBuilderImage = `arn:${p}:imagebuilder:${r}:${a}:image/parallelclusterimage-${imageId.toLowerCase()}/3.16.1/1`;
  // The AMIs EC2 Image Builder creates carry the Image Builder image's ARN.
  const builtAmi: RequestContext = { 'ec2:ResourceTag/Ec2ImageBuilderArn': imageBuilderImage };
  // IAM sets aws:ResourceAccount on every request; the simulator needs it given.
  const own: RequestContext = { 'aws:ResourceAccount': a };
  // A request CloudFormation makes with the user's credentials (forward access session): aws:CalledVia.
  const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
  // The cluster's instances and volumes carry the cluster-name tag (cdk_builder_utils.py:156-206).
  const clusterInstance: RequestContext = { 'ec2:ResourceTag/parallelcluster:cluster-name': clusterName };
  // Route 53 record names as Route 53 normalizes them (templates/slurm_builder.py:80-87).
  const clusterRecords: RequestContext = {
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`${queue}-st-c5xlarge-1.${clusterName.toLowerCase()}.pcluster`],
  };

  const users = USER_ROLES;
  const creators: CallerRole[] = ['user.privileged', 'user.permissionsBoundary'];
  const calls: PclusterCall[] = [];
  const add = (roles: CallerRole[], operation: Operation, source: string, rows: Array<[string, string, RequestContext?]>) => {
    for (const [action, resource, context] of rows) {
      calls.push({ roles, operation, action, resource, context, source });
    }
  };

  // ---- create-cluster, by the user (pcluster) ----
  add(users, 'create-cluster', 'models/cluster.py:385-393 (create_stack_from_url with _get_cfn_tags)', [
    ['cloudformation:CreateStack', clusterStack, clusterRequestTags],
    ['cloudformation:DescribeStacks', clusterStack],
    ['cloudformation:DescribeStacks', '*'],
  ]);
  add(users, 'create-cluster', 'models/s3_bucket.py:139-156, 387 (check, create and fill the cluster bucket)', [
    // The first run in an account: HeadBucket on a bucket that does not exist yet (no aws:ResourceAccount).
    ['s3:ListBucket', `arn:${p}:s3:::${bucket}`],
    ['s3:ListBucket', `arn:${p}:s3:::${bucket}`, own],
    ['s3:CreateBucket', `arn:${p}:s3:::${bucket}`],
    ['s3:PutBucketVersioning', `arn:${p}:s3:::${bucket}`, own],
    ['s3:PutBucketPolicy', `arn:${p}:s3:::${bucket}`, own],
    ['s3:PutObject', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/configs/cluster-config.yaml`, own],
    ['s3:GetObject', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/templates/aws-parallelcluster.cfn.yaml`, own],
  ]);
  add(users, 'create-cluster', 'aws/iam.py, validators (the roles and profiles of the configuration are read)', [
    ['iam:GetRole', roleArns.headNode],
    ['iam:GetRole', roleArns.computeNode],
    ['iam:SimulatePrincipalPolicy', roleArns.headNode],
  ]);
  add(users, 'create-cluster', 'templates/cluster_stack.py (head node, launch templates): the configuration\'s roles passed to EC2', [
    ['iam:PassRole', roleArns.headNode, { 'iam:PassedToService': ec2Service }],
    ['iam:PassRole', roleArns.computeNode, { 'iam:PassedToService': ec2Service }],
    ['iam:PassRole', roleArns.loginNode, { 'iam:PassedToService': ec2Service }],
    ['iam:PassRole', roleArns.lambdaFunctions, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    // validators/cluster_validators.py:1168-1171, 1253-1261: the DryRun launch, made by pcluster itself.
    ['ec2:RunInstances', instance],
    // The stack's launch templates and security groups (cluster_stack.py:760-805, 1267), by CloudFormation.
    ['ec2:CreateLaunchTemplate', `arn:${p}:ec2:${r}:${a}:launch-template/lt-0123456789abcdef0`, viaCfn],
    ['ec2:CreateSecurityGroup', `arn:${p}:ec2:${r}:${a}:security-group/sg-0123456789abcdef0`, viaCfn],
    // The tags of a launch, as it creates the instance (the dry run's configuration Tags, cluster_validators.py:1224-1231).
    ['ec2:CreateTags', instance, { 'ec2:CreateAction': 'RunInstances' }],
  ]);
  // With Iam/InstanceRole in the configuration, pcluster creates an instance profile for each role
  // (templates/cdk_builder_utils.py:624-629: on /parallelcluster/<cluster>/).
  // On <iamPath><cluster>/: the fragment sets Iam/ResourcePrefix to a path other than the default (config-fragment.ts).
  const profile = `arn:${p}:iam::${a}:instance-profile/${path}${clusterName}/${clusterName}-HeadNodeInstanceProfile-ABC`;
  add(users, 'create-cluster', 'templates/cdk_builder_utils.py:624-629 (instance profiles for Iam/InstanceRole)', [
    ['iam:CreateInstanceProfile', profile],
    ['iam:AddRoleToInstanceProfile', profile],
    ['iam:GetInstanceProfile', profile],
  ]);
  add(users, 'create-cluster', 'templates/cluster_stack.py:475 (the cluster table)', [
    ['dynamodb:CreateTable', table],
    ['dynamodb:DescribeTable', table],
    ['dynamodb:TagResource', table],
  ]);
  add(users, 'create-cluster', 'templates/cluster_stack.py:142 and cdk_builder_utils.py:1117-1123 (log groups)', [
    ['logs:CreateLogGroup', clusterLogGroup, { 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': clusterName }],
    ['logs:PutRetentionPolicy', clusterLogGroup],
    ['logs:TagResource', clusterLogGroup, { 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': clusterName }],
    ['logs:PutMetricFilter', clusterLogGroup],
    ['logs:DescribeMetricFilters', clusterLogGroup],
    ['logs:CreateLogGroup', lambdaLogGroup],
    ['logs:PutRetentionPolicy', lambdaLogGroup],
    ['logs:DescribeLogGroups', '*'],
  ]);
  add(users, 'create-cluster', 'templates/cdk_builder_utils.py:1117-1135 (Lambda functions pcluster-*)', [
    ['lambda:CreateFunction', `arn:${p}:lambda:${r}:${a}:function:pcluster-CleanupRoute53-0123abcd`],
    // The functions carry the stack tags (models/cluster.py:393, the CfnFunction sets none: cdk_builder_utils.py:1127-1148).
    ['lambda:InvokeFunction', `arn:${p}:lambda:${r}:${a}:function:pcluster-CleanupRoute53-0123abcd`, clusterTagged],
  ]);
  // pcluster itself only reads zones (aws/route53.py); CloudFormation creates, tags and deletes the zone.
  add(users, 'create-cluster', 'templates/slurm_builder.py:212-216 (the private hosted zone, by CloudFormation)', [
    ['route53:CreateHostedZone', '*', viaCfn],
    ['route53:GetHostedZone', hostedZone, viaCfn],
    ['route53:ChangeTagsForResource', hostedZone, viaCfn],
  ]);
  add(users, 'create-cluster', 'aws/route53.py (Dns/HostedZoneId read by the validators and slurm_builder.py:80-87)', [
    ['route53:GetHostedZone', hostedZone],
  ]);
  add(users, 'create-cluster', 'templates/cluster_stack.py:430 (dashboard and alarms)', [
    ['cloudwatch:PutDashboard', `arn:${p}:cloudwatch::${a}:dashboard/${clusterName}-${r}`],
    ['cloudwatch:PutMetricAlarm', `arn:${p}:cloudwatch:${r}:${a}:alarm:${clusterName}-HeadNode-Health`],
    ['cloudwatch:PutCompositeAlarm', `arn:${p}:cloudwatch:${r}:${a}:alarm:${clusterName}-HeadNode`],
  ]);
  // templates/cluster_stack.py:1115-1188: an EFS file system the stack creates, and its mount targets
  // (none for one named by FileSystemId, which pcluster only describes: aws/efs.py:52-93). CloudFormation
  // creates it with the stack tags (models/cluster.py:393) in the request, and EFS authorizes those tags as
  // TagResource with elasticfilesystem:CreateAction; the file system then carries them.
  const efs = `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0`;
  add(users, 'create-cluster', 'templates/cluster_stack.py:1115-1188 (EFS file system and mount targets)', [
    ['elasticfilesystem:CreateFileSystem', '*', { ...viaCfn, ...clusterRequestTags }],
    ['elasticfilesystem:TagResource', efs, { ...viaCfn, ...clusterRequestTags, 'elasticfilesystem:CreateAction': 'CreateFileSystem' }],
    ['elasticfilesystem:CreateMountTarget', efs, { ...viaCfn, ...clusterTagged }],
    ['elasticfilesystem:DescribeMountTargets', efs],
    ['elasticfilesystem:DescribeFileSystems', efs],
  ]);
  // validators/efs_validators.py (EfsIdValidator): a file system named by FileSystemId, its mount targets' groups.
  add(users, 'create-cluster', 'aws/efs.py:52-93 (an existing file system\'s mount targets and their security groups)', [
    ['elasticfilesystem:DescribeMountTargetSecurityGroups', efs], // aws/efs.py:57
  ]);
  add(users, 'delete-cluster', 'templates/cluster_stack.py:1115-1188 (the stack deletes its EFS file system)', [
    ['elasticfilesystem:DeleteMountTarget', efs, { ...viaCfn, ...clusterTagged }],
    ['elasticfilesystem:DeleteFileSystem', efs, { ...viaCfn, ...clusterTagged }],
  ]);
  if (opts.fsxLustre) {
    // templates/cluster_stack.py:1029-1113: an FSx for Lustre file system the stack creates (from a backup
    // with BackupId) and its data repository associations, with the stack tags (FSx authorizes them as
    // fsx:TagResource). FileSystemId names an existing one, which pcluster only describes (aws/fsx.py).
    const fsx = `arn:${p}:fsx:${r}:${a}:file-system/fs-0123456789abcdef0`;
    const association = `arn:${p}:fsx:${r}:${a}:association/fs-0123456789abcdef0/dra-0123456789abcdef0`;
    add(users, 'create-cluster', 'templates/cluster_stack.py:1029-1113 (FSx for Lustre file system and data repository associations)', [
      ['fsx:CreateFileSystem', fsx, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:TagResource', fsx, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:CreateFileSystemFromBackup', fsx, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:CreateFileSystemFromBackup', `arn:${p}:fsx:${r}:${a}:backup/backup-0123456789abcdef0`, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:CreateDataRepositoryAssociation', association, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:CreateDataRepositoryAssociation', fsx, { ...viaCfn, ...clusterRequestTags, ...clusterTagged }],
      ['fsx:TagResource', association, { ...viaCfn, ...clusterRequestTags }],
      ['fsx:DescribeFileSystems', '*'],
    ]);
    add(users, 'update-cluster', 'templates/cluster_stack.py:1038-1070 (FSx settings changed by a stack update)', [
      ['fsx:UpdateFileSystem', fsx, { ...viaCfn, ...clusterTagged }],
      ['fsx:UpdateDataRepositoryAssociation', association, { ...viaCfn, ...clusterTagged }],
    ]);
    add(users, 'delete-cluster', 'templates/cluster_stack.py:1029-1113 (the stack deletes its FSx resources)', [
      ['fsx:DeleteDataRepositoryAssociation', association, { ...viaCfn, ...clusterTagged }],
      ['fsx:DeleteFileSystem', fsx, { ...viaCfn, ...clusterTagged }],
    ]);
  }
  // templates/login_nodes_stack.py:234-343: the pool's Auto Scaling group and load balancer, tagged.
  const asg = `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/${clusterName}-${pool}-AutoScalingGroup`;
  const nlb = `arn:${p}:elasticloadbalancing:${r}:${a}:loadbalancer/net/${clusterName}-${pool}/0123456789abcdef`;
  add(users, 'create-cluster', 'templates/login_nodes_stack.py:234-343 (login node pool)', [
    ['autoscaling:CreateAutoScalingGroup', asg, clusterRequestTags],
    ['elasticloadbalancing:CreateLoadBalancer', nlb, clusterRequestTags],
    ['autoscaling:DescribeAutoScalingGroups', '*'],
  ]);
  // The roles pcluster creates itself: on /parallelcluster/<cluster>/ (cdk_builder_utils.py:624-629),
  // with the configuration's boundary (Iam/PermissionsBoundary) in boundary mode.
  const createdRole = `arn:${p}:iam::${a}:role/parallelcluster/${clusterName}/${clusterName}-RoleHeadNode-ABC`;
  const boundary: RequestContext = opts.boundaryArn ? { 'iam:PermissionsBoundary': opts.boundaryArn } : {};
  const cwAgent = `arn:${p}:iam::aws:policy/CloudWatchAgentServerPolicy`;
  add(creators, 'create-cluster', 'templates/cdk_builder_utils.py:300-360, 624-629 (roles pcluster creates)', [
    ['iam:CreateRole', createdRole, boundary],
    ['iam:PutRolePolicy', createdRole, boundary],
    ['iam:AttachRolePolicy', createdRole, { ...boundary, 'iam:PolicyARN': cwAgent }],
    ['iam:TagRole', createdRole],
    ['iam:PassRole', createdRole, { 'iam:PassedToService': ec2Service }],
  ]);

  // ---- update-cluster ----
  add(users, 'update-cluster', 'models/cluster.py:877-903 (update_stack_from_url with the tags)', [
    ['cloudformation:UpdateStack', clusterStack, { ...clusterTagged, ...clusterRequestTags }],
    ['cloudformation:GetTemplate', clusterStack, clusterTagged],
    ['cloudformation:DescribeStackEvents', clusterStack],
    ['cloudformation:DescribeStackResources', clusterStack],
    ['dynamodb:PutItem', table],
    ['dynamodb:GetItem', table],
    // The head node's tags, removed by the stack update (CloudFormation); the head node carries the
    // cluster tag from its template (cluster_stack.py:1563, cdk_builder_utils.py:156-206).
    ['ec2:DeleteTags', instance, { ...viaCfn, ...clusterInstance }],
  ]);
  // What CloudFormation changes in the stack's existing EC2 resources on update and deletion, with the
  // user's credentials (aws:CalledVia). The stack's tags (models/cluster.py:925-942) are on every resource
  // of the stack that takes tags; launch templates take none (cdk_builder_utils.py:169-206).
  const clusterGroup = `arn:${p}:ec2:${r}:${a}:security-group/sg-0123456789abcdef0`;
  const configGroup = `arn:${p}:ec2:${r}:${a}:security-group/sg-0aaaaaaaaaaaaaaaa`;
  const headEni = `arn:${p}:ec2:${r}:${a}:network-interface/eni-0123456789abcdef0`;
  const clusterVolume = `arn:${p}:ec2:${r}:${a}:volume/vol-0123456789abcdef1`;
  const clusterTemplate = `arn:${p}:ec2:${r}:${a}:launch-template/lt-0123456789abcdef0`;
  const viaCfnTagged: RequestContext = { ...viaCfn, ...clusterInstance };
  add(users, 'update-cluster', 'templates/cluster_stack.py:588-611, 770-990, 1209-1224, 1267; queues_stack.py:121, 297 (the stack\'s EC2 resources, by CloudFormation)', [
    ['ec2:AuthorizeSecurityGroupIngress', clusterGroup, viaCfnTagged],
    ['ec2:AuthorizeSecurityGroupEgress', clusterGroup, viaCfnTagged],
    ['ec2:RevokeSecurityGroupIngress', clusterGroup, viaCfnTagged],
    ['ec2:RevokeSecurityGroupEgress', clusterGroup, viaCfnTagged],
    // The head node's ENI given the configuration's (untagged) security groups on update.
    ['ec2:ModifyNetworkInterfaceAttribute', headEni, viaCfnTagged],
    ['ec2:ModifyNetworkInterfaceAttribute', configGroup, viaCfn],
    // HeadNode/Networking/ElasticIp naming an existing (untagged) Elastic IP, associated with the head node's ENI.
    ['ec2:AssociateAddress', `arn:${p}:ec2:${r}:${a}:elastic-ip/eipalloc-0aaaaaaaaaaaaaaaa`, viaCfn],
    ['ec2:AssociateAddress', headEni, viaCfnTagged],
    ['ec2:ModifyVolume', clusterVolume, viaCfnTagged],
    // The launch templates' new versions (untagged: through CloudFormation only).
    ['ec2:CreateLaunchTemplateVersion', clusterTemplate, viaCfn],
    ['ec2:ModifyLaunchTemplate', clusterTemplate, viaCfn],
    // A new security group tagged with the stack's tags right after its creation.
    ['ec2:CreateTags', clusterGroup, { ...viaCfn, ...clusterRequestTags }],
  ]);
  add(users, 'delete-cluster', 'templates/cluster_stack.py (the stack\'s EC2 resources, deleted by CloudFormation)', [
    ['ec2:DeleteSecurityGroup', clusterGroup, viaCfnTagged],
    ['ec2:DeleteNetworkInterface', headEni, viaCfnTagged],
    ['ec2:DisassociateAddress', `arn:${p}:ec2:${r}:${a}:elastic-ip/eipalloc-0aaaaaaaaaaaaaaaa`, viaCfn],
    ['ec2:DisassociateAddress', headEni, viaCfnTagged],
    ['ec2:ReleaseAddress', `arn:${p}:ec2:${r}:${a}:elastic-ip/eipalloc-0123456789abcdef0`, viaCfnTagged],
    ['ec2:DeleteVolume', clusterVolume, viaCfnTagged],
    // SharedStorage/EbsSettings/DeletionPolicy: Snapshot (schemas/cluster_schema.py:241, cluster_stack.py:1221-1223).
    ['ec2:CreateSnapshot', clusterVolume, viaCfnTagged],
    ['ec2:CreateSnapshot', `arn:${p}:ec2:${r}::snapshot/snap-0123456789abcdef1`, viaCfn],
    ['ec2:DeletePlacementGroup', `arn:${p}:ec2:${r}:${a}:placement-group/${clusterName}-compute-pg`, viaCfnTagged],
    ['ec2:DeleteLaunchTemplate', clusterTemplate, viaCfn],
  ]);

  // ---- delete-cluster ----
  add(users, 'delete-cluster', 'models/cluster.py:606-657 (retain the log groups: update without tags, then delete)', [
    ['cloudformation:UpdateStack', clusterStack, clusterTagged],
    ['cloudformation:DeleteStack', clusterStack, clusterTagged],
    ['dynamodb:DeleteTable', table],
    ['lambda:DeleteFunction', `arn:${p}:lambda:${r}:${a}:function:pcluster-CleanupRoute53-0123abcd`, clusterTagged],
    // The stack's private zone, deleted by CloudFormation (slurm_builder.py:212-216).
    ['route53:DeleteHostedZone', hostedZone, viaCfn],
    ['logs:DeleteLogGroup', clusterLogGroup],
    ['logs:DeleteMetricFilter', clusterLogGroup],
    ['logs:DeleteLogGroup', lambdaLogGroup],
    // models/cluster.py:677-722: the compute nodes tagged with the cluster's name.
    ['ec2:TerminateInstances', instance, clusterInstance],
    ['cloudwatch:DeleteDashboards', `arn:${p}:cloudwatch::${a}:dashboard/${clusterName}-${r}`],
    ['cloudwatch:DeleteAlarms', `arn:${p}:cloudwatch:${r}:${a}:alarm:${clusterName}-HeadNode`],
  ]);
  add(users, 'delete-cluster', 'templates/login_nodes_stack.py (login pool deleted by its stack; resources carry the cluster tag)', [
    ['autoscaling:DeleteAutoScalingGroup', asg, { ...clusterTagged, ['autoscaling:ResourceTag/parallelcluster:cluster-name']: clusterName }],
    ['elasticloadbalancing:DeleteLoadBalancer', nlb, clusterTagged],
  ]);
  add(creators, 'delete-cluster', 'templates/cdk_builder_utils.py:300-360 (roles pcluster created)', [
    ['iam:DeleteRolePolicy', createdRole, boundary],
    ['iam:DetachRolePolicy', createdRole, { ...boundary, 'iam:PolicyARN': cwAgent }],
    ['iam:DeleteRole', createdRole],
  ]);
  add(users, 'delete-cluster', 'templates/cdk_builder_utils.py:478-487 (the instance profiles pcluster created)', [
    ['iam:RemoveRoleFromInstanceProfile', profile],
    ['iam:DeleteInstanceProfile', profile],
  ]);
  // export-cluster-logs, get-cluster-log-events, list-cluster-log-streams (models/cluster.py:944-1100; aws/logs.py:51-132).
  add(users, 'cluster-runtime', 'models/cluster.py:944-1100, aws/logs.py:51-132 (logs of a cluster)', [
    ['logs:CreateExportTask', clusterLogGroup],
    ['logs:DescribeExportTasks', '*'],
    ['logs:FilterLogEvents', clusterLogGroup],
    ['logs:DescribeLogStreams', clusterLogGroup],
    ['logs:GetLogEvents', `${clusterLogGroup}:log-stream:ip-10-0-0-1.i-0123456789abcdef0.slurmctld`],
    ['cloudformation:DescribeStackEvents', clusterStack],
    ['cloudformation:ListStacks', '*'],
  ]);

  // ---- reads and writes of the CLI that broad grants covered (issue 19: recorded from pcluster 3.16.1) ----
  const configObject = `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/configs/cluster-config.yaml`;
  add(users, 'update-cluster', 'models/cluster.py:243, 277, aws/s3.py:62-69 (the configuration read back by VersionId)', [
    ['s3:GetObjectVersion', configObject, own],
  ]);
  add(users, 'create-cluster', 'models/s3_bucket.py:150, aws/s3.py:107-109 (encryption of a new cluster bucket)', [
    ['s3:PutEncryptionConfiguration', `arn:${p}:s3:::${bucket}`, own],
  ]);
  add(users, 'cluster-runtime', 'models/compute_fleet_status_manager.py:206, aws/dynamo.py:34-53 (update-compute-fleet)', [
    ['dynamodb:UpdateItem', table],
  ]);
  add(users, 'cluster-runtime', 'models/login_nodes_status.py:85, aws/resource_groups_tagging_api.py:23-42 (describe-cluster)', [
    ['tag:GetResources', '*'],
  ]);
  add(users, 'create-cluster', 'aws/ec2.py (the configuration\'s validators and describe-cluster)', [
    ['ec2:DescribeSubnets', '*'], // aws/ec2.py:84
    ['ec2:DescribeInstanceTypes', '*'], // aws/ec2.py:69
    ['ec2:DescribeInstanceTypeOfferings', '*'], // aws/ec2.py:57
    ['ec2:DescribeImages', '*'], // aws/ec2.py:149
    ['ec2:DescribeInstances', '*'], // aws/ec2.py:222
    ['ec2:DescribeKeyPairs', '*'], // aws/ec2.py:256
    ['ec2:DescribeVpcAttribute', '*'], // aws/ec2.py:266
    ['ec2:DescribeSecurityGroups', '*'], // aws/ec2.py:478
    ['ec2:DescribeVolumes', '*'], // aws/ec2.py:496
    ['ec2:DescribeRouteTables', '*'], // aws/ec2.py:552
    ['ec2:DescribeCapacityReservations', '*'], // aws/ec2.py:104
  ]);
  if (opts.logExportBucket !== undefined) {
    const exportBucket = `arn:${p}:s3:::${opts.logExportBucket}`;
    const exported = `${exportBucket}/${clusterName}-logs-202611301200/0a1b2c3d/ip-10-0-0-1.i-0123456789abcdef0.slurmctld/000000.gz`;
    add(users, 'cluster-runtime', 'models/common.py:137-303 (export-cluster-logs --bucket, export-image-logs --bucket)', [
      ['s3:GetBucketLocation', exportBucket], // aws/s3.py:79
      ['s3:ListBucket', exportBucket], // common.py:161, 226
      ['s3:GetObject', exported], // common.py:248
      ['s3:DeleteObject', exported], // common.py:182
      ['s3:PutObject', `${exportBucket}/${clusterName}-logs-202611301200.tar.gz`], // common.py:299-303
    ]);
  }
  // kms:DescribeKey on the configuration's KmsKeyId (validators/kms_validators.py:17-24) is not a row: KMS also
  // needs the key policy, which the simulator is not given; test/roles/user-role.test.ts checks it with the
  // default key policy.
  if (opts.mungeKeySecretArn !== undefined) {
    add(users, 'create-cluster', 'validators/secret_validators.py:34-54 (MungeKeySecretArn)', [
      ['secretsmanager:GetSecretValue', opts.mungeKeySecretArn],
    ]);
    add(['headNode'], 'cluster-runtime', 'templates/cdk_builder_utils.py:741-768 (munge key and login nodes)', [
      ['secretsmanager:GetSecretValue', opts.mungeKeySecretArn],
      ['elasticloadbalancing:DescribeTargetGroups', '*'],
      ['elasticloadbalancing:DescribeTargetHealth', '*'],
    ]);
  }
  add(['headNode'], 'cluster-runtime', 'templates/cdk_builder_utils.py:848-858 (capacity reservation resource groups)',
    (opts.capacityReservationResourceGroupArns ?? []).map((group): [string, string] => ['resource-groups:ListGroupResources', group]));
  // A volume kept from a deleted cluster carries that cluster's tag.
  add(['headNode'], 'update-cluster', 'templates/cdk_builder_utils.py:671 (SharedStorage VolumeId)', (opts.sharedStorageVolumeIds ?? []).flatMap((id): Array<[string, string, RequestContext]> => [
    ['ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:volume/${id}`, { 'ec2:ResourceTag/parallelcluster:cluster-name': 'deleted-cluster' }],
    ['ec2:DetachVolume', `arn:${p}:ec2:${r}:${a}:volume/${id}`, { 'ec2:ResourceTag/parallelcluster:cluster-name': 'deleted-cluster' }],
  ]));

  // ---- the head node (its daemons: clustermgtd, slurm_resume, cfn-hup, cfn-signal) ----
  add(['headNode'], 'cluster-runtime', 'templates/cdk_builder_utils.py (HeadNodeIamResources) and the cookbook', [
    ['dynamodb:GetItem', table],
    ['dynamodb:PutItem', table],
    ['dynamodb:UpdateItem', table],
    ['dynamodb:BatchWriteItem', table],
    ['dynamodb:BatchGetItem', table],
    ['ec2:RunInstances', instance],
    ['ec2:CreateFleet', `arn:${p}:ec2:${r}:${a}:fleet/fleet-0123abcd`],
    // What slurm_resume's launches refer to: the queue's launch template (untagged), its security group and
    // placement group, the network interface and volumes it creates (cdk_builder_utils.py:780-801).
    ...['ec2:RunInstances', 'ec2:CreateFleet'].flatMap((action): Array<[string, string]> => [
      [action, `arn:${p}:ec2:${r}:${a}:launch-template/lt-0123456789abcdef0`],
      [action, `arn:${p}:ec2:${r}:${a}:volume/vol-0new`],
      [action, `arn:${p}:ec2:${r}:${a}:placement-group/${clusterName}-${queue}`],
    ]),
    ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:network-interface/eni-0new`],
    ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:security-group/sg-0123456789abcdef0`],
    ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:key-pair/hpc-admin`],
    // The official AMI pcluster resolved (owner amazon, pcluster/aws/ec2.py:311).
    ...['ec2:RunInstances', 'ec2:CreateFleet'].map((action): [string, string, RequestContext] =>
      [action, `arn:${p}:ec2:${r}::image/ami-0a1b2c3d4e5f60718`, { 'ec2:Owner': 'amazon' }]),
    // The queues' subnets and custom AMIs, when the configuration names them (computeSubnetIds, computeImageIds).
    ...['ec2:RunInstances', 'ec2:CreateFleet'].flatMap((action) => [
      ...(opts.computeSubnetIds ?? ['subnet-0123456789abcdef0']).map((id): [string, string] => [action, `arn:${p}:ec2:${r}:${a}:subnet/${id}`]),
      ...(opts.computeImageIds ?? []).map((id): [string, string, RequestContext] => [action, `arn:${p}:ec2:${r}::image/${id}`, { 'ec2:Owner': a }]),
    ]),
    ['iam:PassRole', roleArns.computeNode, { 'iam:PassedToService': ec2Service }],
    ['ec2:TerminateInstances', instance, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
    ['ec2:DescribeInstances', '*'],
    ['ec2:CreateTags', instance, clusterInstance],
    // The cluster's EBS volumes (the stack's tags, cluster-name included) on the head node (its launch template's tags).
    ['ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:volume/vol-0123456789abcdef0`, clusterInstance],
    ['ec2:AttachVolume', instance, clusterInstance],
    // templates/cdk_builder_utils.py:671: an update that removes an EBS volume detaches it.
    ['ec2:DetachVolume', `arn:${p}:ec2:${r}:${a}:volume/vol-0123456789abcdef0`, clusterInstance],
    ['ec2:DetachVolume', instance, clusterInstance],
    ['cloudformation:DescribeStackResource', clusterStack],
    ['cloudformation:SignalResource', clusterStack],
    ['cloudformation:DescribeStacks', clusterStack],
    ['route53:ChangeResourceRecordSets', hostedZone, clusterRecords],
    ['s3:GetObject', `arn:${p}:s3:::${r}-aws-parallelcluster/parallelcluster/3.16.1/cookbooks/aws-parallelcluster-cookbook-3.16.1.tgz`],
    ['s3:GetObject', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/configs/cluster-config.yaml`, own],
    ['ec2:GetConsoleOutput', instance, clusterInstance],
    // slurm_plugin (aws-parallelcluster-node 3.16.1): clustermgtd's health checks (EC2 status and scheduled
    // events, instance_manager.py:226-265) and capacity blocks (capacity_block_manager.py:346-368, aws/ec2.py:79-90).
    ['ec2:DescribeInstanceStatus', '*'],
    ['ec2:DescribeCapacityReservations', '*'],
    ...(opts.secretArns ?? []).map((secret): [string, string] => ['secretsmanager:GetSecretValue', secret]),
  ]);
  add(['computeNode'], 'cluster-runtime', 'templates/cdk_builder_utils.py (ComputeNodeIamResources)', [
    ['dynamodb:Query', table],
    ['dynamodb:GetItem', table],
    ['dynamodb:PutItem', table],
    ['s3:GetObject', `arn:${p}:s3:::${r}-aws-parallelcluster/parallelcluster/3.16.1/cookbooks/aws-parallelcluster-cookbook-3.16.1.tgz`],
    ['ec2:DescribeInstanceAttribute', '*'],
    ['cloudformation:DescribeStackResource', clusterStack],
  ]);
  add(['loginNode'], 'cluster-runtime', 'templates/cdk_builder_utils.py (LoginNodesIamResources), login_nodes_stack.py:300-327', [
    ['autoscaling:CompleteLifecycleAction', asg],
    ['s3:GetObject', `arn:${p}:s3:::${r}-aws-parallelcluster/parallelcluster/3.16.1/cookbooks/aws-parallelcluster-cookbook-3.16.1.tgz`],
    ['ec2:DescribeInstanceAttribute', '*'],
    ['dynamodb:PutItem', table],
    ['cloudformation:DescribeStackResource', clusterStack],
    ['cloudformation:DescribeStacks', clusterStack],
  ]);
  add(['lambdaFunctions'], 'delete-cluster', 'resources/custom_resources (cleanup_resources: DNS records, compute nodes, cluster bucket)', [
    ['route53:ListResourceRecordSets', hostedZone],
    ['route53:ChangeResourceRecordSets', hostedZone, clusterRecords],
    ['logs:CreateLogStream', `${lambdaLogGroup}:log-stream:2026/11/30/[$LATEST]0123`],
    ['logs:PutLogEvents', `${lambdaLogGroup}:log-stream:2026/11/30/[$LATEST]0123`],
    ['ec2:DescribeInstances', '*'],
    ['ec2:TerminateInstances', instance, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
    ['s3:ListBucket', `arn:${p}:s3:::${bucket}`, own],
    ['s3:ListBucketVersions', `arn:${p}:s3:::${bucket}`, own],
    ['s3:DeleteObject', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/configs/cluster-config.yaml`, own],
    ['s3:DeleteObjectVersion', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghijklmnop/configs/cluster-config.yaml`, own],
  ]);

  // ---- build-image and delete-image ----
  const imageLower = `parallelclusterimage-${imageId.toLowerCase()}`;
  add(users, 'build-image', 'models/imagebuilder.py:474-480, 641-659 (the image stack, tagged)', [
    ['cloudformation:CreateStack', imageStack, imageRequestTags],
    ['cloudformation:DescribeStacks', imageStack],
    ['cloudformation:DescribeStackEvents', imageStack],
    ['s3:ListBucket', `arn:${p}:s3:::${bucket}`],
    ['s3:PutObject', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/images/${imageId}-abc/configs/image-config.yaml`, own],
    ['iam:PassRole', roleArns.imageInstance, { 'iam:PassedToService': ec2Service }],
    // templates/imagebuilder_stack.py:622-631: the build's instance profile on /parallelcluster/.
    ['iam:CreateInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-0123abcd`],
    ['iam:AddRoleToInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-0123abcd`],
    ['iam:RemoveRoleFromInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-0123abcd`],
    ['imagebuilder:CreateImageRecipe', `arn:${p}:imagebuilder:${r}:${a}:image-recipe/${imageLower}/3.16.1`],
    ['imagebuilder:CreateInfrastructureConfiguration', `arn:${p}:imagebuilder:${r}:${a}:infrastructure-configuration/${imageLower}`],
    ['imagebuilder:CreateImage', imageBuilderImage],
    ['lambda:CreateFunction', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-${imageId}`],
    ['logs:CreateLogGroup', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/ParallelClusterImage-${imageId}`,
      { 'aws:TagKeys': ['parallelcluster:image_id'], 'aws:RequestTag/parallelcluster:image_id': imageId }],
    // The stack's tags reach the log groups it creates.
    ['logs:TagResource', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/ParallelClusterImage-${imageId}`,
      { 'aws:TagKeys': ['parallelcluster:image_id'], 'aws:RequestTag/parallelcluster:image_id': imageId }],
    ['logs:CreateExportTask', imageLogGroup],
    ['logs:DescribeLogStreams', imageLogGroup],
    ['sns:CreateTopic', `arn:${p}:sns:${r}:${a}:ParallelClusterImage-${imageId}`],
    ['logs:FilterLogEvents', imageLogGroup],
    ['logs:GetLogEvents', `${imageLogGroup}:log-stream:3.16.1/1`],
  ]);
  add(users, 'build-image', 'models/imagebuilder_resources.py:64, imagebuilder.py:781-789 and common.py:281-283 (describe-image, list-images, get-image-stack-events, export-image-logs)', [
    ['cloudformation:DescribeStackResource', imageStack, imageTagged],
    ['cloudformation:DescribeStackEvents', imageStack, imageTagged],
  ]);
  // The image stack's resources, deleted by CloudFormation with the user's credentials (imagebuilder.py:555).
  const imageProfile = `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-${imageStackId}`;
  add(users, 'delete-image', 'models/imagebuilder.py:555, templates/imagebuilder_stack.py:622-631 (a failed build\'s stack deleted by the user)', [
    ['iam:RemoveRoleFromInstanceProfile', imageProfile],
    ['iam:DeleteInstanceProfile', imageProfile],
    ['lambda:GetFunction', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-${imageId}`],
    ['lambda:GetPolicy', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-${imageId}`],
    ['lambda:DeleteFunction', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-${imageId}`],
  ]);
  add(users, 'delete-image', 'models/imagebuilder.py:593, aws/ec2.py:231-239 (is the image shared with other accounts?)', [
    ['ec2:DescribeImageAttribute', '*'],
  ]);
  add(users, 'delete-image', 'models/s3_bucket.py:262-263, aws/s3_resource.py:45-52 (the image artifacts, every version)', [
    ['s3:ListBucketVersions', `arn:${p}:s3:::${bucket}`, own],
    ['s3:DeleteObjectVersion', `arn:${p}:s3:::${bucket}/parallelcluster/3.16.1/images/${imageId}-abc/configs/image-config.yaml`, own],
  ]);
  add(users, 'delete-image', 'models/imagebuilder.py:545-570 (stack, AMI and snapshots)', [
    ['cloudformation:DeleteStack', imageStack, imageTagged],
    // The AMI carries the tags of the image stack's distribution (templates/imagebuilder_stack.py:130-147,
    // 316): pcluster finds it by its image-id tag (aws/ec2.py:189-198); a failed build's AMI by its Image
    // Builder ARN tag (aws/ec2.py:200-213).
    ['ec2:DeregisterImage', ami, { 'ec2:ResourceTag/parallelcluster:image_id': imageId }],
    ['ec2:DeregisterImage', ami, { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/parallelclusterimage-${imageId.toLowerCase()}/3.16.1/1` }],
    ['ec2:DeleteSnapshot', `arn:${p}:ec2:${r}::snapshot/snap-0123456789abcdef0`],
    ['imagebuilder:DeleteImage', imageBuilderImage],
  ]);
  add(['imageInstance'], 'build-image', 'resources/imagebuilder/parallelcluster_tag.yaml (test phase, on the AMI under test)', [
    ['ec2:CreateTags', ami, builtAmi],
    ['ec2:ModifyImageAttribute', ami, builtAmi],
  ]);
  add(['imageCleanup'], 'build-image', 'resources/lambda_functions/delete_image_stack (templates/imagebuilder_stack.py:491-526)', [
    ['cloudformation:DeleteStack', imageStack, imageTagged],
    ['imagebuilder:DeleteImage', imageBuilderImage],
    ['lambda:DeleteFunction', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-${imageId}`],
    ['sns:DeleteTopic', `arn:${p}:sns:${r}:${a}:ParallelClusterImage-${imageId}`],
    // Deleting the image stack deletes the build's own role and profile (imagebuilder_stack.py _add_instance_role,
    // _add_instance_profile: `ParallelClusterImage-<stack id>`), through the cleanup role's credentials.
    ['iam:RemoveRoleFromInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-${imageStackId}`],
    ['iam:DeleteInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/ParallelClusterImage-${imageStackId}`],
    ['iam:DetachRolePolicy', `arn:${p}:iam::${a}:role/parallelcluster/ParallelClusterImage-${imageStackId}`],
    ['iam:DeleteRolePolicy', `arn:${p}:iam::${a}:role/parallelcluster/ParallelClusterImage-${imageStackId}`],
    ['iam:DeleteRole', `arn:${p}:iam::${a}:role/parallelcluster/ParallelClusterImage-${imageStackId}`],
  ]);
  return calls;
}

export function describeCall(c: { action: string; resource: string; context?: RequestContext }): string {
  return `${c.action} on ${c.resource}${c.context && Object.keys(c.context).length > 0 ? ` ${JSON.stringify(c.context)}` : ''}`;
}
