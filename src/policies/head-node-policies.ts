import { PolicyContext, allow } from './context';
import { iam } from '../private/cdk';
import { CLUSTER_NAME_TAG, OFFICIAL_IMAGE_OWNER, PCLUSTER_RESOURCES } from '../private/pcluster-rules';

/*
 * Statements of the head node role: the seed doc's section "Head node IAM role" (blocks
 * `headNode.slurm` and `headNode.awsBatch` of shared/reference/seed-policies.json; the AWS Batch block
 * is the repaired one). One factory per block; the construct wiring lives in ../head-node-role.ts.
 * Statements the two blocks share are written once below. Deliberate differences from the doc are
 * marked `DIFF:` and listed in docs/doc-differences.md.
 */

/**
 * How many role ARNs one PassRole statement for custom compute node roles holds. Each ARN of a role
 * created in the same app is sized at 256 characters (see policy-size.ts), so ten stay far below one
 * managed policy's 6,144 and let `createSizedManagedPolicies` spread many queues over several policies.
 */
const ROLE_ARNS_PER_STATEMENT = 10;

/** What the head node statements need besides the stack. */
export interface HeadNodeStatementOptions {
  /** ARNs for `secretsmanager:GetSecretValue` (the doc's `<SECRET_ID>`); none omits the statement. */
  readonly secretArns: string[];
  /** Compute node roles the Slurm head node passes to EC2, possibly outside the cluster path. */
  readonly computeNodeRoleArns: string[];
  /**
   * The cluster has a custom munge key (`Scheduling/SlurmSettings/MungeKeySecretArn`) and login nodes:
   * the head node reads the login nodes' target groups. Default false.
   */
  readonly loginNodesWithMungeKey?: boolean;
  /** Capacity reservation resource groups (`CapacityReservationTarget/CapacityReservationResourceGroupArn`). */
  readonly capacityReservationResourceGroupArns?: string[];
  /** EBS volume ARNs the configuration names by ID (`SharedStorage/EbsSettings/VolumeId`). */
  readonly sharedVolumeArns?: string[];
  /**
   * Attach and detach only volumes (and to instances) that carry a cluster-name tag, besides
   * `sharedVolumeArns`: the volumes of the configuration are known. Default false: any volume.
   */
  readonly volumesByTag?: boolean;
  /** The subnets compute nodes are launched in (ARNs); undefined: any subnet. */
  readonly computeSubnetArns?: string[];
  /**
   * The AMIs compute nodes are launched from besides ParallelCluster's official ones (ARNs); undefined:
   * any AMI.
   */
  readonly computeImageArns?: string[];
}

/** Block `headNode.slurm`: the head node of a Slurm cluster. */
export function headNodeSlurmStatements(ctx: PolicyContext, options: HeadNodeStatementOptions): iam.PolicyStatement[] {
  return [
    allow('S3ParallelClusterObjects', ['s3:GetObject', 's3:GetObjectVersion'], [
      ctx.s3(`${ctx.region}-aws-parallelcluster/*`),
      ctx.s3(`dcv-license.${ctx.region}/*`),
      ctx.s3(PCLUSTER_RESOURCES.resourcesBucketObjects),
    ]),
    allow('DynamoDB', [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
    ], [ctx.arn('dynamodb', ctx.region, PCLUSTER_RESOURCES.tables)]),
    terminateComputeNodesStatement(),
    ...runInstancesStatements(ctx, options),
    // DIFF: EC2 is also `ec2.amazonaws.com.cn` in China.
    allow('IamPassRole', ['iam:PassRole'], [ctx.rolesOnPath, ctx.instanceProfilesOnPath], {
      StringEquals: { 'iam:PassedToService': ctx.ec2ServiceNames },
    }),
    // DIFF: the doc says a compute role that overrides the default must be added to the Resource of
    // the PassRole above. They get statements of their own instead (same action and condition), so that
    // the doc's statement stays as written and a cluster with many queues is split across policies.
    ...passComputeNodeRolesStatements(ctx, options.computeNodeRoleArns),
    headNodeEc2DescribeStatement(),
    ...headNodeEc2TagsAndVolumesStatement(ctx, options.volumesByTag ?? false),
    allow('CloudFormation', ['cloudformation:DescribeStackResource', 'cloudformation:SignalResource'], ['*']),
    // DIFF (issue 18, finding 6): only the records ParallelCluster writes (see clusterRecordStatement).
    clusterRecordStatement('Route53', ['route53:ChangeResourceRecordSets'], ['*']),
    ...getSecretValueStatements(options.secretArns),
    ...headNodeConfigurationStatements(options),
  ];
}

