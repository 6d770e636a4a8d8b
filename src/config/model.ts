import { YamlSource, YamlStep, displayPath } from './source';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { isAdminEquivalentAwsManagedPolicy } from '../private/input-validation';
import { MAX_LOGIN_NODE_POOLS, MAX_SLURM_QUEUES } from '../private/pcluster-rules';
import { Scheduler } from '../scheduler';

/*
 * What the library reads from a ParallelCluster configuration file, checked against ParallelCluster's
 * rules (aws-parallelcluster 3.16.1, pcluster/schemas/cluster_schema.py and imagebuilder_schema.py)
 * where the value decides a permission. Keys the library does not need are not read, so they are never
 * rejected here: ParallelCluster validates them.
 */

/** An S3 object a node reads (a custom action script, or one of its arguments). */
export interface S3ObjectRef {
  readonly bucket: string;
  readonly key: string;
  /** Where the URL is in the file, for the report. */
  readonly where: string;
}

/** One `Iam/S3Access` entry. */
export interface S3AccessEntry {
  readonly bucket: string;
  readonly key?: string;
  readonly write: boolean;
}

/** A HeadNode, a Slurm queue or a login node pool. */
export interface NodeSection {
  readonly kind: 'head' | 'queue' | 'pool';
  /** Queue or pool name; undefined for the head node. */
  readonly name?: string;
  /** The section's path, for example `['Scheduling', 'SlurmQueues', 1]`. */
  readonly path: YamlStep[];
  readonly instanceRole?: string;
  readonly instanceProfile?: string;
  readonly s3Access: S3AccessEntry[];
  readonly additionalIamPolicies: string[];
  readonly scripts: S3ObjectRef[];
}

/**
 * An `s3://` object named in `DevSettings` (issue 19 section 4): ParallelCluster's `UrlValidator` reads it with
 * the user's credentials (3.16.1 validators/s3_validators.py:15-80, registered by config/common.py:335-364 and
 * cluster_config.py:1243-1244), and a build-image's cookbook is handed to the build as a URL presigned with them
 * (templates/imagebuilder_stack.py:160-173).
 */
export interface DevSettingsObject extends S3ObjectRef {
  /**
   * Whether the instances read it too (the cluster's nodes, or the image build instance): a cluster's
   * `Cookbook/ChefCookbook`, which ParallelCluster's own node roles may `s3:GetObject`
   * (templates/cdk_builder_utils.py:466-468, 544-578), and `NodePackage`, which the nodes install at boot
   * (cluster_stack.py:1395, queues_stack.py:279, login_nodes_stack.py:143) and a build installs
   * (config/imagebuilder_config.py:374).
   */
  readonly nodes: boolean;
}

/** A secret the configuration names. */
export interface SecretRef {
  readonly arn: string;
  readonly service: 'secretsmanager' | 'ssm';
  readonly where: string;
}

/**
 * A setting that a ParallelCluster release stopped accepting (pcluster then refuses the whole file). The
 * library checks it against the `parallelClusterVersion` it builds for (src/config/derive.ts).
 */
export interface RetiredSetting {
  readonly path: YamlStep[];
  /** The first revision that refuses it. */
  readonly removedIn: ParallelClusterVersion;
  /** What follows `<file>:<line>: <path> `, ending with the fix. */
  readonly message: string;
}

