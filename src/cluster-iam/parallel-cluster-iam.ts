import { createHash } from 'crypto';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ClusterConfigFragmentProps, ConfigFragment, ImageConfigFragmentProps } from './config-fragment';
import { ClusterConfiguration, ImageConfiguration } from '../config/cluster-configuration';
import type { DerivedConfiguration } from '../config/derive';
import { IamAccessMode } from '../iam-access-mode';
import { PermissionsReport } from './permissions-report';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { ParallelClusterPolicyOptions } from '../policy-options';
import { CfnOutput, Construct, iam, Stack, Token } from '../private/cdk';
import { createImageBuildInstanceRole, createImageCleanupLambdaRole } from '../private/image-build-roles';
import { validateAssumedBy } from '../private/input-validation';
import { deriveLib } from '../private/lazy-modules';
import { DEFAULT_IAM_PATH, MAX_LOGIN_NODE_POOLS, MAX_SLURM_QUEUES, checkAwsBatchSupported, checkCount } from '../private/pcluster-rules';
import { markRoleOwner } from '../private/role-quotas';
import { SharedPolicies } from '../private/shared-policies';
import { TemplateValues, writeAtSynthesis, writeFile } from '../private/synth-outputs';
import { validateClusterName, validateIamPath } from '../private/validation';
import { addAcknowledgeableWarning } from '../private/warnings';
import { ComputeNodeRole } from '../roles/compute-node-role';
import { HeadNodeRole } from '../roles/head-node-role';
import { ImageBuilderRoles } from '../roles/image-builder-roles';
import { LambdaFunctionsRole } from '../roles/lambda-functions-role';
import { LoginNodeRole } from '../roles/login-node-role';
import { ParallelClusterUserRole } from '../roles/user-role';
import { Scheduler } from '../scheduler';

/** Properties of `ParallelClusterIam`. */
export interface ParallelClusterIamProps extends ParallelClusterPolicyOptions {
  /**
   * The cluster's scheduler (`Scheduling/Scheduler`).
   *
   * @default Scheduler.SLURM
   */
  readonly scheduler?: Scheduler;

  /**
   * The names of the cluster's Slurm queues (`Scheduling/SlurmQueues[]/Name`): one `ComputeNodeRole`
   * per queue. Lower-case letters, digits and hyphens, starting with a letter, at most 25 characters,
   * not `default`; at most 50 queues (ParallelCluster's limits). Slurm only.
   *
   * @default ['compute'] for Slurm; none for AWS Batch
   */
  readonly slurmQueues?: string[];

  /**
   * The names of the cluster's login node pools (`LoginNodes/Pools[]/Name`, ParallelCluster 3.7+): one
   * `LoginNodeRole` per pool. The same naming rule as queues; at most 10 pools (ParallelCluster's limit).
   * Slurm only.
   *
   * @default - no login nodes
   */
  readonly loginNodePools?: string[];

  /**
   * How much IAM the user role may do.
   *
   * @default IamAccessMode.restricted() - the user may only pass the roles created here
   */
  readonly iamAccessMode?: IamAccessMode;

  /**
   * Who may assume the user role.
   *
   * @default - the account root principal, so that IAM policies in the account decide who may assume it
   */
  readonly userPrincipal?: iam.IPrincipal;

  /**
   * Let the user create Amazon FSx for Lustre file systems.
   *
   * @default false
   */
  readonly enableFsxLustre?: boolean;

  /**
   * The S3 buckets FSx for Lustre file systems import from and export to. Needs `enableFsxLustre`.
   *
   * @default - none
   */
  readonly fsxDataRepositoryBuckets?: s3.IBucket[];

  /**
   * Let the user build custom ParallelCluster AMIs, and create the image build's roles
   * (`ImageBuilderRoles`, `imageConfig()`).
   *
   * @default false
   */
  readonly enableImageBuilder?: boolean;

  /**
   * A permissions boundary for every role created here, the user role included. In
   * permissions-boundary mode it must be the mode's boundary (or be left out: the cluster roles then
   * carry the mode's boundary).
   *
   * @default - the mode's boundary on the cluster roles in permissions-boundary mode, otherwise none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * Managed policies attached to the head node role and every compute node role. They also join the
   * user's `iam:PolicyARN` allow-list in privileged and permissions-boundary mode. They are not
   * written as `AdditionalIamPolicies` in the cluster configuration: ParallelCluster refuses that next
   * to `InstanceRole`.
   *
   * @default - none
   */
  readonly additionalIamPolicies?: iam.IManagedPolicy[];

