import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NodeRole, NodeRoleProps } from './node-role';
import { S3Access, s3AccessStatements } from './s3-access';
import { nodeClusterScope } from '../policies/cluster-scope';
import { headNodeAwsBatchStatements, headNodeSlurmStatements, imageArn, subnetArn, volumeArn } from '../policies/head-node-policies';
import { policyBlock, policyContextFor } from '../policies/policy-block';
import { Construct, iam, Token } from '../private/cdk';
import { validateRoleArns, validateSecrets } from '../private/input-validation';
import { cfnRoleOf } from '../private/library-role';
import { clusterIamPath, secretArnsForPolicies } from '../private/node-role';
import { checkAwsBatchSupported } from '../private/pcluster-rules';
import { Scheduler } from '../scheduler';

/** Properties of a `HeadNodeRole`. */
export interface HeadNodeRoleProps extends NodeRoleProps {
  /**
   * The cluster's scheduler; it decides which of the doc's head node policies the role gets.
   *
   * @default Scheduler.SLURM
   */
  readonly scheduler?: Scheduler;

  /**
   * The compute node roles of the cluster's Slurm queues (`Scheduling/SlurmQueues/Iam/InstanceRole`).
   * The head node launches the compute nodes, so it must be able to pass their roles to EC2; roles on
   * `iamPath` are covered by the path, roles elsewhere only when listed here. With `clusterName` the
   * path only covers `<iamPath><clusterName>/` (where ParallelCluster creates a cluster's roles), so
   * list every compute node role here. Slurm only.
   *
   * @default - the head node may pass only roles on `iamPath`
   */
  readonly computeNodeRoles?: iam.IRole[];

  /**
   * The Secrets Manager secrets the head node reads (`secretsmanager:GetSecretValue`): the directory
   * service password, the Slurm accounting database password, a custom munge key.
   *
   * @default - no secret; the doc's `GetSecretValue` statement is omitted
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * S3 buckets the head node may read, or also write (ParallelCluster's `HeadNode/Iam/S3Access`,
   * which it refuses together with a custom role).
   *
   * @default - no access beyond the buckets ParallelCluster itself uses
   */
  readonly s3Access?: S3Access[];

  /**
   * The ID of the cluster's Route 53 private hosted zone (`Scheduling/SlurmSettings/Dns/HostedZoneId`,
   * or the zone ParallelCluster created), for example `Z0123456789ABCDEFGHIJ`. With `clusterName`, the
   * head node may only change records in this zone. Needs `clusterName`.
   *
   * @default - record changes in any hosted zone, as in the doc
   */
  readonly hostedZoneId?: string;

  /**
   * The cluster's custom munge key (`Scheduling/SlurmSettings/MungeKeySecretArn`): the head node may
   * `secretsmanager:GetSecretValue` it, and with `enableLoginNodes` also
   * `elasticloadbalancing:DescribeTargetGroups` and `DescribeTargetHealth` (it checks the login nodes'
   * target group before changing the key: ParallelCluster's own head node role,
   * templates/cdk_builder_utils.py:741-768). Slurm only.
   *
   * @default - no munge key: ParallelCluster generates one
   */
  readonly mungeKeySecret?: secretsmanager.ISecret;

  /**
   * Whether the cluster has login nodes (`LoginNodes`). Only read with `mungeKeySecret`.
   *
   * @default false
   */
  readonly enableLoginNodes?: boolean;

  /**
   * The capacity reservation resource groups of the cluster's queues
   * (`CapacityReservationTarget/CapacityReservationResourceGroupArn`): the head node may
   * `resource-groups:ListGroupResources` them (templates/cdk_builder_utils.py:848-858). Each an ARN
   * `arn:<partition>:resource-groups:<region>:<account>:group/<name>`, without wildcards. Slurm only.
   *
   * @default - none
   */
  readonly capacityReservationResourceGroupArns?: string[];

  /**
   * The IDs of existing EBS volumes the cluster mounts (`SharedStorage/EbsSettings/VolumeId`, `vol-...`):
   * the head node may `ec2:AttachVolume` and `ec2:DetachVolume` them by ID. When this list is given (even
   * empty), or with `clusterName`, the head node attaches and detaches no other volume but those of a
   * cluster (tag `parallelcluster:cluster-name`; with `clusterName`, that cluster's): list every existing
   * volume the configuration names, including one kept from a deleted cluster (it carries that cluster's tag).
   *
   * @default - none named; without `clusterName` the head node may attach and detach any volume of the
   * account (ParallelCluster's own head node role grants `volume/*`), with it only the cluster's volumes
   */
  readonly sharedStorageVolumeIds?: string[];