/** The settings of a cluster configuration that decide permissions. */
export interface ClusterModel {
  readonly source: YamlSource;
  /** Settings present in the file that some releases refuse. */
  readonly retired: RetiredSetting[];
  readonly scheduler: Scheduler;
  readonly region?: string;
  readonly headNode: NodeSection;
  readonly queues: NodeSection[];
  readonly pools: NodeSection[];
  readonly secrets: SecretRef[];
  /** Whether any shared storage is FSx for Lustre. */
  readonly fsxLustre: boolean;
  /** Buckets of FSx for Lustre ImportPath, ExportPath and data repository associations. */
  readonly fsxBuckets: string[];
  /** EFS file systems with `IamAuthorization: true`: their id, or undefined for one ParallelCluster creates. */
  readonly efsIamAuthorization: Array<string | undefined>;
  readonly permissionsBoundary?: string;
  readonly resourcePrefixPath?: string;
  readonly resourcePrefixName?: string;
  readonly lambdaFunctionsRole?: string;
  readonly lambdaFunctionsInVpc: boolean;
  /** `Scheduling/SlurmSettings/MungeKeySecretArn` (also in `secrets`). */
  readonly mungeKeySecretArn?: string;
  /** Every `KmsKeyId` of `SharedStorage`: a key ID or a key ARN. */
  readonly kmsKeyIds: Array<{ readonly value: string; readonly where: string }>;
  /** Every `CapacityReservationTarget/CapacityReservationResourceGroupArn` of the queues and compute resources. */
  readonly capacityReservationResourceGroupArns: string[];
  /** `SharedStorage[]/EbsSettings/VolumeId`: existing volumes the cluster mounts. */
  readonly ebsVolumeIds: string[];
  /** `CustomS3Bucket`: the bucket of the cluster's artifacts instead of `parallelcluster-<hash>-v1-do-not-delete`. */
  readonly customS3Bucket?: string;
  /** The `s3://` objects of `DevSettings` (ChefCookbook, NodePackage, ClusterTemplate). */
  readonly devSettingsObjects: DevSettingsObject[];
  /** `Scheduling/SlurmQueues[]/Networking/SubnetIds`: the subnets compute nodes are launched in. */
  readonly computeSubnetIds: string[];
  /**
   * The custom AMIs of the compute nodes (`Image/CustomAmi`, `Scheduling/SlurmQueues[]/Image/CustomAmi`);
   * undefined when `DevSettings/AmiSearchFilters` is set (the official AMI may then have another owner).
   */
  readonly computeImageIds?: string[];
}

/** The settings of a build-image configuration that decide permissions. */
export interface ImageModel {
  readonly source: YamlSource;
  /** Settings present in the file that some releases refuse. */
  readonly retired: RetiredSetting[];
  readonly region?: string;
  readonly instanceRole?: string;
  readonly instanceProfile?: string;
  readonly cleanupLambdaRole?: string;
  readonly additionalIamPolicies: string[];
  readonly permissionsBoundary?: string;
  readonly scripts: S3ObjectRef[];
  readonly lambdaFunctionsInVpc: boolean;
  /** `CustomS3Bucket`: the bucket of the build's artifacts instead of ParallelCluster's. */
  readonly customS3Bucket?: string;
  /** The `s3://` objects of `DevSettings` (ChefCookbook, NodePackage). */
  readonly devSettingsObjects: DevSettingsObject[];
}

// ParallelCluster's limits (pcluster/constants.py): MAX_NUMBER_OF_QUEUES, MAX_NUMBER_OF_LOGIN_NODE_POOLS.
// NameValidator: NAME_REGEX and NAME_MAX_LENGTH = 25, never `default`.
const NODE_GROUP_NAME = /^[a-z][a-z0-9-]*$/;
const NODE_GROUP_NAME_MAX = 25;