  /**
   * The Secrets Manager secrets the cluster configuration refers to (directory service, Slurm
   * accounting database, munge key): the user may `secretsmanager:DescribeSecret` them and the head
   * node may `secretsmanager:GetSecretValue` them.
   *
   * @default - none
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The IAM path of every cluster role and instance profile created here. The user role is not on it:
   * a user role on the cluster path could change its own policies.
   *
   * @default '/parallelcluster/'
   */
  readonly iamPath?: string;

  /**
   * Accept roles named in `configuration` (`InstanceRole` of the head node, queues and login pools,
   * `Iam/Roles/LambdaFunctionsRole`) that are off `iamPath` or in another account. The user may pass
   * a named role (node roles to EC2 only, the Lambda functions role to Lambda only), so without this
   * such a role is refused at synthesis with the file, line and setting.
   *
   * @default false - named roles must be on `iamPath`, in the stack's account
   */
  readonly allowExternalRoles?: boolean;

  /**
   * Whether the cluster's and the image build's Lambda functions run in a VPC
   * (`DeploymentSettings/LambdaFunctionsVpcConfig`): their roles then get
   * `service-role/AWSLambdaVPCAccessExecutionRole`.
   *
   * @default false
   */
  readonly lambdaFunctionsInVpc?: boolean;

  /**
   * The cluster's ParallelCluster configuration file: the scheduler, queues, login node pools, secrets,
   * S3 access, custom action scripts, shared storage, permissions boundary, resource prefix and region
   * are derived from it (see docs/config-file.md), and `clusterConfig()` returns the whole file with its
   * `Iam` sections filled in. Explicit props still apply; one that contradicts the file is an error.
   *
   * @default - the cluster is described by the props alone
   */
  readonly configuration?: ClusterConfiguration;

  /**
   * The build-image configuration file: implies `enableImageBuilder`, and `imageConfig()` returns the
   * whole file with `Build/Iam` filled in.
   *
   * @default - no build-image configuration
   */
  readonly imageConfiguration?: ImageConfiguration;

  /**
   * The name of the cluster these roles are for (`pcluster create-cluster --cluster-name`). The head
   * node, compute node, login node and Lambda functions roles are then limited to that cluster's
   * resources, the user role may only create, update and delete that cluster, and the configuration
   * fragment names it. Letters, digits and hyphens, starting with a letter, at most 60 characters.
   *
   * @default - the roles work for any cluster in the account, as the doc's policies do, with a warning
   * (ID `ParallelClusterIam.NO_CLUSTER_NAME_WARNING`, which `acknowledgeWarning` accepts)
   */
  readonly clusterName?: string;

  /**
   * The ID of the cluster's Route 53 private hosted zone (`Scheduling/SlurmSettings/Dns/HostedZoneId`):
   * the head node and the Lambda functions then change records in this zone only. Needs `clusterName`.
   *
   * @default - DNS records in any hosted zone, as in the doc
   */
  readonly hostedZoneId?: string;

  /**
   * Write the configuration fragments (`<stack artifact id>.pcluster-config.yaml` and, with
   * `enableImageBuilder`, `.pcluster-image-config.yaml`) into the cloud assembly. They hold the ARNs as
   * text, so in a stack without a concrete account and region they are not written, with a warning
   * (ID `ParallelClusterIam.FRAGMENT_NOT_WRITTEN_WARNING`, which `acknowledgeWarning` accepts). `false`
   * skips them without a warning, for `cdk synth --strict`; the stack outputs and the report stay.
   *
   * @default true
   */
  readonly configFragmentFiles?: boolean;

  /**
   * Buckets the user exports logs to (`pcluster export-cluster-logs --bucket`, `export-image-logs
   * --bucket`): see `ParallelClusterUserRoleProps.logExportBuckets`. A CLI argument, so never derived
   * from the configuration.
   *
   * @default - logs can be exported only to ParallelCluster's own bucket (`parallelcluster-*`)
   */
  readonly logExportBuckets?: s3.IBucket[];

  /**
   * The KMS keys of the cluster's shared storage (`KmsKeyId`): the user may `kms:DescribeKey` them
   * (ParallelCluster's KMS validator). Derived from the `configuration`.
   *
   * @default - none
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * The cluster's custom munge key (`Scheduling/SlurmSettings/MungeKeySecretArn`): the user and the head
   * node may `secretsmanager:GetSecretValue` it, and with login nodes the head node reads their target
   * groups. Derived from the `configuration`.
   *
   * @default - no munge key: ParallelCluster generates one
   */
  readonly mungeKeySecret?: secretsmanager.ISecret;

  /**
   * The capacity reservation resource groups of the queues
   * (`CapacityReservationTarget/CapacityReservationResourceGroupArn`): the head node may
   * `resource-groups:ListGroupResources` them. Derived from the `configuration`.
   *
   * @default - none
   */
  readonly capacityReservationResourceGroupArns?: string[];

