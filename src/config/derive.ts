import { ClusterConfiguration, ImageConfiguration } from './cluster-configuration';
import { completedCluster, completedImage } from './completed';
import { ClusterModel, ImageModel, NodeSection, S3ObjectRef, isRoleArn, ownIdentity } from './model';
import { clusterModelOf, imageModelOf } from './registry';
import { displayPath } from './source';
import { ClusterConfigFragmentProps, ImageConfigFragmentProps } from '../cluster-iam/config-fragment';
import type { ParallelClusterIamProps } from '../cluster-iam/parallel-cluster-iam';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { allow } from '../policies/context';
import { Construct, iam, Stack, Token } from '../private/cdk';
import { externalRoleReason } from '../private/input-validation';
import { kmsLib, s3Lib, secretsManagerLib } from '../private/lazy-modules';
import { DEFAULT_IAM_PATH, IMAGE_ARTIFACT_KEYS, SSM_DIRECTORY_PASSWORD_REGION, clusterArtifactKeys } from '../private/pcluster-rules';
import { TemplateValues } from '../private/synth-outputs';
import { NodeRole } from '../roles/node-role';
import { S3Access } from '../roles/s3-access';
import { Scheduler } from '../scheduler';

/**
 * How a `ParallelClusterIam` with a `configuration` differs from one built from props alone: the props
 * the file implies (merged with the explicit ones, a conflict being an error), and per node section the
 * extra grants the file asks for. The construct's wiring only asks this object.
 */

/** The props of ParallelClusterIam this module reads and writes (a type-only import: no runtime cycle). */
export type ConfigurableProps = Pick<ParallelClusterIamProps, 'scheduler' | 'slurmQueues' | 'loginNodePools' | 'iamAccessMode'
| 'enableFsxLustre' | 'fsxDataRepositoryBuckets' | 'enableImageBuilder' | 'permissionsBoundary' | 'additionalIamPolicies'
| 'secrets' | 'iamPath' | 'lambdaFunctionsInVpc' | 'region' | 'parallelClusterVersion' | 'kmsKeys' | 'mungeKeySecret'
| 'capacityReservationResourceGroupArns' | 'sharedStorageVolumeIds' | 'allowExternalRoles' | 'clusterName' | 'computeSubnetIds' | 'computeImageIds'>;

/** The extra props of one node role. */
export interface NodeExtras {
  readonly s3Access: S3Access[];
  readonly additionalIamPolicies?: iam.IManagedPolicy[];
}

export class DerivedConfiguration {
  /** The merged props. */
  public readonly props: ConfigurableProps;
  /** Whether the construct creates the head node role (false when the file names its own). */
  public readonly createHeadNode: boolean;
  /** Whether the construct creates the Lambda functions role (false when the file names its own). */
  public readonly useLambdaFunctionsRole: boolean;
  /**
   * The image build's roles the build-image file names (`Build/Iam/InstanceRole` or `InstanceProfile`, and
   * `Build/Iam/CleanupLambdaRole`): the construct creates only the others.
   */
  public readonly namedImageRoles: { readonly instance: boolean; readonly cleanup: boolean };
  /** Node roles the file names (kept): the user passes them to EC2 only, the head node the queues' ones. */
  public readonly namedRoles: iam.IRole[];
  /** The `LambdaFunctionsRole` the file names, if a role ARN: the user passes it to Lambda only. */
  public readonly namedLambdaRoles: iam.IRole[];
  public readonly namedQueueRoles: iam.IRole[];
  /** The file's `Iam/PermissionsBoundary`, for the cluster roles only, when no prop or mode gives one. */
  public readonly clusterBoundary?: iam.IManagedPolicy;
  /** Prefix of the role names (`Iam/ResourcePrefix`'s name part). */
  public readonly namePrefix?: string;
  /** Lines for the permissions report. */
  public readonly notes: string[] = [];
  public readonly cluster?: ClusterModel;
  public readonly image?: ImageModel;