  /**
   * The subnets of the cluster's Slurm queues (`Scheduling/SlurmQueues/Networking/SubnetIds`, `subnet-...`):
   * the head node launches compute nodes (`ec2:RunInstances`, `ec2:CreateFleet`) in these subnets only, as
   * ParallelCluster's own head node role does (templates/cdk_builder_utils.py:780-801). Slurm only.
   *
   * @default - compute nodes may be launched in any subnet of the account
   */
  readonly computeSubnetIds?: string[];

  /**
   * The custom AMIs of the cluster's compute nodes (`Image/CustomAmi` and `Scheduling/SlurmQueues/Image/CustomAmi`,
   * `ami-...`). When given (even empty), the head node launches compute nodes only from these and from
   * ParallelCluster's official AMIs (owner `amazon`, which pcluster resolves at create time), as
   * ParallelCluster's own head node role does (templates/cdk_builder_utils.py:780-801). Leave it out when
   * `DevSettings/AmiSearchFilters/Owner` names another owner of the official AMIs. Slurm only.
   *
   * @default - compute nodes may be launched from any AMI
   */
  readonly computeImageIds?: string[];
}

/**
 * The IAM role and instance profile of a ParallelCluster head node (`HeadNode/Iam/InstanceRole` or
 * `InstanceProfile`): the seed doc's "Head node IAM role" for Slurm or AWS Batch.
 */
export class HeadNodeRole extends NodeRole {
  /** The scheduler the role is for. */
  public readonly scheduler: Scheduler;

  constructor(scope: Construct, id: string, props: HeadNodeRoleProps = {}) {
    const scheduler = props.scheduler ?? Scheduler.SLURM;
    const computeNodeRoles = props.computeNodeRoles ?? [];
    const iamPath = clusterIamPath(props.iamPath);
    validateRoleArns(scope, 'computeNodeRoles', computeNodeRoles);
    validateSecrets(scope, 'secrets', props.secrets);
    if (scheduler === Scheduler.AWS_BATCH && computeNodeRoles.length > 0) {
      throw new Error(
        `computeNodeRoles has ${computeNodeRoles.length} role(s) but scheduler is Scheduler.AWS_BATCH: AWS Batch clusters ` +
        'have no Slurm queues and ParallelCluster creates their compute roles itself. Leave computeNodeRoles out, or use Scheduler.SLURM.',
      );
    }
    const ctx = policyContextFor(scope, iamPath, props, nodeClusterScope(props.clusterName, props.hostedZoneId));
    if (scheduler === Scheduler.AWS_BATCH) {
      checkAwsBatchSupported('scheduler Scheduler.AWS_BATCH', ctx.version);
    }
    // Scoped to a cluster, the path PassRole only covers `<iamPath><clusterName>/` (the roles
    // ParallelCluster creates for that cluster), so every compute role elsewhere is listed.
    const passRolePath = props.clusterName === undefined ? iamPath : `${iamPath}${props.clusterName}/`;
    const mungeKey = props.mungeKeySecret === undefined ? [] : [props.mungeKeySecret];
    validateSecrets(scope, 'mungeKeySecret', mungeKey);
    const groups = props.capacityReservationResourceGroupArns ?? [];
    validateResourceGroupArns('capacityReservationResourceGroupArns', groups);
    const volumeIds = props.sharedStorageVolumeIds ?? [];
    validateVolumeIds('sharedStorageVolumeIds', volumeIds);
    validateIds('computeSubnetIds', props.computeSubnetIds, SUBNET_ID, 'a subnet ID', 'subnet-0123456789abcdef0');
    validateIds('computeImageIds', props.computeImageIds, IMAGE_ID, 'an AMI ID', 'ami-0123456789abcdef0');
    if (props.computeSubnetIds !== undefined && props.computeSubnetIds.length === 0) {
      throw new Error('computeSubnetIds is empty: compute nodes could be launched in no subnet. List the SubnetIds of every Slurm queue, or leave it out.');
    }
    const slurmOnly = mungeKey.length > 0 ? 'mungeKeySecret' : groups.length > 0 ? 'capacityReservationResourceGroupArns'
      : props.computeSubnetIds !== undefined ? 'computeSubnetIds' : props.computeImageIds !== undefined ? 'computeImageIds' : undefined;
    if (scheduler === Scheduler.AWS_BATCH && slurmOnly !== undefined) {
      throw new Error(
        `${slurmOnly} is set but scheduler is Scheduler.AWS_BATCH: ` +
        'munge keys, capacity reservation resource groups and compute subnets and AMIs are Slurm settings. Leave it out, or use Scheduler.SLURM.',
      );
    }
    // The configuration's volumes are known: attach and detach only the clusters' (or the cluster's) volumes and these.
    const volumesByTag = props.clusterName !== undefined || props.sharedStorageVolumeIds !== undefined;
    const secretArns = [...new Set(secretArnsForPolicies([...(props.secrets ?? []), ...mungeKey]))];
    const sharedVolumeArns = volumeIds.map((volumeId) => volumeArn(ctx, volumeId));
    const statements = scheduler === Scheduler.AWS_BATCH
      ? policyBlock(ctx, 'headNode.awsBatch', headNodeAwsBatchStatements(ctx, secretArns, sharedVolumeArns, volumesByTag))
      : policyBlock(ctx, 'headNode.slurm', headNodeSlurmStatements(ctx, {
        secretArns,
        computeNodeRoleArns: rolesOffPath(computeNodeRoles, passRolePath).map((role) => role.roleArn),
        loginNodesWithMungeKey: mungeKey.length > 0 && (props.enableLoginNodes ?? false),
        capacityReservationResourceGroupArns: groups,
        sharedVolumeArns,
        volumesByTag,
        computeSubnetArns: props.computeSubnetIds && [...new Set(props.computeSubnetIds)].map((subnetId) => subnetArn(ctx, subnetId)),
        computeImageArns: props.computeImageIds && [...new Set(props.computeImageIds)].map((imageId) => imageArn(ctx, imageId)),
      }));
    super(scope, id, props, {
      description: `AWS ParallelCluster head node (${scheduler === Scheduler.AWS_BATCH ? 'AWS Batch' : 'Slurm'})`,
      iamPath,
      statements: [...statements, ...s3AccessStatements('s3Access', props.s3Access ?? [])],
    });
    this.scheduler = scheduler;
  }
}