  /**
   * The existing EBS volumes of `SharedStorage` (`EbsSettings/VolumeId`): the head node may attach and
   * detach them by ID, whatever cluster tag they carry. When given (even empty), or with `clusterName`,
   * the head node attaches no other volume but a cluster's (`HeadNodeRole`'s `sharedStorageVolumeIds`).
   * Derived from the `configuration` (then always given).
   *
   * @default - none named; without `clusterName` the head node may attach and detach any volume
   */
  readonly sharedStorageVolumeIds?: string[];

  /**
   * The subnets of the Slurm queues (`Scheduling/SlurmQueues/Networking/SubnetIds`): the head node launches
   * compute nodes in these only. Derived from the `configuration`.
   *
   * @default - compute nodes may be launched in any subnet
   */
  readonly computeSubnetIds?: string[];

  /**
   * The custom AMIs of the compute nodes (`Image/CustomAmi`, `Scheduling/SlurmQueues/Image/CustomAmi`): when
   * given (even empty), the head node launches compute nodes only from these and ParallelCluster's official
   * AMIs (owner `amazon`). Derived from the `configuration` (unless `DevSettings/AmiSearchFilters` is set).
   *
   * @default - compute nodes may be launched from any AMI
   */
  readonly computeImageIds?: string[];
}

/**
 * The IAM of a whole ParallelCluster cluster, consistent by construction: the user role, the head node
 * role, one compute node role per Slurm queue, the Lambda functions role and, optionally, the image
 * build's roles, all on one IAM path with one permissions boundary.
 *
 * It tells the user what to paste into the ParallelCluster configuration (`clusterConfig()`,
 * `imageConfig()`, the stack outputs `clusterConfigOutput` and `imageConfigOutput`, and
 * `<stack artifact id>.pcluster-config.yaml` / `.pcluster-image-config.yaml` in the cloud assembly when
 * every ARN is known at synthesis) and what it grants (`<stack artifact id>.iam-report.md` in the cloud
 * assembly).
 *
 * In a stack with a concrete account and region the cluster roles get names derived from the stack,
 * the region, the construct path and the IAM path, so that their ARNs are known at synthesis; in an
 * environment-agnostic stack CloudFormation names them.
 */
export class ParallelClusterIam extends Construct {
  /**
   * The ID of the warning that a configuration fragment was not written (its ARNs are only known at
   * deployment): `Annotations.of(cluster).acknowledgeWarning(ParallelClusterIam.FRAGMENT_NOT_WRITTEN_WARNING)`.
   */
  public static readonly FRAGMENT_NOT_WRITTEN_WARNING = 'cdk-parallelcluster-iam:configFragmentNotWritten';

  /**
   * The ID of the warning that `clusterName` is not set, so that the node and Lambda functions roles reach
   * every cluster's resources in the account and the user role may manage every cluster. Set `clusterName`,
   * or, for roles shared by several clusters on purpose,
   * `Annotations.of(cluster).acknowledgeWarning(ParallelClusterIam.NO_CLUSTER_NAME_WARNING)`.
   */
  public static readonly NO_CLUSTER_NAME_WARNING = 'cdk-parallelcluster-iam:noClusterName';

  /** The role the ParallelCluster CLI or API runs as. */
  public readonly userRole: ParallelClusterUserRole;

  /**
   * The head node role (`HeadNode/Iam/InstanceRole`). None when the `configuration` names the head
   * node's own role or instance profile: reading it then throws.
   */
  public get headNodeRole(): HeadNodeRole {
    if (!this.createdHeadNodeRole) {
      throw new Error(`${this.node.path} has no head node role: the configuration names the head node's own (HeadNode/Iam).`);
    }
    return this.createdHeadNodeRole;
  }

  /** The compute node role of each Slurm queue, by queue name. Empty for AWS Batch. */
  public readonly computeNodeRoles: { [queueName: string]: ComputeNodeRole };

  /** The compute node roles in the order of `queueNames`. */
  public readonly computeNodeRoleList: ComputeNodeRole[];

  /** The Slurm queue names, in order. Empty for AWS Batch. */
  public readonly queueNames: string[];

  /**
   * The Lambda functions role (`Iam/Roles/LambdaFunctionsRole`), with the functions of the cluster's
   * scheduler. None when the `configuration` names its own `Iam/Roles/LambdaFunctionsRole`: reading it
   * then throws.
   */
  public get lambdaFunctionsRole(): LambdaFunctionsRole {
    if (!this.createdLambdaFunctionsRole) {
      throw new Error(`${this.node.path} has no Lambda functions role: the configuration names its own (Iam/Roles/LambdaFunctionsRole).`);
    }
    return this.createdLambdaFunctionsRole;
  }