  constructor(private readonly scope: Construct, props: ConfigurableProps, cluster?: ClusterConfiguration, image?: ImageConfiguration) {
    const model = cluster ? clusterModelOf(cluster) : undefined;
    const imageModel = image ? imageModelOf(image) : undefined;
    this.cluster = model;
    this.image = imageModel;
    const stack = Stack.of(scope);
    const merged: { -readonly [K in keyof ConfigurableProps]: ConfigurableProps[K] } = { ...props };
    const conflict = (file: string, line: string, message: string) =>
      new Error(`${file}:${line} ${message}`);
    const values = new TemplateValues(stack);
    const render = (v: string) => String(values.render(v).text);

    for (const m of [model, imageModel]) {
      if (m?.region === undefined) {
        continue;
      }
      const where = `${m.source.line(['Region'])}: Region`;
      if (!Token.isUnresolved(stack.region) && stack.region !== m.region) {
        throw conflict(m.source.fileName, where, `is '${m.region}' but the stack ${stack.stackName} is in '${stack.region}': ` +
          'deploy the stack to the cluster\'s region, or fix Region.');
      }
      if (merged.region !== undefined && !Token.isUnresolved(merged.region) && merged.region !== m.region) {
        throw conflict(m.source.fileName, where, `is '${m.region}' but the region prop is '${merged.region}': leave the prop out or make them equal.`);
      }
      merged.region = m.region;
    }
    const version = merged.parallelClusterVersion ?? ParallelClusterVersion.LATEST;
    // Settings the targeted release refuses: pcluster would reject the completed file.
    for (const m of [model, imageModel]) {
      const retired = m?.retired.find((r) => version.isAtLeast(r.removedIn));
      if (m && retired) {
        throw conflict(m.source.fileName, `${m.source.line(retired.path)}: ${displayPath(retired.path)}`,
          `${retired.message} (the roles are built for ParallelCluster ${version.version}).`);
      }
    }

    if (model) {
      checkDirectoryPasswordParameter(model, merged.region ?? stack.region);
      const file = model.source.fileName;
      const at = (path: Array<string | number>) => `${model.source.line(path)}: ${displayPath(path)}`;
      if (props.scheduler !== undefined && props.scheduler !== model.scheduler) {
        throw conflict(file, at(['Scheduling', 'Scheduler']), `is '${model.scheduler}' but the scheduler prop is '${props.scheduler}': leave the prop out.`);
      }
      if (model.scheduler === Scheduler.AWS_BATCH && Number(version.version.split('.')[1]) >= 16) {
        throw conflict(file, at(['Scheduling', 'Scheduler']), `is 'awsbatch', which ParallelCluster ${version.version} no longer supports ` +
          '(removed in 3.16; 3.15 is the last release with AWS Batch): use slurm, or set parallelClusterVersion to ' +
          'ParallelClusterVersion.V3_15 for a cluster of ParallelCluster 3.15 or earlier.');
      }
      merged.scheduler = model.scheduler;
      const queueNames = model.queues.map((q) => q.name!);
      const poolNames = model.pools.map((p) => p.name!);
      if (props.slurmQueues !== undefined && props.slurmQueues.join(',') !== queueNames.join(',')) {
        throw conflict(file, at(['Scheduling', 'SlurmQueues']), `names the queues [${queueNames.join(', ')}] but the slurmQueues prop is ` +
          `[${props.slurmQueues.join(', ')}]: leave the prop out.`);
      }
      if (props.loginNodePools !== undefined && props.loginNodePools.join(',') !== poolNames.join(',')) {
        throw conflict(file, at(['LoginNodes', 'Pools']), `names the pools [${poolNames.join(', ')}] but the loginNodePools prop is ` +
          `[${props.loginNodePools.join(', ')}]: leave the prop out.`);
      }
      if (model.pools.length > 0 && !version.isAtLeast(ParallelClusterVersion.V3_7)) {
        throw conflict(file, at(['LoginNodes']), `is set but parallelClusterVersion is ${version}: login nodes need ParallelCluster 3.7 or later.`);
      }
      if (model.scheduler === Scheduler.SLURM) {
        merged.slurmQueues = model.queues.filter((q) => !ownIdentity(q)).map((q) => q.name!);
        merged.loginNodePools = model.pools.filter((p) => !ownIdentity(p)).map((p) => p.name!);
      }

      if (model.permissionsBoundary !== undefined) {
        const fromFile = iam.ManagedPolicy.fromManagedPolicyArn(scope, 'ConfigPermissionsBoundary', model.permissionsBoundary);
        const explicit = props.permissionsBoundary ?? props.iamAccessMode?.boundary;
        if (explicit && render(explicit.managedPolicyArn) !== model.permissionsBoundary) {
          throw conflict(file, at(['Iam', 'PermissionsBoundary']), `is '${model.permissionsBoundary}' but the construct's permissions boundary is ` +
            `'${render(explicit.managedPolicyArn)}': a role has one boundary. Make them equal or leave one out.`);
        }
        // The file's boundary is for the cluster roles (what ParallelCluster puts it on), not the user role.
        this.clusterBoundary = explicit ? undefined : fromFile;
      }
      if (model.resourcePrefixPath !== undefined) {
        if (props.iamPath !== undefined && props.iamPath !== model.resourcePrefixPath) {
          throw conflict(file, at(['Iam', 'ResourcePrefix']), `puts ParallelCluster's roles on '${model.resourcePrefixPath}' but the iamPath prop is ` +
            `'${props.iamPath}': the cluster's roles share one path. Leave iamPath out or make them equal.`);
        }
        merged.iamPath = model.resourcePrefixPath;
      }
      this.namePrefix = model.resourcePrefixName;
      if (model.lambdaFunctionsInVpc) {
        if (props.lambdaFunctionsInVpc === false) {
          throw conflict(file, at(['DeploymentSettings', 'LambdaFunctionsVpcConfig']), 'is set but the lambdaFunctionsInVpc prop is false: leave the prop out.');
        }
        merged.lambdaFunctionsInVpc = true;
      }
      if (model.fsxLustre) {
        if (props.enableFsxLustre === false) {
          throw conflict(file, at(['SharedStorage']), 'has FSx for Lustre storage but the enableFsxLustre prop is false: leave the prop out.');
        }
        merged.enableFsxLustre = true;
        merged.fsxDataRepositoryBuckets = [
          ...(props.fsxDataRepositoryBuckets ?? []),
          ...model.fsxBuckets.map((name, i) => s3Lib().Bucket.fromBucketName(scope, `ConfigFsxBucket${i}`, name)),
        ];
      }
      // Issue 19: what ParallelCluster's validators and its own head node role read of the file's resources.
      if (model.mungeKeySecretArn !== undefined) {
        if (props.mungeKeySecret !== undefined && render(props.mungeKeySecret.secretArn) !== model.mungeKeySecretArn) {
          throw conflict(file, at(['Scheduling', 'SlurmSettings', 'MungeKeySecretArn']), `is '${model.mungeKeySecretArn}' but the mungeKeySecret prop is ` +
            `'${render(props.mungeKeySecret.secretArn)}': a cluster has one munge key. Leave the prop out.`);
        }
        merged.mungeKeySecret = props.mungeKeySecret ?? secretsManagerLib().Secret.fromSecretAttributes(scope, 'ConfigMungeKey',
          /-[a-z0-9]{6}$/i.test(model.mungeKeySecretArn) ? { secretCompleteArn: model.mungeKeySecretArn } : { secretPartialArn: model.mungeKeySecretArn });
      }
      if (model.kmsKeyIds.length > 0) {
        const keyRegion = merged.region ?? stack.region;
        merged.kmsKeys = [
          ...(props.kmsKeys ?? []),
          ...[...new Set(model.kmsKeyIds.map((k) => (k.value.startsWith('arn:') ? k.value
            : stack.formatArn({ service: 'kms', region: keyRegion, resource: 'key', resourceName: k.value }))))]
            .map((arn, i) => kmsLib().Key.fromKeyArn(scope, `ConfigKmsKey${i}`, arn)),
        ];
      }
      if (model.capacityReservationResourceGroupArns.length > 0) {
        merged.capacityReservationResourceGroupArns = [
          ...new Set([...(props.capacityReservationResourceGroupArns ?? []), ...model.capacityReservationResourceGroupArns]),
        ];
      }
      // Issue 18 (finding 7): the file names every volume, subnet and custom AMI of the cluster, so the head node
      // attaches, and launches compute nodes in and from, those only (given even when empty).
      merged.sharedStorageVolumeIds = [...new Set([...(props.sharedStorageVolumeIds ?? []), ...model.ebsVolumeIds])];
      if (model.computeSubnetIds.length > 0) {
        merged.computeSubnetIds = [...new Set([...(props.computeSubnetIds ?? []), ...model.computeSubnetIds])];
      }
      if (model.computeImageIds !== undefined && props.computeImageIds === undefined) {
        merged.computeImageIds = model.computeImageIds;
      } else if (model.computeImageIds !== undefined && props.computeImageIds !== undefined) {
        merged.computeImageIds = [...new Set([...props.computeImageIds, ...model.computeImageIds])];
      }
      merged.secrets = [
        ...(props.secrets ?? []),
        ...model.secrets.filter((s) => s.service === 'secretsmanager')
          .map((s, i) => secretsManagerLib().Secret.fromSecretAttributes(scope, `ConfigSecret${i}`,
            // Secrets Manager appends `-` and six characters to the name; without them the ARN is partial.
            /-[a-z0-9]{6}$/i.test(s.arn) ? { secretCompleteArn: s.arn } : { secretPartialArn: s.arn })),
      ];
    }
    if (imageModel) {
      if (props.enableImageBuilder === false) {
        throw conflict(imageModel.source.fileName, '1:', 'is a build-image configuration but the enableImageBuilder prop is false: leave the prop out.');
      }
      merged.enableImageBuilder = true;
      if (imageModel.lambdaFunctionsInVpc) {
        merged.lambdaFunctionsInVpc = true;
      }
      if (imageModel.permissionsBoundary !== undefined) {
        const current = this.clusterBoundary ?? merged.permissionsBoundary ?? props.iamAccessMode?.boundary;
        if (current && render(current.managedPolicyArn) !== imageModel.permissionsBoundary) {
          throw conflict(imageModel.source.fileName, `${imageModel.source.line(['Build', 'Iam', 'PermissionsBoundary'])}: Build/Iam/PermissionsBoundary`,
            `is '${imageModel.permissionsBoundary}' but the roles' permissions boundary is '${render(current.managedPolicyArn)}': make them equal.`);
        }
        if (!current) {
          this.clusterBoundary = iam.ManagedPolicy.fromManagedPolicyArn(scope, 'ImageConfigPermissionsBoundary', imageModel.permissionsBoundary);
        }
      }
    }
    this.props = merged;

    // Sections that name their own identity keep it. A named role becomes passable by the user: one off
    // the cluster path or in another account is refused unless allowExternalRoles (issue 18, finding 1).
    const clusterPath = merged.iamPath ?? DEFAULT_IAM_PATH;
    const checkNamed = (role: iam.IRole, path: Array<string | number>) => {
      const why = props.allowExternalRoles ? undefined : externalRoleReason(scope, role, clusterPath);
      if (why !== undefined && model) {
        throw conflict(model.source.fileName, `${model.source.line(path)}: ${displayPath(path)}`,
          `is '${role.roleArn}', which ${why}: the ParallelCluster user would be able to pass it ` +
          `(to ${path[path.length - 1] === 'LambdaFunctionsRole' ? 'Lambda' : 'EC2'}) and act as it. Name a role on '${clusterPath}' ` +
          '(or leave the setting out: the construct creates the role), or set allowExternalRoles: true (CLI: --allow-external-roles) ' +
          'if the user may pass it.');
      }
      return role;
    };
    const named: iam.IRole[] = [];
    const namedLambda: iam.IRole[] = [];
    const namedQueues: iam.IRole[] = [];
    this.createHeadNode = !(model && ownIdentity(model.headNode));
    this.useLambdaFunctionsRole = !(model && model.lambdaFunctionsRole);
    this.namedImageRoles = {
      instance: !!(imageModel && (imageModel.instanceRole || imageModel.instanceProfile)),
      cleanup: !!imageModel?.cleanupLambdaRole,
    };
    if (imageModel) {
      // The build's own roles, which the user passes to EC2 (the build instance) and Lambda (the cleanup
      // function) only (pcluster build-image).
      if (imageModel.instanceRole) {
        named.push(iam.Role.fromRoleArn(scope, 'ImageConfigInstanceRole', imageModel.instanceRole, { mutable: false }));
      }
      if (imageModel.cleanupLambdaRole) {
        namedLambda.push(iam.Role.fromRoleArn(scope, 'ImageConfigCleanupLambdaRole', imageModel.cleanupLambdaRole, { mutable: false }));
      }
    }
    if (model) {
      for (const section of [model.headNode, ...model.queues, ...model.pools]) {
        if (section.instanceRole) {
          const role = checkNamed(iam.Role.fromRoleArn(scope, `ConfigRole-${section.kind}-${section.name ?? 'head'}`, section.instanceRole, { mutable: false }),
            [...section.path, 'Iam', 'InstanceRole']);
          named.push(role);
          if (section.kind === 'queue') {
            namedQueues.push(role);
          }
        }
        const own = ownIdentity(section);
        if (own) {
          this.notes.push(`${displayPath([...section.path, 'Iam', own])} is set in ${model.source.fileName}: it is kept, and no role is created ` +
            `for ${sectionName(section)}. That role must grant what ParallelCluster needs${section.kind === 'head' && model.secrets.length > 0
              ? ', including secretsmanager:GetSecretValue on the secrets the file names' : ''}` +
            `${section.scripts.length > 0 ? ', and s3:GetObject on its custom action scripts' : ''}.` +
            (own === 'InstanceProfile' ? ' The profile\'s role is not known here, so the user and the head node cannot be given iam:PassRole for it.' : ''));
        }
      }
      if (model.lambdaFunctionsRole) {
        if (isRoleArn(model.lambdaFunctionsRole)) {
          namedLambda.push(checkNamed(iam.Role.fromRoleArn(scope, 'ConfigLambdaFunctionsRole', model.lambdaFunctionsRole, { mutable: false }),
            ['Iam', 'Roles', 'LambdaFunctionsRole']));
        }
        this.notes.push(`Iam/Roles/LambdaFunctionsRole is set in ${model.source.fileName}: it is kept, and no Lambda functions role is created.`);
      }
      for (const s of model.secrets) {
        this.notes.push(`${s.where} (${s.arn}): the head node may ${s.service === 'ssm' ? 'ssm:GetParameter' : 'secretsmanager:GetSecretValue'} it` +
          `${s.service === 'secretsmanager' ? ', the user may secretsmanager:DescribeSecret it' : ', and the user (ParallelCluster\'s PasswordSecretArnValidator)'}.`);
      }
      for (const section of [model.headNode, ...model.queues, ...model.pools]) {
        for (const script of section.scripts) {
          this.notes.push(`${script.where} (s3://${script.bucket}/${script.key}): s3:GetObject for ${sectionName(section)}.`);
        }
      }
      if (model.mungeKeySecretArn !== undefined) {
        this.notes.push(`Scheduling/SlurmSettings/MungeKeySecretArn (${model.mungeKeySecretArn}): the user may secretsmanager:GetSecretValue it ` +
          `(ParallelCluster's munge key validator)${model.pools.length > 0 ? ', and the head node reads the login nodes\' target groups' : ''}.`);
      }
      for (const key of model.kmsKeyIds) {
        this.notes.push(`${key.where} (${key.value}): the user may kms:DescribeKey it (ParallelCluster's KMS validator).`);
      }
      if (model.capacityReservationResourceGroupArns.length > 0) {
        this.notes.push(`Capacity reservation resource groups: the head node may resource-groups:ListGroupResources ${model.capacityReservationResourceGroupArns.join(', ')}.`);
      }
      if (model.ebsVolumeIds.length > 0) {
        this.notes.push(`SharedStorage EBS volumes ${model.ebsVolumeIds.join(', ')}: the head node may attach and detach them by ID, whatever cluster tag they carry.`);
      }
      if (model.computeSubnetIds.length > 0) {
        this.notes.push(`Compute subnets ${model.computeSubnetIds.join(', ')}: the head node launches compute nodes in these only.`);
      }
      if (model.computeImageIds !== undefined) {
        this.notes.push(`Compute AMIs: the head node launches compute nodes only from ParallelCluster's official AMIs (owner amazon)${
          model.computeImageIds.length > 0 ? ` and ${model.computeImageIds.join(', ')}` : ''}.`);
      }
      if (model.fsxBuckets.length > 0) {
        this.notes.push(`FSx for Lustre data repositories: the user may read and write the buckets ${model.fsxBuckets.join(', ')}.`);
      }
      if (model.efsIamAuthorization.length > 0) {
        this.notes.push('EFS with IamAuthorization: the node roles may elasticfilesystem:ClientMount, ClientWrite and ClientRootAccess on ' +
          `${model.efsIamAuthorization.map((id) => id ?? 'the file systems ParallelCluster creates (any file system of the account in the region)').join(', ')}.`);
      }
    }
    this.notes.push(...configGapNotes(model, imageModel, this.createHeadNode));
    this.namedRoles = named;
    this.namedLambdaRoles = namedLambda;
    this.namedQueueRoles = namedQueues;
  }