const PARTITION = 'aws[a-z-]*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d';
const SECRET_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:${REGION}:\\d{12}:secret:[\\w/+=.@-]+$`);
const SSM_PARAMETER_ARN = new RegExp(`^arn:${PARTITION}:ssm:${REGION}:\\d{12}:parameter/[\\w/.-]+$`);
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::(?:\\d{12}|aws):role/[\\w+=,.@/-]+$`);
const INSTANCE_PROFILE_ARN = new RegExp(`^arn:${PARTITION}:iam::(?:\\d{12}|aws):instance-profile/[\\w+=,.@/-]+$`);
const POLICY_ARN = new RegExp(`^arn:${PARTITION}:iam::(?:\\d{12}|aws):policy/[\\w+=,.@/-]+$`);
// S3 bucket naming rules (3 to 63 characters, lower case, digits, dots and hyphens, alphanumeric ends).
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;
const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// S3AccessSchema's BucketName (wildcards allowed).
const S3_ACCESS_BUCKET = /^[*a-z0-9.-]+$/;
const IAM_PATH_PREFIX = /^((\/[a-zA-Z0-9_.,+@=-]+)+)\//;
const IAM_NAME_PREFIX = /^[a-zA-Z0-9_.,+@=-]+$/;
const REGION_NAME = new RegExp(`^${REGION}$`);
// KMS key IDs (single- and multi-Region) and key ARNs; aliases are refused (their key is unknown at synthesis).
const KMS_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:\\d{12}:key\\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`);
// ParallelCluster's VolumeId rule (schemas/cluster_schema.py:235-238).
const EBS_VOLUME_ID = /^vol-[0-9a-z]{8}$|^vol-[0-9a-z]{17}$/;
const RESOURCE_GROUP_ARN = new RegExp(`^arn:${PARTITION}:resource-groups:${REGION}:\\d{12}:group\\/[\\w.-]+$`);

const SCHEDULERS: Record<string, Scheduler> = { slurm: Scheduler.SLURM, awsbatch: Scheduler.AWS_BATCH };

/** A CDK token in a string (`${Token[...]}`), as `Token.isUnresolved` finds it, without loading aws-cdk-lib here. */
const CDK_TOKEN = /\$\{Token\[/;

/** Reads a cluster configuration. */
export function readCluster(source: YamlSource): ClusterModel {
  const region = readRegion(source);
  const schedulerName = source.requiredStr(['Scheduling', 'Scheduler'], 'ParallelCluster requires the scheduler (slurm)');
  const scheduler = SCHEDULERS[schedulerName];
  if (scheduler === undefined) {
    throw source.error(['Scheduling', 'Scheduler'], `is '${schedulerName}': ParallelCluster's schedulers are 'slurm' (and 'awsbatch' before 3.16)`);
  }
  const queues: NodeSection[] = [];
  if (scheduler === Scheduler.SLURM) {
    const count = source.listLength(['Scheduling', 'SlurmQueues']);
    if (count === 0) {
      throw source.error(['Scheduling', 'SlurmQueues'], 'needs at least one queue: a Slurm cluster has one or more SlurmQueues');
    }
    if (count > MAX_SLURM_QUEUES) {
      throw source.error(['Scheduling', 'SlurmQueues'], `has ${count} queues: ParallelCluster allows at most ${MAX_SLURM_QUEUES}`);
    }
    for (let i = 0; i < count; i++) {
      queues.push(readNode(source, 'queue', ['Scheduling', 'SlurmQueues', i], ['OnNodeStart', 'OnNodeConfigured']));
    }
    checkDistinct(source, queues, 'queue');
  }
  // What the head node launches compute nodes from (templates/cdk_builder_utils.py:780-801: the queues'
  // subnets and config/cluster_config.py:3209-3218 image_dict, the queue's or the cluster's custom AMI, or the
  // official one). The ID rules are ParallelCluster's (schemas/common_schema.py:36, constants.py:22).
  const computeSubnetIds: string[] = [];
  const imageIds: string[] = [];
  const customAmi = (path: YamlStep[]) => {
    const ami = source.str(path);
    if (ami !== undefined) {
      // A CDK token (a stack's AMI or subnet written into the YAML text) is taken as it is.
      if (!CDK_TOKEN.test(ami) && !/^ami-[0-9a-z]{8}$|^ami-[0-9a-z]{17}$/.test(ami)) {
        throw source.error(path, `'${ami}' is not an AMI id (ami- and 8 or 17 characters)`);
      }
      imageIds.push(ami);
    }
  };
  if (scheduler === Scheduler.SLURM) {
    customAmi(['Image', 'CustomAmi']);
    queues.forEach((queue) => {
      customAmi([...queue.path, 'Image', 'CustomAmi']);
      const subnets = [...queue.path, 'Networking', 'SubnetIds'];
      for (let j = 0; j < source.listLength(subnets); j++) {
        const subnet = source.str([...subnets, j]);
        if (subnet !== undefined) {
          if (!CDK_TOKEN.test(subnet) && !/^subnet-[0-9a-z]{8}$|^subnet-[0-9a-z]{17}$/.test(subnet)) {
            throw source.error([...subnets, j], `'${subnet}' is not a subnet id (subnet- and 8 or 17 characters)`);
          }
          computeSubnetIds.push(subnet);
        }
      }
    });
  }
  const pools: NodeSection[] = [];
  if (source.isMapAt(['LoginNodes'])) {
    if (scheduler !== Scheduler.SLURM) {
      throw source.error(['LoginNodes'], `is set but the scheduler is '${schedulerName}': ParallelCluster has login nodes for Slurm clusters only`);
    }
    const count = source.listLength(['LoginNodes', 'Pools']);
    if (count === 0) {
      throw source.error(['LoginNodes', 'Pools'], 'needs at least one pool: ParallelCluster requires LoginNodes/Pools');
    }
    if (count > MAX_LOGIN_NODE_POOLS) {
      throw source.error(['LoginNodes', 'Pools'], `has ${count} pools: ParallelCluster allows at most ${MAX_LOGIN_NODE_POOLS}`);
    }
    for (let i = 0; i < count; i++) {
      pools.push(readNode(source, 'pool', ['LoginNodes', 'Pools', i], ['OnNodeStart', 'OnNodeConfigured', 'OnNodeUpdated']));
    }
    checkDistinct(source, pools, 'pool');
  }
  const headNode = readNode(source, 'head', ['HeadNode'], ['OnNodeStart', 'OnNodeConfigured', 'OnNodeUpdated']);

  const secrets: SecretRef[] = [];
  const secret = (path: YamlStep[], allowSsm: boolean) => {
    const arn = source.str(path);
    if (arn === undefined) {
      return;
    }
    if (SECRET_ARN.test(arn)) {
      secrets.push({ arn, service: 'secretsmanager', where: displayPath(path) });
    } else if (allowSsm && SSM_PARAMETER_ARN.test(arn)) {
      secrets.push({ arn, service: 'ssm', where: displayPath(path) });
    } else {
      throw source.error(path, `'${arn}' is not a Secrets Manager secret ARN${allowSsm ? ' or an SSM parameter ARN' : ''} ` +
        `(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>${allowSsm ? ', or arn:<partition>:ssm:<region>:<account>:parameter/<name>' : ''})`);
    }
  };
  secret(['DirectoryService', 'PasswordSecretArn'], true);
  secret(['Scheduling', 'SlurmSettings', 'Database', 'PasswordSecretArn'], false);
  secret(['Scheduling', 'SlurmSettings', 'MungeKeySecretArn'], false);

  let fsxLustre = false;
  const fsxBuckets: string[] = [];
  const efsIamAuthorization: Array<string | undefined> = [];
  const kmsKeyIds: ClusterModel['kmsKeyIds'] = [];
  const ebsVolumeIds: string[] = [];
  const storageCount = source.listLength(['SharedStorage']);
  for (let i = 0; i < storageCount; i++) {
    const type = source.str(['SharedStorage', i, 'StorageType']);
    // config/cluster_config.py:325-326, 387-388, 591-592: ParallelCluster's KMS validator describes each key.
    for (const settings of ['EbsSettings', 'EfsSettings', 'FsxLustreSettings']) {
      const path = ['SharedStorage', i, settings, 'KmsKeyId'];
      const key = source.str(path);
      if (key === undefined) {
        continue;
      }
      if (key.startsWith('alias/') || /:alias\//.test(key)) {
        throw source.error(path, `'${key}' is a key alias: give the key's ID or ARN, which the user may kms:DescribeKey ` +
          '(an alias names its key only at deployment)');
      }
      if (!KMS_KEY_ID.test(key) && !KMS_KEY_ARN.test(key)) {
        throw source.error(path, `'${key}' is not a KMS key ID or key ARN (for example 1234abcd-12ab-34cd-56ef-1234567890ab, or arn:<partition>:kms:<region>:<account>:key/<id>)`);
      }
      kmsKeyIds.push({ value: key, where: displayPath(path) });
    }
    if (type === 'Ebs') {
      const path = ['SharedStorage', i, 'EbsSettings', 'VolumeId'];
      const volume = source.str(path);
      if (volume !== undefined) {
        if (!EBS_VOLUME_ID.test(volume)) {
          throw source.error(path, `'${volume}' is not an EBS volume id (vol- and 8 or 17 characters)`);
        }
        ebsVolumeIds.push(volume);
      }
    }
    if (type === 'FsxLustre') {
      fsxLustre = true;
      const settings = ['SharedStorage', i, 'FsxLustreSettings'];
      for (const key of ['ImportPath', 'ExportPath']) {
        const url = source.str([...settings, key]);
        if (url !== undefined) {
          fsxBuckets.push(s3Url(source, [...settings, key], url, false).bucket);
        }
      }
      const dras = source.listLength([...settings, 'DataRepositoryAssociations']);
      for (let j = 0; j < dras; j++) {
        const path = [...settings, 'DataRepositoryAssociations', j, 'DataRepositoryPath'];
        fsxBuckets.push(s3Url(source, path, source.requiredStr(path, 'ParallelCluster requires it'), false).bucket);
      }
    } else if (type === 'Efs') {
      const settings = ['SharedStorage', i, 'EfsSettings'];
      if (source.bool([...settings, 'IamAuthorization'])) {
        const id = source.str([...settings, 'FileSystemId']);
        if (id !== undefined && !/^fs-[0-9a-z]{8}$|^fs-[0-9a-z]{17}$/.test(id)) {
          throw source.error([...settings, 'FileSystemId'], `'${id}' is not an EFS file system id (fs- and 8 or 17 characters)`);
        }
        efsIamAuthorization.push(id);
      }
    }
  }

  const capacityReservationResourceGroupArns: string[] = [];
  const groupAt = (path: YamlStep[]) => {
    const arn = arnAt(source, [...path, 'CapacityReservationTarget', 'CapacityReservationResourceGroupArn'], RESOURCE_GROUP_ARN,
      'a resource group ARN (arn:<partition>:resource-groups:<region>:<account>:group/<name>)');
    if (arn !== undefined) {
      capacityReservationResourceGroupArns.push(arn);
    }
  };
  queues.forEach((queue) => {
    groupAt(queue.path);
    const resources = source.listLength([...queue.path, 'ComputeResources']);
    for (let j = 0; j < resources; j++) {
      groupAt([...queue.path, 'ComputeResources', j]);
    }
  });

  const permissionsBoundary = arnAt(source, ['Iam', 'PermissionsBoundary'], POLICY_ARN, 'an IAM policy ARN');
  // ParallelCluster does not check this value's form (its own full example writes the placeholder
  // `String`), and a placeholder would be kept in the completed file and fail at create-cluster: refused.
  const lambdaFunctionsRole = arnAt(source, ['Iam', 'Roles', 'LambdaFunctionsRole'], ROLE_ARN, 'an IAM role ARN: write the role\'s ARN, or leave the key out for the role created here');
  const prefix = source.str(['Iam', 'ResourcePrefix']);
  let resourcePrefixPath: string | undefined;
  let resourcePrefixName: string | undefined;
  if (prefix !== undefined) {
    if (!IAM_PATH_PREFIX.test(prefix) && !IAM_NAME_PREFIX.test(prefix)) {
      throw source.error(['Iam', 'ResourcePrefix'], `'${prefix}' is not a ResourcePrefix: write an IAM path ('/team/'), a name prefix ('team-') or both ('/team/team-')`);
    }
    const split = prefix.lastIndexOf('/') + 1;
    resourcePrefixPath = split === 0 ? undefined : prefix.substring(0, split);
    resourcePrefixName = split === prefix.length ? undefined : prefix.substring(split);
    if (resourcePrefixName !== undefined && resourcePrefixName.length > 30) {
      throw source.error(['Iam', 'ResourcePrefix'], `name prefix '${resourcePrefixName}' is longer than ParallelCluster's limit of 30 characters`);
    }
  }
  const retired = [...retiredDevSettings(source)];
  // 3.16.1 pcluster/constants.py:27-35 SUPPORTED_OSES has no alinux2 (3.15.1's has it), and
  // schemas/cluster_schema.py:1210-1211 validates Image/Os with OneOf(SUPPORTED_OSES).
  if (source.str(['Image', 'Os']) === 'alinux2') {
    retired.push({
      path: ['Image', 'Os'],
      removedIn: ParallelClusterVersion.V3_16,
      message: "is 'alinux2' (Amazon Linux 2), which ParallelCluster 3.16 no longer supports (3.15 is the last release with it): " +
        'use alinux2023 (or ubuntu2204, ubuntu2404, rhel8, rocky8, rhel9, rocky9), or set parallelClusterVersion to ' +
        'ParallelClusterVersion.V3_15 for a cluster of ParallelCluster 3.15 or earlier',
    });
  }
  // 3.16.1 schemas/cluster_schema.py:1410-1425: LoginNodesSshSchema refuses KeyName ("Starting with
  // ParallelCluster 3.15, the KeyName parameter is no longer supported for Login Nodes").
  pools.forEach((pool) => {
    if (source.has([...pool.path, 'Ssh', 'KeyName'])) {
      retired.push({
        path: [...pool.path, 'Ssh', 'KeyName'],
        removedIn: ParallelClusterVersion.V3_15,
        message: 'is set, but ParallelCluster 3.15 and later refuse a key pair for login nodes (3.14 is the last release with it): ' +
          'remove it (login nodes take the head node\'s users), or set parallelClusterVersion to ParallelClusterVersion.V3_14 for ' +
          'a cluster of ParallelCluster 3.14 or earlier',
      });
    }
  });
  return {
    source,
    retired,
    scheduler,
    region,
    headNode,
    queues,
    pools,
    secrets,
    fsxLustre,
    fsxBuckets: [...new Set(fsxBuckets)],
    efsIamAuthorization,
    permissionsBoundary,
    resourcePrefixPath,
    resourcePrefixName,
    lambdaFunctionsRole,
    lambdaFunctionsInVpc: source.isMapAt(['DeploymentSettings', 'LambdaFunctionsVpcConfig']),
    mungeKeySecretArn: source.str(['Scheduling', 'SlurmSettings', 'MungeKeySecretArn']),
    kmsKeyIds,
    capacityReservationResourceGroupArns: [...new Set(capacityReservationResourceGroupArns)],
    ebsVolumeIds: [...new Set(ebsVolumeIds)],
    customS3Bucket: readCustomS3Bucket(source),
    devSettingsObjects: readDevSettingsObjects(source, true),
    computeSubnetIds: [...new Set(computeSubnetIds)],
    computeImageIds: source.has(['DevSettings', 'AmiSearchFilters']) ? undefined : [...new Set(imageIds)],
  };
}