  /** The login node role of each pool, by pool name. */
  public readonly loginNodeRoles: { [poolName: string]: LoginNodeRole };

  /** The login node pool names, in order. */
  public readonly loginNodePoolNames: string[];

  /**
   * The image build's roles, when `enableImageBuilder` is set, unless the `imageConfiguration` names
   * one of them (`Build/Iam/InstanceRole` or `InstanceProfile`, or `Build/Iam/CleanupLambdaRole`): then
   * only the role the file does not name is created (a role created but unused would be one more the
   * user may pass), `imageConfig()` names it, and this is undefined.
   */
  public readonly imageBuilderRoles?: ImageBuilderRoles;

  /** The scheduler. */
  public readonly scheduler: Scheduler;

  /** The IAM path of the cluster roles. */
  public readonly iamPath: string;

  /** The permissions boundary every cluster role carries, if any (`Iam/PermissionsBoundary`). */
  public readonly permissionsBoundary?: iam.IManagedPolicy;

  /** The cluster the roles are limited to, when `clusterName` is set. */
  public readonly clusterName?: string;

  /**
   * The stack output holding `clusterConfig()`, with real ARNs after deployment. With a `configuration`
   * it holds only the Iam settings (the whole file would grow the template by its size).
   */
  public readonly clusterConfigOutput: CfnOutput;

  /** The stack output holding `imageConfig()`, when `enableImageBuilder` is set. */
  public readonly imageConfigOutput?: CfnOutput;

  /** The ARNs of the image build's roles created here (one of them when the file names the other). */
  private readonly imageRoleArns?: { readonly instanceRoleArn?: string; readonly cleanupLambdaRoleArn?: string };
  private readonly createdHeadNodeRole?: HeadNodeRole;
  private readonly createdLambdaFunctionsRole?: LambdaFunctionsRole;
  private readonly derived?: DerivedConfiguration;