/** Block `headNode.awsBatch` (repaired): the head node of an AWS Batch cluster. */
export function headNodeAwsBatchStatements(ctx: PolicyContext, secretArns: string[], sharedVolumeArns: string[] = [],
  volumesByTag = false): iam.PolicyStatement[] {
  return [
    // DIFF: the cluster bucket is in the cluster's account (pcluster/models/s3_bucket.py:106-145); the doc's
    // pattern would let the head node write to a bucket of that name in any account.
    allow('S3ClusterBucketObjects', ['s3:GetObject', 's3:PutObject', 's3:GetObjectVersion'],
      [ctx.s3(PCLUSTER_RESOURCES.resourcesBucketObjects)], { StringEquals: { 'aws:ResourceAccount': ctx.account } }),
    allow('S3ParallelClusterObjects', ['s3:GetObject'], [
      ctx.s3(`dcv-license.${ctx.region}/*`),
      ctx.s3(`${ctx.region}-aws-parallelcluster/*`),
    ]),
    allow('IamPassRole', ['iam:PassRole'], [ctx.rolesOnPath, ctx.instanceProfilesOnPath], {
      StringEquals: { 'iam:PassedToService': ['batch.amazonaws.com'] },
    }),
    allow('BatchRead', [
      'batch:DescribeJobQueues',
      'batch:DescribeJobs',
      'batch:ListJobs',
      'batch:DescribeComputeEnvironments',
    ], ['*']),
    allow('BatchJobs', [
      'batch:SubmitJob',
      'batch:TerminateJob',
      'logs:GetLogEvents',
      'ecs:ListContainerInstances',
      'ecs:DescribeContainerInstances',
    ], [
      ctx.arn('logs', ctx.region, 'log-group:/aws/batch/job:log-stream:PclusterJobDefinition*'),
      ctx.arn('ecs', ctx.region, 'container-instance/AWSBatch-PclusterComputeEnviron*'),
      ctx.arn('ecs', ctx.region, 'cluster/AWSBatch-Pcluster*'),
      ctx.arn('batch', ctx.region, 'job-queue/PclusterJobQueue*'),
      ctx.arn('batch', ctx.region, 'job-definition/PclusterJobDefinition*:*'),
      ctx.arn('batch', ctx.region, 'job/*'),
    ]),
    headNodeEc2DescribeStatement(),
    ...headNodeEc2TagsAndVolumesStatement(ctx, volumesByTag),
    allow('CloudFormation', [
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStacks',
      'cloudformation:SignalResource',
    ], ['*']),
    ...getSecretValueStatements(secretArns),
    ...headNodeConfigurationStatements({ secretArns, computeNodeRoleArns: [], sharedVolumeArns }),
  ];
}

/**
 * What ParallelCluster grants its own head node role for settings of the configuration the doc does not
 * cover (aws-parallelcluster 3.16.1, templates/cdk_builder_utils.py). Each statement only with its setting.
 *
 * DIFF: not in the doc.
 */
export function headNodeConfigurationStatements(options: HeadNodeStatementOptions): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (options.loginNodesWithMungeKey) {
    // cdk_builder_utils.py:741-768 (Sid TargetGroupDescribe): with MungeKeySecretArn and login nodes, the
    // head node checks the login nodes' target group health before rotating the key.
    statements.push(allow('TargetGroupDescribe', [
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
    ], ['*']));
  }
  const groups = options.capacityReservationResourceGroupArns ?? [];
  if (groups.length > 0) {
    // cdk_builder_utils.py:848-858 (Sid AllowManagingReservedCapacity): the head node lists the
    // reservations of each group. RunInstances and CreateFleet, which upstream also names there, the
    // head node has on `*` already.
    statements.push(allow('CapacityReservationResourceGroups', ['resource-groups:ListGroupResources'], groups));
  }
  const volumes = options.sharedVolumeArns ?? [];
  if (volumes.length > 0) {
    // A volume named by ID in SharedStorage may carry the tag of the cluster that created it (a volume
    // kept from a deleted cluster): scoped to a cluster, EC2TagsAndVolumes would refuse it. These are
    // granted by ID, never by tag (cluster-scope.ts leaves statements on named volumes alone); the
    // instance is still checked by EC2TagsAndVolumes (cdk_builder_utils.py:671).
    statements.push(allow('SharedStorageVolumes', ['ec2:AttachVolume', 'ec2:DetachVolume'], volumes));
  }
  return statements;
}

/** The ARN of an EBS volume named by ID, in the policy's region. */
export function volumeArn(ctx: PolicyContext, volumeId: string): string {
  return ctx.arn('ec2', ctx.region, `volume/${volumeId}`);
}

/**
 * `ec2:TerminateInstances` on the cluster's compute nodes only (tag `parallelcluster:node-type` is
 * `Compute`). In blocks `headNode.slurm` and `lambdaFunctions`.
 */