/** Reads a build-image configuration. */
export function readImage(source: YamlSource): ImageModel {
  const iam = ['Build', 'Iam'];
  if (!source.isMapAt(['Build'])) {
    throw source.error(['Build'], 'is missing: a build-image configuration has a Build section');
  }
  const instanceRole = arnAt(source, [...iam, 'InstanceRole'], ROLE_ARN, 'an IAM role ARN');
  const instanceProfile = arnAt(source, [...iam, 'InstanceProfile'], INSTANCE_PROFILE_ARN, 'an IAM instance profile ARN');
  const additionalIamPolicies = readPolicies(source, [...iam, 'AdditionalIamPolicies']);
  const given = [instanceRole && 'InstanceRole', instanceProfile && 'InstanceProfile', additionalIamPolicies.length > 0 && 'AdditionalIamPolicies'].filter(Boolean);
  if (given.length > 1) {
    throw source.error(iam, `sets ${given.join(' and ')}: ParallelCluster accepts only one of InstanceRole, InstanceProfile and AdditionalIamPolicies`);
  }
  const scripts: S3ObjectRef[] = [];
  const components = source.listLength(['Build', 'Components']);
  for (let i = 0; i < components; i++) {
    const path = ['Build', 'Components', i, 'Value'];
    const value = source.str(path);
    if (source.str(['Build', 'Components', i, 'Type']) === 'script' && value !== undefined && value.startsWith('s3://')) {
      scripts.push(s3Url(source, path, value, true));
    }
  }
  return {
    source,
    retired: retiredDevSettings(source),
    region: readRegion(source),
    instanceRole,
    instanceProfile,
    cleanupLambdaRole: arnAt(source, [...iam, 'CleanupLambdaRole'], ROLE_ARN, 'an IAM role ARN'),
    additionalIamPolicies,
    permissionsBoundary: arnAt(source, [...iam, 'PermissionsBoundary'], POLICY_ARN, 'an IAM policy ARN'),
    scripts,
    lambdaFunctionsInVpc: source.isMapAt(['DeploymentSettings', 'LambdaFunctionsVpcConfig']),
    customS3Bucket: readCustomS3Bucket(source),
    devSettingsObjects: readDevSettingsObjects(source, false),
  };
}