  constructor(scope: Construct, id: string, givenProps: ParallelClusterIamProps = {}) {
    super(scope, id);
    // With a configuration file, the props it implies (merged with the given ones) drive the rest.
    const derived = givenProps.configuration || givenProps.imageConfiguration
      ? deriveLib().deriveConfiguration(this, givenProps, givenProps.configuration, givenProps.imageConfiguration)
      : undefined;
    const props: ParallelClusterIamProps = derived ? { ...givenProps, ...derived.props } : givenProps;
    this.derived = derived;
    // The fix for too many managed policies on one of its roles is in its props.
    const nodeRoles = () => [
      ...(this.createdHeadNodeRole ? [this.createdHeadNodeRole] : []), ...this.computeNodeRoleList, ...Object.values(this.loginNodeRoles),
    ];
    markRoleOwner(this, (role) => nodeRoles().some((r) => r.role === role)
      ? 'Pass fewer additionalIamPolicies to ParallelClusterIam (merge them into one managed policy): each node role gets all of them'
      : undefined);
    const scheduler = props.scheduler ?? Scheduler.SLURM;
    const mode = props.iamAccessMode ?? IamAccessMode.restricted();
    const iamPath = props.iamPath ?? DEFAULT_IAM_PATH;
    validateIamPath('iamPath', iamPath, false);
    if (scheduler === Scheduler.AWS_BATCH) {
      checkAwsBatchSupported('scheduler Scheduler.AWS_BATCH', props.parallelClusterVersion ?? ParallelClusterVersion.LATEST);
    }
    validateAssumedBy(this, 'userPrincipal', props.userPrincipal);
    if (scheduler === Scheduler.AWS_BATCH && props.slurmQueues !== undefined) {
      throw new Error(
        `slurmQueues is [${props.slurmQueues.join(', ')}] but the scheduler is Scheduler.AWS_BATCH: AWS Batch queues have no ` +
        'Iam section and ParallelCluster creates their roles itself. Leave slurmQueues out, or use Scheduler.SLURM.',
      );
    }
    if (scheduler === Scheduler.AWS_BATCH && !mode.grantsIamRights) {
      throw new Error(
        'The scheduler is Scheduler.AWS_BATCH but iamAccessMode is restricted: ParallelCluster creates the AWS Batch roles ' +
        'itself, which restricted mode forbids. Use IamAccessMode.privileged() or IamAccessMode.permissionsBoundary(...).',
      );
    }
    const queueNames = scheduler === Scheduler.SLURM ? [...(props.slurmQueues ?? ['compute'])] : [];
    if (scheduler === Scheduler.SLURM && queueNames.length === 0 && !props.configuration) {
      throw new Error("slurmQueues is empty: a Slurm cluster needs at least one queue. Give its names, for example ['compute'].");
    }
    checkCount('slurmQueues', 'Slurm queue', queueNames, MAX_SLURM_QUEUES);
    ConfigFragment.validateSlurmQueueNames(queueNames);
    const poolNames = [...(props.loginNodePools ?? [])];
    if (scheduler === Scheduler.AWS_BATCH && poolNames.length > 0) {
      throw new Error(
        `loginNodePools is [${poolNames.join(', ')}] but the scheduler is Scheduler.AWS_BATCH: ParallelCluster has login ` +
        'nodes for Slurm clusters only. Leave loginNodePools out, or use Scheduler.SLURM.',
      );
    }
    checkCount('loginNodePools', 'login node pool', poolNames, MAX_LOGIN_NODE_POOLS);
    ConfigFragment.validateLoginNodePoolNames(poolNames);
    const boundary = clusterBoundary(this, props.permissionsBoundary ?? derived?.clusterBoundary, mode);
    if (props.clusterName !== undefined) {
      validateClusterName('clusterName', props.clusterName);
    }
    if (props.hostedZoneId !== undefined && scheduler === Scheduler.AWS_BATCH) {
      throw new Error(
        `hostedZoneId '${props.hostedZoneId}' is set but the scheduler is Scheduler.AWS_BATCH: only Slurm clusters have a hosted zone. ` +
        'Leave hostedZoneId out, or use Scheduler.SLURM.',
      );
    }
    this.clusterName = props.clusterName;
    if (props.clusterName === undefined) {
      // Issue 18 item 11: unscoped is the doc's default, but nothing said how far it reaches.
      addAcknowledgeableWarning(this, ParallelClusterIam.NO_CLUSTER_NAME_WARNING,
        'clusterName is not set: the head node, compute node, login node and Lambda functions roles reach the resources of ' +
        "every cluster in the account (other clusters' DynamoDB tables, instances and Route 53 zones), and the user role may " +
        'create, update and delete every cluster. Set clusterName to the name given to pcluster create-cluster --cluster-name; ' +
        'for roles shared by several clusters on purpose, acknowledge this warning.');
    }

    this.scheduler = scheduler;
    this.iamPath = iamPath;
    this.queueNames = queueNames;
    this.permissionsBoundary = boundary;
    const name = roleNamer(this, iamPath, derived?.namePrefix);

    const policyOptions: ParallelClusterPolicyOptions = {
      parallelClusterVersion: props.parallelClusterVersion,
      region: props.region,
    };
    const nodeProps = {
      ...policyOptions,
      clusterName: props.clusterName,
      additionalIamPolicies: props.additionalIamPolicies,
      permissionsBoundary: boundary,
      iamPath,
    };
    // Queues with identical statements share one set of policies (src/private/shared-policies.ts).
    new SharedPolicies(this, SharedPolicies.ID);
    this.computeNodeRoleList = queueNames.map((queue) => {
      const role = new ComputeNodeRole(this, `ComputeNodeRole-${queue}`, {
        ...(derived ? derived.nodeProps(nodeProps, 'queue', queue) : nodeProps), roleName: name(`Queue-${queue}`),
      });
      derived?.attach(role, 'queue', queue);
      return role;
    });
    this.computeNodeRoles = {};
    queueNames.forEach((queue, index) => {
      this.computeNodeRoles[queue] = this.computeNodeRoleList[index];
    });
    this.createdHeadNodeRole = derived && !derived.createHeadNode ? undefined : new HeadNodeRole(this, 'HeadNodeRole', {
      ...(derived ? derived.nodeProps(nodeProps, 'head') : nodeProps),
      scheduler,
      computeNodeRoles: [...this.computeNodeRoleList.map((r) => r.role), ...(derived?.namedQueueRoles ?? [])],
      secrets: props.secrets,
      mungeKeySecret: props.mungeKeySecret,
      enableLoginNodes: poolNames.length > 0 || (derived?.cluster?.pools.length ?? 0) > 0,
      capacityReservationResourceGroupArns: props.capacityReservationResourceGroupArns,
      sharedStorageVolumeIds: props.sharedStorageVolumeIds,
      computeSubnetIds: scheduler === Scheduler.SLURM ? props.computeSubnetIds : undefined,
      computeImageIds: scheduler === Scheduler.SLURM ? props.computeImageIds : undefined,
      roleName: name('HeadNode'),
      hostedZoneId: scheduler === Scheduler.SLURM ? props.hostedZoneId : undefined,
    });
    if (this.createdHeadNodeRole) {
      derived?.attach(this.createdHeadNodeRole, 'head');
    }
    this.loginNodePoolNames = poolNames;
    this.loginNodeRoles = {};
    for (const pool of poolNames) {
      this.loginNodeRoles[pool] = new LoginNodeRole(this, `LoginNodeRole-${pool}`, {
        ...(derived ? derived.nodeProps(nodeProps, 'pool', pool) : nodeProps), roleName: name(`Login-${pool}`),
      });
      derived?.attach(this.loginNodeRoles[pool], 'pool', pool);
    }
    // A configuration that names its own Iam/Roles/LambdaFunctionsRole gets none (the docs say none is created).
    this.createdLambdaFunctionsRole = derived && !derived.useLambdaFunctionsRole ? undefined : new LambdaFunctionsRole(this, 'LambdaFunctionsRole', {
      ...policyOptions,
      scheduler,
      lambdaFunctionsInVpc: props.lambdaFunctionsInVpc,
      permissionsBoundary: boundary,
      iamPath,
      roleName: name('LambdaFunctions'),
      clusterName: props.clusterName,
      hostedZoneId: props.hostedZoneId,
    });
    if (this.createdLambdaFunctionsRole) {
      derived?.attachLambdaFunctions(this.createdLambdaFunctionsRole.role);
    }
    // A build-image file that names its build identity or its cleanup role gets only the other role created here.
    if (props.enableImageBuilder) {
      const imageProps = {
        ...policyOptions,
        permissionsBoundary: boundary,
        iamPath,
        lambdaFunctionsInVpc: props.lambdaFunctionsInVpc,
        instanceRoleName: name('ImageBuild'),
        cleanupLambdaRoleName: name('ImageCleanup'),
        additionalIamPolicies: derived?.imageAdditionalPolicies(),
      };
      const namedImageRoles = derived?.namedImageRoles ?? { instance: false, cleanup: false };
      if (!namedImageRoles.instance && !namedImageRoles.cleanup) {
        const image = new ImageBuilderRoles(this, 'ImageBuilderRoles', imageProps);
        derived?.attachImage(image.instanceRole);
        this.imageBuilderRoles = image;
        this.imageRoleArns = { instanceRoleArn: image.instanceRoleArn, cleanupLambdaRoleArn: image.cleanupLambdaRoleArn };
      } else if (!namedImageRoles.instance) {
        const instance = createImageBuildInstanceRole(new Construct(this, 'ImageBuildRole'), iamPath, imageProps);
        derived?.attachImage(instance.role);
        this.imageRoleArns = { instanceRoleArn: instance.role.roleArn };
      } else if (!namedImageRoles.cleanup) {
        const cleanup = createImageCleanupLambdaRole(new Construct(this, 'ImageCleanupRole'), iamPath, imageProps);
        this.imageRoleArns = { cleanupLambdaRoleArn: cleanup.role.roleArn };
      }
    }
    this.userRole = new ParallelClusterUserRole(this, 'UserRole', {
      ...policyOptions,
      assumedBy: props.userPrincipal,
      iamAccessMode: mode,
      enableAwsBatch: scheduler === Scheduler.AWS_BATCH,
      enableFsxLustre: props.enableFsxLustre,
      fsxDataRepositoryBuckets: props.fsxDataRepositoryBuckets,
      enableImageBuilder: props.enableImageBuilder,
      secrets: props.secrets,
      // The construct attaches them to the node roles; only a user who creates roles attaches them.
      additionalIamPolicies: mode.grantsIamRights ? props.additionalIamPolicies : undefined,
      iamPath,
      // The roles the configuration names itself: node roles passable to EC2, a Lambda role to Lambda.
      customNodeRoles: derived?.namedRoles,
      customLambdaRoles: derived?.namedLambdaRoles,
      allowExternalRoles: props.allowExternalRoles,
      // Only the explicit boundary: the mode's boundary is for the roles the user creates.
      permissionsBoundary: props.permissionsBoundary,
      clusterNames: props.clusterName === undefined ? undefined : [props.clusterName],
      logExportBuckets: props.logExportBuckets,
      kmsKeys: props.kmsKeys,
      mungeKeySecret: props.mungeKeySecret,
    });
    // What the configuration files ask of the user beyond the props (CustomS3Bucket, DevSettings, an SSM password).
    derived?.attachUser(this.userRole.role);

    this.clusterConfigOutput = new CfnOutput(this, 'ClusterConfig', {
      description: 'The Iam settings of the ParallelCluster cluster configuration (YAML)',
      value: ConfigFragment.cluster(this.clusterFragment((arn) => arn)),
    });
    if (this.imageRoleArns) {
      this.imageConfigOutput = new CfnOutput(this, 'ImageConfig', {
        description: 'The Build/Iam settings of the ParallelCluster build-image configuration (YAML)',
        value: ConfigFragment.image(this.imageFragment((arn) => arn)),
      });
    }
    const fragmentFiles = props.configFragmentFiles ?? true;
    writeAtSynthesis(this, 'AssemblyFiles', (outdir) => this.writeAssemblyFiles(outdir, fragmentFiles));
  }

