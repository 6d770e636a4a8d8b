import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { NodeRole, NodeRoleProps } from './node-role';
import { S3Access, s3AccessStatements } from './s3-access';
import { nodeClusterScope } from '../policies/cluster-scope';
import { headNodeAwsBatchStatements, headNodeSlurmStatements } from '../policies/head-node-policies';
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
    const secretArns = secretArnsForPolicies(props.secrets);
    const statements = scheduler === Scheduler.AWS_BATCH
      ? policyBlock(ctx, 'headNode.awsBatch', headNodeAwsBatchStatements(ctx, secretArns))
      : policyBlock(ctx, 'headNode.slurm',
        headNodeSlurmStatements(ctx, { secretArns, computeNodeRoleArns: rolesOffPath(computeNodeRoles, passRolePath).map((role) => role.roleArn) }));
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