/**
 * `CustomS3Bucket` (3.16.1 schemas/cluster_schema.py:1883, imagebuilder_schema.py:273): a bucket name, which
 * ParallelCluster checks only by calling S3 (S3BucketValidator); a name S3 cannot have would grant nothing.
 */
function readCustomS3Bucket(source: YamlSource): string | undefined {
  const bucket = source.str(['CustomS3Bucket']);
  if (bucket !== undefined && (!S3_BUCKET_NAME.test(bucket) || bucket.includes('..'))) {
    throw source.error(['CustomS3Bucket'], `'${bucket}' is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens, ` +
      'starting and ending with a letter or digit; no s3:// and no key)');
  }
  return bucket;
}

/**
 * The `s3://` objects of `DevSettings` (3.16.1 schemas/common_schema.py:208-218, 268-272, cluster_schema.py:1142-1151).
 * An `https://` URL needs no permission; anything else ParallelCluster's UrlValidator refuses itself.
 */
function readDevSettingsObjects(source: YamlSource, cluster: boolean): DevSettingsObject[] {
  const out: DevSettingsObject[] = [];
  const settings: Array<[YamlStep[], boolean]> = [
    // A build's cookbook reaches the build as a URL presigned with the user's credentials; its node package
    // goes to the build's Chef run as `custom_node_package` (config/imagebuilder_config.py:374).
    [['DevSettings', 'Cookbook', 'ChefCookbook'], cluster],
    [['DevSettings', 'NodePackage'], true],
    ...(cluster ? [[['DevSettings', 'ClusterTemplate'], false] as [YamlStep[], boolean]] : []),
  ];
  for (const [path, nodes] of settings) {
    const url = source.str(path);
    if (url !== undefined && url.startsWith('s3://')) {
      out.push({ ...s3Url(source, path, url, true), nodes });
    }
  }
  return out;
}