  /**
   * The compute node role of a Slurm queue.
   *
   * @param queueName the queue's name, one of `queueNames`
   */
  public computeNodeRole(queueName: string): ComputeNodeRole {
    const role = this.computeNodeRoles[queueName];
    if (role === undefined) {
      throw new Error(`There is no Slurm queue '${queueName}': the queues are ${this.queueNames.map((q) => `'${q}'`).join(', ') || 'none'}.`);
    }
    return role;
  }

  /**
   * The cluster configuration's IAM settings as YAML: `Iam/Roles/LambdaFunctionsRole`,
   * `Iam/PermissionsBoundary`, `HeadNode/Iam/InstanceRole`, `Scheduling/Scheduler` and each queue's
   * `Name` and `Iam/InstanceRole`. The ARNs are tokens that resolve at deployment.
   *
   * With a `configuration`, the user's whole file (comments and key order kept) with those settings
   * filled in, and `S3Access`, `AdditionalIamPolicies` and `InstanceProfile` removed from the sections
   * whose role was created here (ParallelCluster refuses them next to `InstanceRole`).
   */
  public clusterConfig(): string {
    return this.derived?.cluster
      ? this.derived.completedCluster(this.clusterFragment((arn) => arn))
      : ConfigFragment.cluster(this.clusterFragment((arn) => arn));
  }