  /** The S3Access and AdditionalIamPolicies of the file for a section the construct creates a role for. */
  public extras(kind: NodeSection['kind'], name?: string): NodeExtras {
    const section = this.section(kind, name);
    if (!section) {
      return { s3Access: [] };
    }
    const id = `${kind}-${name ?? 'head'}`;
    return {
      s3Access: section.s3Access.map((access, i) => ({
        bucket: s3Lib().Bucket.fromBucketName(this.scope, `ConfigS3Access-${id}-${i}`, access.bucket),
        keyPattern: access.key,
        enableWriteAccess: access.write,
      })),
      additionalIamPolicies: section.additionalIamPolicies.length === 0 ? undefined
        : section.additionalIamPolicies.map((arn, i) => iam.ManagedPolicy.fromManagedPolicyArn(this.scope, `ConfigPolicy-${id}-${i}`, arn)),
    };
  }

  /**
   * The statements the file adds to a node role beyond S3Access: `s3:GetObject` on its custom action
   * objects, the head node's SSM parameter secrets, EFS IAM authorization, the head node's reads of the
   * cluster's artifacts in `CustomS3Bucket`, and the `DevSettings` objects the nodes install.
   */
  public statements(kind: NodeSection['kind'], name?: string): iam.PolicyStatement[] {
    const section = this.section(kind, name);
    const model = this.cluster;
    if (!section || !model) {
      return [];
    }
    const stack = Stack.of(this.scope);
    const out: iam.PolicyStatement[] = [...nodeBucketStatements(stack, model, kind, this.props.clusterName)];
    const objects = objectArns(stack, section.scripts);
    if (objects.length > 0) {
      out.push(allow('CustomActionScripts', ['s3:GetObject'], objects));
    }
    const parameters = kind === 'head' ? model.secrets.filter((s) => s.service === 'ssm').map((s) => s.arn) : [];
    if (parameters.length > 0) {
      out.push(allow('DirectoryServicePasswordParameter', ['ssm:GetParameter'], parameters));
    }
    if (model.efsIamAuthorization.length > 0) {
      const fileSystems = [...new Set(model.efsIamAuthorization.map((id) => stack.formatArn({
        service: 'elasticfilesystem',
        region: this.props.region ?? stack.region,
        resource: 'file-system',
        resourceName: id ?? '*',
      })))];
      // ParallelCluster's own `Efs` statement (cdk_builder_utils.py), on every node role.
      out.push(allow('EfsIamAuthorization', ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientRootAccess', 'elasticfilesystem:ClientWrite'], fileSystems));
    }
    return out;
  }

  /** The props of a node role: the shared ones with the section's S3Access and AdditionalIamPolicies. */
  public nodeProps<T extends { readonly additionalIamPolicies?: iam.IManagedPolicy[] }>(shared: T, kind: NodeSection['kind'], name?: string):
  T & { s3Access?: S3Access[] } {
    const extras = this.extras(kind, name);
    const policies = [...(shared.additionalIamPolicies ?? []), ...(extras.additionalIamPolicies ?? [])];
    return { ...shared, additionalIamPolicies: policies.length > 0 ? policies : undefined, s3Access: kind === 'pool' ? undefined : extras.s3Access };
  }

  /** Puts `statements(kind, name)` on the node role as its inline `ConfigurationPolicy`. */
  public attach<R extends NodeRole>(nodeRole: R, kind: NodeSection['kind'], name?: string): R {
    const statements = this.statements(kind, name);
    if (statements.length > 0) {
      new iam.Policy(nodeRole, 'ConfigurationPolicy', { statements, roles: [nodeRole.role] });
    }
    return nodeRole;
  }

  /** Puts `imageStatements()` on the image build instance role. */
  public attachImage(instanceRole: iam.IRole): void {
    const statements = this.imageStatements();
    if (statements.length > 0) {
      new iam.Policy(instanceRole.node.scope!, 'ConfigurationPolicy', { statements, roles: [instanceRole] });
    }
  }

  /** The completed cluster configuration, with the fragment's ARNs. */
  public completedCluster(fragment: ClusterConfigFragmentProps): string {
    const byName = (list?: Array<{ name: string; instanceRoleArn?: string }>) =>
      Object.fromEntries((list ?? []).map((q) => [q.name, q.instanceRoleArn!]));
    return completedCluster(this.cluster!, {
      lambdaFunctionsRole: this.useLambdaFunctionsRole ? fragment.lambdaFunctionsRoleArn : undefined,
      permissionsBoundary: fragment.permissionsBoundaryArn,
      resourcePrefix: fragment.resourcePrefix,
      headNode: fragment.headNode?.instanceRoleArn,
      queues: byName(fragment.slurmQueues),
      pools: byName(fragment.loginNodePools),
    });
  }

  /** The completed build-image configuration, with the fragment's ARNs. */
  public completedImage(fragment: ImageConfigFragmentProps): string {
    return completedImage(this.image!, {
      instanceRole: fragment.instanceRoleArn,
      cleanupLambdaRole: fragment.cleanupLambdaRoleArn,
      permissionsBoundary: fragment.permissionsBoundaryArn,
    });
  }

  /** The report's section on what the configuration files implied. */
  public reportSection(): string {
    const files = [this.cluster, this.image].filter((m) => m !== undefined).map((m) => `\`${m!.source.fileName}\``);
    const out = ['', '## Derived from the configuration', '', `Files: ${files.join(', ')}.`, ''];
    for (const note of this.notes) {
      out.push(`- ${note}`);
    }
    if (this.image) {
      for (const script of this.image.scripts) {
        out.push(`- ${script.where} (s3://${script.bucket}/${script.key}): s3:GetObject for the image build instance.`);
      }
      const identity = this.image.instanceRole ? 'InstanceRole' : 'InstanceProfile';
      if (this.namedImageRoles.instance && this.namedImageRoles.cleanup) {
        out.push(`- Build/Iam/${identity} and Build/Iam/CleanupLambdaRole are set in ` +
          `${this.image.source.fileName}: they are kept, and no image build role is created.`);
      } else if (this.namedImageRoles.instance) {
        out.push(`- Build/Iam/${identity} is set in ${this.image.source.fileName}: it is kept, and only the cleanup role is created here` +
          `${this.image.scripts.length > 0 ? ' (the named role must grant s3:GetObject on the script components)' : ''}.`);
      } else if (this.namedImageRoles.cleanup) {
        out.push(`- Build/Iam/CleanupLambdaRole is set in ${this.image.source.fileName}: it is kept, and only the build instance role is created here.`);
      }
    }
    return out.join('\n') + '\n';
  }

  /** `s3:GetObject` statements for the image build instance (script components in S3). */
  public imageStatements(): iam.PolicyStatement[] {
    const objects = this.image ? objectArns(Stack.of(this.scope), this.image.scripts) : [];
    const devObjects = this.image ? objectArns(Stack.of(this.scope), this.image.devSettingsObjects.filter((o) => o.nodes)) : [];
    return [
      ...(objects.length > 0 ? [allow('ComponentScripts', ['s3:GetObject'], objects)] : []),
      ...(devObjects.length > 0 ? [allow('DevSettingsObjects', ['s3:GetObject'], devObjects)] : []),
    ];
  }

  /**
   * Puts on the user role what the files ask of the user beyond its props (issue 19 section 4): the
   * `CustomS3Bucket` prefixes pcluster writes, the `DevSettings` objects its URL validator reads, and an SSM
   * directory password parameter its validator reads. A separate inline policy: the user role's own S3
   * statements are untouched.
   */
  public attachUser(role: iam.IRole): void {
    const statements = userConfigurationStatements(Stack.of(this.scope), this.cluster, this.image, this.props.clusterName);
    if (statements.length > 0) {
      new iam.Policy(this.scope, 'UserConfigurationPolicy', { statements, roles: [role] });
    }
  }

  /** Puts on the cluster's Lambda functions role the cleanup of the cluster's artifacts in `CustomS3Bucket`. */
  public attachLambdaFunctions(role: iam.IRole): void {
    const bucket = this.cluster?.customS3Bucket;
    if (bucket !== undefined) {
      new iam.Policy(this.scope, 'LambdaFunctionsConfigurationPolicy', {
        statements: lambdaBucketStatements(Stack.of(this.scope), bucket, this.props.clusterName), roles: [role],
      });
    }
  }

  /** The image file's AdditionalIamPolicies, for the build instance role. */
  public imageAdditionalPolicies(): iam.IManagedPolicy[] {
    return (this.image?.additionalIamPolicies ?? []).map((arn, i) => iam.ManagedPolicy.fromManagedPolicyArn(this.scope, `ImageConfigPolicy${i}`, arn));
  }

  private section(kind: NodeSection['kind'], name?: string): NodeSection | undefined {
    const model = this.cluster;
    if (!model) {
      return undefined;
    }
    if (kind === 'head') {
      return model.headNode;
    }
    return (kind === 'queue' ? model.queues : model.pools).find((s) => s.name === name);
  }
}


function sectionName(section: NodeSection): string {
  return section.kind === 'head' ? 'the head node' : section.kind === 'queue' ? `queue '${section.name}'` : `login node pool '${section.name}'`;
}

function objectArns(stack: Stack, objects: S3ObjectRef[]): string[] {
  return [...new Set(objects.map((o) => `${o.bucket}/${o.key}`))]
    .map((bucketAndKey) => stack.formatArn({ service: 's3', region: '', account: '', resource: bucketAndKey }));
}

// ---------------------------------------------------------------------------------------------------
// CustomS3Bucket, DevSettings and the SSM directory password (issue 19 section 4)

function bucketArn(stack: Stack, bucket: string): string {
  return stack.formatArn({ service: 's3', region: '', account: '', resource: bucket });
}

function bucketObjects(stack: Stack, bucket: string, keys: string): string {
  return stack.formatArn({ service: 's3', region: '', account: '', resource: `${bucket}/${keys}` });
}

/**
 * The head node's reads of its cluster's artifacts in `CustomS3Bucket`, as ParallelCluster's own head node role
 * has them (3.16.1 templates/cdk_builder_utils.py:702-713 `ResourcesS3Bucket`, on the bucket and the artifact
 * directory), limited to the cluster's directory when `clusterName` is set; and the `DevSettings` objects the
 * nodes read (ChefCookbook: cdk_builder_utils.py:544-578, every node role ParallelCluster creates; NodePackage).
 */
function nodeBucketStatements(stack: Stack, model: ClusterModel, kind: NodeSection['kind'], clusterName?: string): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  const bucket = model.customS3Bucket;
  if (bucket !== undefined && kind === 'head') {
    out.push(allow('CustomS3BucketArtifacts', ['s3:GetObject', 's3:GetObjectVersion'], [bucketObjects(stack, bucket, clusterArtifactKeys(clusterName))]));
    out.push(allow('CustomS3Bucket', ['s3:GetBucketLocation', 's3:ListBucket'], [bucketArn(stack, bucket)]));
  }
  const devObjects = model.devSettingsObjects.filter((o) => o.nodes);
  if (devObjects.length > 0) {
    out.push(allow('DevSettingsObjects', ['s3:GetObject'], objectArns(stack, devObjects)));
    // ParallelCluster's own CustomCookbookS3Url policy also lets the nodes locate the bucket.
    out.push(allow('DevSettingsBuckets', ['s3:GetBucketLocation'], [...new Set(devObjects.map((o) => bucketArn(stack, o.bucket)))]));
  }
  return out;
}

/**
 * The cleanup of the cluster's artifacts by its Lambda functions (3.16.1 templates/cluster_stack.py:528-545:
 * DeleteObject, DeleteObjectVersion, ListBucket and ListBucketVersions on the bucket and the artifact directory).
 */
function lambdaBucketStatements(stack: Stack, bucket: string, clusterName?: string): iam.PolicyStatement[] {
  return [
    allow('CustomS3BucketCleanup', ['s3:DeleteObject', 's3:DeleteObjectVersion'], [bucketObjects(stack, bucket, clusterArtifactKeys(clusterName))]),
    allow('CustomS3BucketList', ['s3:ListBucket', 's3:ListBucketVersions'], [bucketArn(stack, bucket)]),
  ];
}

/**
 * What pcluster does with the user's credentials on a `CustomS3Bucket` (3.16.1 models/s3_bucket.py:432-458: the
 * bucket is checked with HeadBucket, never created nor configured; S3BucketValidator and S3BucketRegionValidator
 * read it; s3_bucket.py:176-270 uploads and reads the configs, templates, assets and custom resources under the
 * artifact directory, and CloudFormation and Lambda read the template and the functions' code with the user's
 * credentials; s3_bucket.py:112-133 deletes the directory with its versions), `export-cluster-logs` and
 * `export-image-logs` without `--bucket` (cli/commands/cluster_logs.py:88-96: the CustomS3Bucket, under
 * `<cluster or image>-logs-<timestamp>`, models/common.py:140-240); the `DevSettings` objects ParallelCluster's
 * UrlValidator reads (validators/s3_validators.py:15-80, HeadObject), or that a build gets a URL to presigned
 * with the user's credentials; and an SSM directory password, which PasswordSecretArnValidator reads with
 * ssm:GetParameter (validators/directory_service_validators.py:78-105).
 */
function userConfigurationStatements(stack: Stack, cluster: ClusterModel | undefined, image: ImageModel | undefined,
  clusterName?: string): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  const buckets: Array<{ bucket: string; keys: string[] }> = [];
  if (cluster?.customS3Bucket !== undefined) {
    buckets.push({ bucket: cluster.customS3Bucket, keys: [clusterArtifactKeys(clusterName), `${clusterName === undefined ? '*' : clusterName}-logs-*`] });
  }
  if (image?.customS3Bucket !== undefined) {
    buckets.push({ bucket: image.customS3Bucket, keys: [IMAGE_ARTIFACT_KEYS, '*-logs-*'] });
  }
  if (buckets.length > 0) {
    out.push(allow('CustomS3BucketObjects', ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion'],
      [...new Set(buckets.flatMap((b) => b.keys.map((k) => bucketObjects(stack, b.bucket, k))))]));
    out.push(allow('CustomS3Bucket', ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketLocation'],
      [...new Set(buckets.map((b) => bucketArn(stack, b.bucket)))]));
  }
  const devObjects = [...(cluster?.devSettingsObjects ?? []), ...(image?.devSettingsObjects ?? [])];
  if (devObjects.length > 0) {
    out.push(allow('DevSettingsObjects', ['s3:GetObject'], objectArns(stack, devObjects)));
  }
  const parameters = (cluster?.secrets ?? []).filter((s) => s.service === 'ssm').map((s) => s.arn);
  if (parameters.length > 0) {
    out.push(allow('DirectoryServicePasswordParameter', ['ssm:GetParameter'], parameters));
  }
  return out;
}