/**
 * The roles the doc's PassRole statement (`role/<iamPath>*`) does not already cover: roles imported by
 * ARN, and roles created in this app on another path. Listing covered roles again would only grow the
 * policy (a cluster with many queues would need a second policy, and a managed-policy slot, for nothing).
 */
function rolesOffPath(roles: iam.IRole[], iamPath: string): iam.IRole[] {
  const unique = roles.filter((role, index) => roles.indexOf(role) === index);
  return unique.filter((role) => {
    const path = cfnRoleOf(role)?.path;
    return path === undefined || Token.isUnresolved(path) || !path.startsWith(iamPath);
  });
}

// ParallelCluster's VolumeId rule (schemas/cluster_schema.py:235-238): vol- and 8 or 17 characters.
const VOLUME_ID = /^vol-[0-9a-z]{8}$|^vol-[0-9a-z]{17}$/;
// ParallelCluster's SubnetId rule (schemas/common_schema.py:36) and its CustomAmi rule (PCLUSTER_AMI_ID_REGEX,
// constants.py): subnet- or ami- and 8 or 17 characters.
const SUBNET_ID = /^subnet-[0-9a-z]{8}$|^subnet-[0-9a-z]{17}$/;
const IMAGE_ID = /^ami-[0-9a-z]{8}$|^ami-[0-9a-z]{17}$/;

/** IDs of one kind (never a pattern; tokens are taken as they are). */
function validateIds(what: string, ids: string[] | undefined, rule: RegExp, kind: string, example: string): void {
  for (const id of ids ?? []) {
    if (!Token.isUnresolved(id) && !rule.test(id)) {
      throw new Error(`${what} holds '${id}', which is not ${kind} (no wildcard), e.g. '${example}'.`);
    }
  }
}
const RESOURCE_GROUP_ARN = /^arn:aws[a-z-]*:resource-groups:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:group\/[\w.-]+$/;

/** Volume IDs named by the configuration: `vol-` IDs, never a pattern (tokens are taken as they are). */
export function validateVolumeIds(what: string, ids: string[]): void {
  for (const id of ids) {
    if (!Token.isUnresolved(id) && !VOLUME_ID.test(id)) {
      throw new Error(`${what} holds '${id}', which is not an EBS volume ID (vol- and 8 or 17 letters and digits, no wildcard), e.g. 'vol-0123456789abcdef0'.`);
    }
  }
}

/** Resource group ARNs: whole ARNs, no wildcard (tokens are taken as they are). */
export function validateResourceGroupArns(what: string, arns: string[]): void {
  for (const arn of arns) {
    if (!Token.isUnresolved(arn) && !RESOURCE_GROUP_ARN.test(arn)) {
      throw new Error(
        `${what} holds '${arn}', which is not a resource group ARN without wildcards: ` +
        'write arn:<partition>:resource-groups:<region>:<account>:group/<name>, e.g. group/my-odcrs in account 111122223333 of us-east-1.',
      );
    }
  }
}