  /**
   * The build-image configuration's IAM settings as YAML: `Build/Iam/InstanceRole`,
   * `Build/Iam/CleanupLambdaRole` and `Build/Iam/PermissionsBoundary`. Needs `enableImageBuilder`.
   * With an `imageConfiguration`, the user's whole file with `Build/Iam` filled in.
   */
  public imageConfig(): string {
    if (this.derived?.image && !this.imageRoleArns) {
      return this.derived.completedImage({
        permissionsBoundaryArn: this.permissionsBoundary ? this.permissionsBoundary.managedPolicyArn : undefined,
      });
    }
    return this.derived?.image
      ? this.derived.completedImage(this.imageFragment((arn) => arn))
      : ConfigFragment.image(this.imageFragment((arn) => arn));
  }

  private clusterFragment(arn: (value: string) => string): ClusterConfigFragmentProps {
    return {
      clusterName: this.clusterName,
      scheduler: this.scheduler,
      lambdaFunctionsRoleArn: this.createdLambdaFunctionsRole ? arn(this.createdLambdaFunctionsRole.roleArn) : undefined,
      permissionsBoundaryArn: this.permissionsBoundary ? arn(this.permissionsBoundary.managedPolicyArn) : undefined,
      // ParallelCluster creates the instance profiles of these roles on `<ResourcePrefix><cluster>/`, and the user
      // role may create them on `<iamPath><cluster>/` only: a path other than ParallelCluster's default goes in.
      resourcePrefix: this.iamPath === DEFAULT_IAM_PATH ? undefined : this.iamPath,
      headNode: this.createdHeadNodeRole ? { instanceRoleArn: arn(this.createdHeadNodeRole.roleArn) } : undefined,
      slurmQueues: this.queueNames.map((queue) => ({ name: queue, instanceRoleArn: arn(this.computeNodeRoles[queue].roleArn) })),
      loginNodePools: this.loginNodePoolNames.map((pool) => ({ name: pool, instanceRoleArn: arn(this.loginNodeRoles[pool].roleArn) })),
    };
  }

  private imageFragment(arn: (value: string) => string): ImageConfigFragmentProps {
    if (!this.imageRoleArns) {
      throw new Error(`${this.node.path} has no image build roles: set enableImageBuilder to true to get imageConfig().`);
    }
    const { instanceRoleArn, cleanupLambdaRoleArn } = this.imageRoleArns;
    return {
      instanceRoleArn: instanceRoleArn === undefined ? undefined : arn(instanceRoleArn),
      cleanupLambdaRoleArn: cleanupLambdaRoleArn === undefined ? undefined : arn(cleanupLambdaRoleArn),
      permissionsBoundaryArn: this.permissionsBoundary ? arn(this.permissionsBoundary.managedPolicyArn) : undefined,
    };
  }