function readRegion(source: YamlSource): string | undefined {
  const region = source.str(['Region']);
  if (region !== undefined && !REGION_NAME.test(region)) {
    throw source.error(['Region'], `'${region}' is not an AWS region name (for example us-east-1)`);
  }
  return region;
}

function readNode(source: YamlSource, kind: NodeSection['kind'], path: YamlStep[], events: string[]): NodeSection {
  let name: string | undefined;
  if (kind !== 'head') {
    name = source.requiredStr([...path, 'Name'], `ParallelCluster requires each ${kind === 'queue' ? 'queue' : 'login node pool'}'s Name`);
    if (!NODE_GROUP_NAME.test(name) || name.length > NODE_GROUP_NAME_MAX || name === 'default') {
      throw source.error([...path, 'Name'], `'${name}' is not a valid ${kind === 'queue' ? 'queue' : 'pool'} name: ParallelCluster accepts ` +
        `lower-case letters, digits and hyphens, starting with a letter, at most ${NODE_GROUP_NAME_MAX} characters, and not 'default'`);
    }
  }
  const iam = [...path, 'Iam'];
  const instanceRole = arnAt(source, [...iam, 'InstanceRole'], ROLE_ARN, 'an IAM role ARN');
  const instanceProfile = arnAt(source, [...iam, 'InstanceProfile'], INSTANCE_PROFILE_ARN, 'an IAM instance profile ARN');
  const additionalIamPolicies = readPolicies(source, [...iam, 'AdditionalIamPolicies']);
  const given = [instanceRole && 'InstanceRole', instanceProfile && 'InstanceProfile', additionalIamPolicies.length > 0 && 'AdditionalIamPolicies'].filter(Boolean);
  if (given.length > 1) {
    throw source.error(iam, `sets ${given.join(' and ')}: ParallelCluster accepts only one of InstanceRole, InstanceProfile and AdditionalIamPolicies`);
  }
  const s3Access: S3AccessEntry[] = [];
  const accessCount = kind === 'pool' ? 0 : source.listLength([...iam, 'S3Access']);
  if (accessCount > 0 && (instanceRole || instanceProfile)) {
    throw source.error([...iam, 'S3Access'], `is set next to ${instanceRole ? 'InstanceRole' : 'InstanceProfile'}, which ParallelCluster refuses`);
  }
  for (let i = 0; i < accessCount; i++) {
    const entry = [...iam, 'S3Access', i];
    const bucket = source.requiredStr([...entry, 'BucketName'], 'ParallelCluster requires it');
    if (!S3_ACCESS_BUCKET.test(bucket)) {
      throw source.error([...entry, 'BucketName'], `'${bucket}' is not a bucket name (lower-case letters, digits, dots, hyphens and *)`);
    }
    const key = source.str([...entry, 'KeyName']);
    if (key !== undefined && (key === '' || key.startsWith('/'))) {
      throw source.error([...entry, 'KeyName'], `'${key}' matches no object: S3 keys are not empty and have no leading '/'`);
    }
    s3Access.push({ bucket, key, write: source.bool([...entry, 'EnableWriteAccess']) ?? false });
  }
  const scripts: S3ObjectRef[] = [];
  for (const event of events) {
    const action = [...path, 'CustomActions', event];
    if (!source.isMapAt(action)) {
      continue;
    }
    const steps: YamlStep[][] = [];
    if (source.has([...action, 'Sequence'])) {
      const n = source.listLength([...action, 'Sequence']);
      for (let i = 0; i < n; i++) {
        steps.push([...action, 'Sequence', i]);
      }
    } else {
      steps.push(action);
    }
    for (const step of steps) {
      const script = source.requiredStr([...step, 'Script'], 'ParallelCluster requires Script in a custom action');
      if (script.startsWith('s3://')) {
        scripts.push(s3Url(source, [...step, 'Script'], script, true));
      }
      const args = source.listLength([...step, 'Args']);
      for (let i = 0; i < args; i++) {
        const arg = source.str([...step, 'Args', i]);
        if (arg !== undefined && arg.startsWith('s3://')) {
          scripts.push(s3Url(source, [...step, 'Args', i], arg, true));
        }
      }
    }
  }
  return { kind, name, path, instanceRole, instanceProfile, s3Access, additionalIamPolicies, scripts };
}