export function terminateComputeNodesStatement(): iam.PolicyStatement {
  return allow('EC2TerminateComputeNodes', ['ec2:TerminateInstances'], ['*'], {
    StringEquals: { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' },
  });
}

/**
 * The doc's `secretsmanager:GetSecretValue` on `secret:<SECRET_ID>`, in both head node blocks.
 *
 * DIFF: the placeholder becomes the given secrets; with none, the statement is omitted (it is only
 * needed for a directory service, Slurm accounting database or munge key secret).
 */
export function getSecretValueStatements(secretArns: string[]): iam.PolicyStatement[] {
  return secretArns.length === 0 ? [] : [allow('SecretsManagerGetSecretValue', ['secretsmanager:GetSecretValue'], secretArns)];
}

function passComputeNodeRolesStatements(ctx: PolicyContext, roleArns: string[]): iam.PolicyStatement[] {
  const unique = [...new Set(roleArns)];
  const statements: iam.PolicyStatement[] = [];
  for (let start = 0; start < unique.length; start += ROLE_ARNS_PER_STATEMENT) {
    const part = statements.length + 1;
    statements.push(allow(part === 1 ? 'IamPassComputeNodeRoles' : `IamPassComputeNodeRoles${part}`, ['iam:PassRole'],
      unique.slice(start, start + ROLE_ARNS_PER_STATEMENT), {
        StringEquals: { 'iam:PassedToService': ctx.ec2ServiceNames },
      }));
  }
  return statements;
}

function headNodeEc2DescribeStatement(): iam.PolicyStatement {
  return allow('EC2Describe', [
    'ec2:DescribeInstances',
    'ec2:DescribeInstanceStatus',
    'ec2:DescribeVolumes',
    'ec2:DescribeInstanceAttribute',
  ], ['*']);
}

/**
 * The doc's `ec2:CreateTags` and `ec2:AttachVolume` on instances and volumes.
 *
 * DIFF (issue 18, finding 7): tags go on instances and volumes of a cluster (they carry the cluster-name
 * tag from the launch templates' tag specifications, cdk_builder_utils.py:156-206), or on a resource as
 * it is created (`ec2:CreateAction`: compute nodes launched with the queues' launch templates). Tagging
 * any instance `parallelcluster:node-type=Compute` would otherwise let the head node terminate it
 * (`EC2TerminateComputeNodes`).
 *
 * DIFF (issue 18, finding 7): with `volumesByTag` (the configuration's volumes are known: a cluster scope,
 * or `sharedStorageVolumeIds` given), AttachVolume and DetachVolume only on instances and volumes that
 * carry a cluster-name tag (a role scoped with `clusterName` gets that cluster's, cluster-scope.ts). The
 * volumes ParallelCluster creates get it from the stack tags (models/cluster.py:393,903,925-935; the
 * CfnVolume of templates/cluster_stack.py:1215-1222 sets only Name, and CloudFormation adds the stack's),
 * the head node from its launch template (cdk_builder_utils.py:156-206); an existing volume named in
 * SharedStorage by ID is granted by ID (`SharedStorageVolumes`). Without it AttachVolume stays on every
 * volume, as ParallelCluster's own head node role has it (cdk_builder_utils.py:669-686): an existing
 * volume carries no ParallelCluster tag.
 */
function headNodeEc2TagsAndVolumesStatement(ctx: PolicyContext, volumesByTag: boolean): iam.PolicyStatement[] {
  const instancesAndVolumes = [ctx.arn('ec2', ctx.region, 'instance/*'), ctx.arn('ec2', ctx.region, 'volume/*')];
  return [
    // DIFF: the doc forgets ec2:DetachVolume, which ParallelCluster always grants its head node
    // (templates/cdk_builder_utils.py:671, Sid Ec2TagsAndVolumes): an update that removes an EBS volume fails without it.
    allow('EC2TagsAndVolumes', ['ec2:AttachVolume', 'ec2:DetachVolume'], instancesAndVolumes,
      volumesByTag ? { StringLike: { [`ec2:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' } } : undefined),
    allow('EC2TagClusterResources', ['ec2:CreateTags'], instancesAndVolumes, {
      StringLike: { [`ec2:ResourceTag/${CLUSTER_NAME_TAG}`]: '*' },
    }),
    allow('EC2TagOnCreate', ['ec2:CreateTags'], instancesAndVolumes, { Null: { 'ec2:CreateAction': 'false' } }),
  ];
}

/**
 * The resource types a compute node launch names besides its subnet and AMI: what ParallelCluster's own head
 * node role lists (templates/cdk_builder_utils.py:780-801: fleet, network interface, instance, volume, key
 * pair, security group, launch template, placement group), with capacity reservations (the queues'
 * CapacityReservationTarget, cdk_builder_utils.py:836-846) and Spot requests (Spot queues launched by
 * RunInstances). No `snapshot`: an AMI's own snapshots are not authorized, and ParallelCluster names none.
 */
const LAUNCH_RESOURCE_TYPES = ['instance', 'volume', 'network-interface', 'fleet', 'spot-instances-request', 'security-group',
  'launch-template', 'placement-group', 'key-pair', 'capacity-reservation'];

/**
 * `ec2:RunInstances` (and `ec2:CreateFleet` from 3.3, revisions.ts) of compute nodes.
 *
 * DIFF (issue 18, finding 7): never with a snapshot named in the launch (`ec2:SnapshotID` is set only for a
 * `snapshot` resource the request names): ParallelCluster's own head node role has no `snapshot` resource.
 * When the configuration's subnets or AMIs are known (`computeSubnetArns`, `computeImageArns`), the launch
 * is limited to them as ParallelCluster's own head node role is (cdk_builder_utils.py:780-801: the queues'
 * subnets and `image_dict`, config/cluster_config.py:3209-3218, the queue's or the cluster's custom AMI, or
 * the official one). The official AMI is resolved by pcluster at create time, so it is matched by its owner
 * (`ec2:Owner` = `amazon`, pcluster/aws/ec2.py:311; the AWS EC2 User Guide's example policies restrict
 * launches to Amazon's AMIs this way) in a statement of its own.
 */
function runInstancesStatements(ctx: PolicyContext, options: HeadNodeStatementOptions): iam.PolicyStatement[] {
  const subnets = options.computeSubnetArns;
  const images = options.computeImageArns;
  if (subnets === undefined && images === undefined) {
    return [allow('EC2RunInstances', ['ec2:RunInstances'], ['*'], noNamedSnapshot())];
  }
  const resources = [
    ...LAUNCH_RESOURCE_TYPES.map((type) => ctx.arn('ec2', ctx.region, `${type}/*`)),
    ...(subnets ?? [ctx.arn('ec2', ctx.region, 'subnet/*')]),
    ...(images ?? [imageArn(ctx, '*')]),
  ];
  return [
    allow('EC2RunInstances', ['ec2:RunInstances'], resources),
    ...(images === undefined ? [] : [allow('EC2RunOfficialImages', ['ec2:RunInstances'], [imageArn(ctx, '*')], {
      StringEquals: { 'ec2:Owner': OFFICIAL_IMAGE_OWNER },
    })]),
  ];
}

/** The ARN of an AMI (no account: images are shared across accounts), in the policy's region. */
export function imageArn(ctx: PolicyContext, imageId: string): string {
  return ctx.arn('ec2', ctx.region, `image/${imageId}`, '');
}

/** The ARN of a subnet, in the policy's region. */
export function subnetArn(ctx: PolicyContext, subnetId: string): string {
  return ctx.arn('ec2', ctx.region, `subnet/${subnetId}`);
}

/**
 * The condition of an instance launch (`ec2:RunInstances`) that names no snapshot: EC2 authorizes a
 * snapshot given in the block device mappings as a `snapshot` resource, with `ec2:SnapshotID` (Service
 * Authorization Reference, Amazon EC2, RunInstances); ParallelCluster never names one.
 */
export function noNamedSnapshot(): Record<string, Record<string, unknown>> {
  return { Null: { 'ec2:SnapshotID': 'true' } };
}

/**
 * A Route 53 record change limited to the records ParallelCluster writes: `<node>.<cluster>.<domain>`,
 * in the cluster's zone (templates/slurm_builder.py:80-87: the domain is `<lower-case cluster>.pcluster.`
 * unless Dns/HostedZoneId names a zone). Route 53 normalizes record names (lower case, no final dot) in
 * `route53:ChangeResourceRecordSetsNormalizedRecordNames`, for every change action.
 *
 * DIFF (issue 18, finding 6): the doc allows any record of any zone, public ones included. Unscoped, the
 * names must end with `.pcluster` (the default domain); a role scoped with `clusterName` gets
 * `*.<cluster>.pcluster`, or `*.<cluster>.*` in the zone `hostedZoneId` names (cluster-scope.ts,
 * CONDITION_RULES). A cluster with Dns/HostedZoneId therefore needs `clusterName` and `hostedZoneId`.
 */
export function clusterRecordStatement(sid: string, actions: string[], resources: string[]): iam.PolicyStatement {
  return allow(sid, actions, resources, {
    'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [PCLUSTER_RESOURCES.privateRecordNames] },
    // ForAllValues holds for a request without the key: require it.
    'Null': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': 'false' },
  });
}