  private writeAssemblyFiles(outdir: string, fragmentFiles: boolean): void {
    const stack = Stack.of(this);
    // One file set per stack keeps the names short; with several ParallelClusterIam in the stack each
    // adds its construct path within the stack.
    const others = stack.node.findAll().filter((c) => c instanceof ParallelClusterIam && Stack.of(c) === stack);
    const base = others.length > 1
      ? `${stack.artifactId}.${this.node.path.substring(stack.node.path.length + 1).replace(/\//g, '.')}`
      : stack.artifactId;
    // One view of the stack's template values for the report and the fragments.
    const values = new TemplateValues(stack);
    writeFile(outdir, `${base}.iam-report.md`,
      PermissionsReport._render(this, `IAM permissions report: ${this.node.path}`, values) + (this.derived?.reportSection() ?? ''));

    if (!fragmentFiles) {
      return;
    }
    // The files hold the ARNs as text, so they are written only when synthesis knows every one of them.
    const unknown = new Set<string>();
    const arn = (value: string) => {
      const rendered = values.render(value);
      rendered.unknown.forEach((u) => unknown.add(u));
      return String(rendered.text);
    };
    const derived = this.derived;
    const files: Array<[string, () => string]> = [[`${base}.pcluster-config.yaml`, () => derived?.cluster
      ? derived.completedCluster(this.clusterFragment(arn)) : ConfigFragment.cluster(this.clusterFragment(arn))]];
    if (this.imageRoleArns) {
      files.push([`${base}.pcluster-image-config.yaml`, () => derived?.image
        ? derived.completedImage(this.imageFragment(arn)) : ConfigFragment.image(this.imageFragment(arn))]);
    }
    for (const [fileName, render] of files) {
      unknown.clear();
      const text = render();
      if (unknown.size === 0) {
        writeFile(outdir, fileName, text);
      } else {
        const list = [...unknown];
        addAcknowledgeableWarning(this, ParallelClusterIam.FRAGMENT_NOT_WRITTEN_WARNING,
          `${fileName} was not written to the cloud assembly: ${list.join(', ')} ${list.length === 1 ? 'is' : 'are'} only known ` +
          'at deployment. Give the stack a concrete account and region (and name any permissions boundary created in it), ' +
          'or read the stack output after deployment (configFragmentFiles: false skips the file).',
        );
      }
    }
  }
}

/** The boundary of the cluster roles: the explicit one or the mode's, refusing two different ones. */
function clusterBoundary(scope: Construct, explicit: iam.IManagedPolicy | undefined, mode: IamAccessMode): iam.IManagedPolicy | undefined {
  const fromMode = mode.boundary;
  if (explicit && fromMode && explicit !== fromMode) {
    const stack = Stack.of(scope);
    const values = new TemplateValues(stack);
    const [a, b] = [explicit, fromMode].map((p) => JSON.stringify(values.render(p.managedPolicyArn).text));
    if (a !== b) {
      throw new Error(
        `permissionsBoundary ${a} differs from the boundary of IamAccessMode.permissionsBoundary ` +
        `${b}: a role has one permissions boundary, and in this mode ParallelCluster requires the mode's. ` +
        'Leave permissionsBoundary out, or pass the same policy to both.',
      );
    }
  }
  return explicit ?? fromMode;
}

/**
 * Names for the cluster roles in a stack with a concrete account and region, so that their ARNs (and
 * the configuration file) are known at synthesis: `<stack name and construct id>-<kind>-<hash>`, at
 * most 64 characters. The hash covers the region (IAM names are global to the account, and the same
 * stack may be deployed to several regions), the construct path and the IAM path (a role whose path
 * changes is replaced, which CloudFormation only does for a new name). Otherwise CloudFormation names
 * the roles.
 */
function roleNamer(scope: Construct, iamPath: string, namePrefix?: string): (kind: string) => string | undefined {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region) || Token.isUnresolved(stack.stackName)) {
    return () => undefined;
  }
  const base = `${stack.stackName}-${scope.node.id}`.replace(/[^\w+=,.@-]/g, '');
  return (kind) => {
    if (namePrefix !== undefined) {
      // `Iam/ResourcePrefix`'s name part starts every role name, as in the roles ParallelCluster creates.
      const hash = createHash('sha256').update([stack.account, stack.region, stack.stackName, scope.node.path, iamPath, kind].join('\n'))
        .digest('hex').substring(0, 8).toUpperCase();
      return `${namePrefix}${kind}-${hash}`.substring(0, 64);
    }
    const hash = createHash('sha256')
      .update([stack.account, stack.region, stack.stackName, scope.node.path, iamPath, kind].join('\n'))
      .digest('hex').substring(0, 8).toUpperCase();
    const room = 64 - kind.length - hash.length - 2;
    return `${base.substring(0, room)}-${kind}-${hash}`;
  };
}