function readPolicies(source: YamlSource, path: YamlStep[]): string[] {
  const count = source.listLength(path);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const arn = arnAt(source, [...path, i, 'Policy'], POLICY_ARN, 'an IAM policy ARN', true)!;
    const awsManaged = /:iam::aws:policy\/(.+)$/.exec(arn)?.[1];
    if (awsManaged !== undefined && isAdminEquivalentAwsManagedPolicy(awsManaged.split('/').pop()!)) {
      throw source.error([...path, i, 'Policy'], `'${arn}' makes the role account admin: anyone who can pass or reach it ` +
        '(the ParallelCluster user, the head node, a compute node) gets it. Attach a customer managed policy with only the actions the nodes need');
    }
    out.push(arn);
  }
  return out;
}

function arnAt(source: YamlSource, path: YamlStep[], pattern: RegExp, what: string, required = false): string | undefined {
  const value = required ? source.requiredStr(path, 'ParallelCluster requires it') : source.str(path);
  if (value !== undefined && !pattern.test(value)) {
    throw source.error(path, `'${value}' is not ${what}`);
  }
  return value;
}

/** `s3://bucket/key`: the bucket, and the key (required for an object). */
function s3Url(source: YamlSource, path: YamlStep[], url: string, object: boolean): S3ObjectRef {
  const match = S3_URL.exec(url);
  if (!match || match[1].includes('..') || (object && !match[2])) {
    throw source.error(path, `'${url}' is not a valid S3 URL: write s3://<bucket>/${object ? '<key>' : '[<prefix>]'} with a valid bucket name` +
      (object ? ' and the object key' : ''));
  }
  if (object && /[*?]/.test(match[2])) {
    throw source.error(path, `'${url}' has a wildcard in its key: a script or argument is one object`);
  }
  return { bucket: match[1], key: match[2] ?? '', where: displayPath(path) };
}