/** The report's lines on CustomS3Bucket and DevSettings objects. */
function configGapNotes(model: ClusterModel | undefined, image: ImageModel | undefined, headNodeCreated: boolean): string[] {
  const out: string[] = [];
  if (model?.customS3Bucket !== undefined) {
    out.push(`CustomS3Bucket (${model.customS3Bucket}) in ${model.source.fileName}: the user may write, read and delete the cluster's artifact ` +
      'directory and its log exports there, the head node read the artifacts and the Lambda functions delete them' +
      (headNodeCreated ? '.' : ' (the head node\'s own role must grant s3:GetObject on them).'));
  }
  if (image?.customS3Bucket !== undefined) {
    out.push(`CustomS3Bucket (${image.customS3Bucket}) in ${image.source.fileName}: the user may write, read and delete image builds' artifacts ` +
      'and log exports there.');
  }
  for (const m of [model, image]) {
    for (const o of m?.devSettingsObjects ?? []) {
      out.push(`${o.where} (s3://${o.bucket}/${o.key}): s3:GetObject for the user (ParallelCluster's URL validator)` +
        `${o.nodes ? (m === model ? ' and the node roles created here' : ' and the image build instance') : ''}.`);
    }
  }
  return out;
}

/**
 * ParallelCluster takes an SSM parameter as `DirectoryService/PasswordSecretArn` only in us-isob-east-1
 * (3.16.1 validators/directory_service_validators.py:78-105: elsewhere an ERROR, "The secret ... is not supported
 * in region"): refused at its line for a cluster in another region. The cluster's region is the file's `Region`,
 * the stack's, or, in an environment-agnostic stack, the parameter's own.
 */
function checkDirectoryPasswordParameter(model: ClusterModel, region: string | undefined): void {
  const path = ['DirectoryService', 'PasswordSecretArn'];
  const parameter = model.secrets.find((s) => s.service === 'ssm' && s.where === displayPath(path));
  if (parameter === undefined) {
    return;
  }
  const clusterRegion = region !== undefined && !Token.isUnresolved(region) ? region : parameter.arn.split(':')[3];
  if (clusterRegion !== SSM_DIRECTORY_PASSWORD_REGION) {
    throw model.source.error(path, `'${parameter.arn}' is an SSM parameter, which ParallelCluster accepts only in ${SSM_DIRECTORY_PASSWORD_REGION} ` +
      `(its PasswordSecretArnValidator refuses it in ${clusterRegion}): store the password in Secrets Manager and give the secret's ARN`);
  }
}

/** The derived configuration of a construct's props, or undefined when it has no configuration file. */
export function deriveConfiguration(scope: Construct, props: ConfigurableProps, cluster?: ClusterConfiguration,
  image?: ImageConfiguration): DerivedConfiguration | undefined {
  return cluster || image ? new DerivedConfiguration(scope, props, cluster, image) : undefined;
}
