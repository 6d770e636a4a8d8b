import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NodeRole, NodeRoleProps } from './node-role';
import { S3Access, s3AccessStatements } from './s3-access';
import { nodeClusterScope } from '../policies/cluster-scope';
import { headNodeAwsBatchStatements, headNodeSlurmStatements, volumeArn } from '../policies/head-node-policies';
import { policyBlock, policyContextFor } from '../policies/policy-block';
import { validateRoleArns, validateSecrets } from '../private/input-validation';
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
   * the head node may `ec2:AttachVolume` and `ec2:DetachVolume` them by ID. With `clusterName` the head
   * node otherwise only attaches volumes that carry no other cluster's tag, and a volume kept from a
   * deleted cluster carries that cluster's tag.
   *
   * @default - none: volumes are matched by the cluster-name tag when `clusterName` is set
   */
  readonly sharedStorageVolumeIds?: string[];
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
    if (scheduler === Scheduler.AWS_BATCH && (mungeKey.length > 0 || groups.length > 0)) {
      throw new Error(
        `${mungeKey.length > 0 ? 'mungeKeySecret' : 'capacityReservationResourceGroupArns'} is set but scheduler is Scheduler.AWS_BATCH: ` +
        'munge keys and capacity reservation resource groups are Slurm settings. Leave it out, or use Scheduler.SLURM.',
      );
    }
    const secretArns = [...new Set(secretArnsForPolicies([...(props.secrets ?? []), ...mungeKey]))];
    const sharedVolumeArns = volumeIds.map((volumeId) => volumeArn(ctx, volumeId));
    const statements = scheduler === Scheduler.AWS_BATCH
      ? policyBlock(ctx, 'headNode.awsBatch', headNodeAwsBatchStatements(ctx, secretArns, sharedVolumeArns))
      : policyBlock(ctx, 'headNode.slurm', headNodeSlurmStatements(ctx, {
        secretArns,
        computeNodeRoleArns: rolesOffPath(computeNodeRoles, passRolePath).map((role) => role.roleArn),
        loginNodesWithMungeKey: mungeKey.length > 0 && (props.enableLoginNodes ?? false),
        capacityReservationResourceGroupArns: groups,
        sharedVolumeArns,
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
    const path = role instanceof iam.Role ? (role.node.defaultChild as iam.CfnRole).path : undefined;
    return path === undefined || Token.isUnresolved(path) || !path.startsWith(iamPath);
  });
}

// ParallelCluster's VolumeId rule (schemas/cluster_schema.py:235-238): vol- and 8 or 17 characters.
const VOLUME_ID = /^vol-[0-9a-z]{8}$|^vol-[0-9a-z]{17}$/;
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