function checkDistinct(source: YamlSource, sections: NodeSection[], kind: string): void {
  const seen = new Set<string>();
  for (const section of sections) {
    if (seen.has(section.name!)) {
      throw source.error([...section.path, 'Name'], `'${section.name}' is the name of another ${kind}: each ${kind} needs a distinct name`);
    }
    seen.add(section.name!);
  }
}

/** Whether `value` is an IAM role ARN. */
export function isRoleArn(value: string): boolean {
  return ROLE_ARN.test(value);
}

/** `InstanceRole` or `InstanceProfile` when the section names its own identity. */
export function ownIdentity(section: NodeSection): 'InstanceRole' | 'InstanceProfile' | undefined {
  return section.instanceRole ? 'InstanceRole' : section.instanceProfile ? 'InstanceProfile' : undefined;
}

/**
 * `DevSettings/AwsBatchCliPackage`, of cluster and build-image files: 3.15.1 schemas/common_schema.py:273 has
 * it in BaseDevSettingsSchema, 3.16.1 schemas/common_schema.py:268-272 no longer (unknown fields are refused).
 */
function retiredDevSettings(source: YamlSource): RetiredSetting[] {
  if (!source.has(['DevSettings', 'AwsBatchCliPackage'])) {
    return [];
  }
  return [{
    path: ['DevSettings', 'AwsBatchCliPackage'],
    removedIn: ParallelClusterVersion.V3_16,
    message: 'is set, but ParallelCluster 3.16 removed AWS Batch and refuses this setting (3.15 is the last release with AWS Batch): ' +
      'remove it, or set parallelClusterVersion to ParallelClusterVersion.V3_15 for a cluster of ParallelCluster 3.15 or earlier',
  }];
}
