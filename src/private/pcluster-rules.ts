import { ParallelClusterVersion } from '../parallelcluster-version';

/*
 * ParallelCluster's own rules, in one place: the names, limits, tags and resource names that `pcluster`
 * and the stacks it creates use. The policy factories, the configuration reader and the constructs all
 * read them from here, so that when ParallelCluster changes one, one line changes in one file.
 *
 * Checked against the 3.16.1 wheel (pcluster/constants.py, pcluster/validators/cluster_validators.py,
 * pcluster/config/cluster_config.py, pcluster/models/*.py, pcluster/templates/*.py). `npx projen
 * upstream:diff <release>` shows when these files change.
 */

// ---------------------------------------------------------------------------------------------------
// Names

/** The IAM path ParallelCluster puts its own roles, instance profiles and policies on. */
export const DEFAULT_IAM_PATH = '/parallelcluster/';

/**
 * `PCLUSTER_NAME_MAX_LENGTH` (constants.py:15): the longest cluster name. With Slurm accounting the
 * limit is 40 (`PCLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING`), which ParallelCluster checks itself.
 */
export const CLUSTER_NAME_MAX_LENGTH = 60;

/** `PCLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING`: the longest cluster name with Slurm accounting. */
export const CLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING = 40;

/** `PCLUSTER_NAME_REGEX` (constants.py:20), without its length: letters, digits, hyphens, a letter first. */
export const CLUSTER_NAME_REGEX = /^[a-zA-Z][a-zA-Z0-9-]*$/;

/**
 * A cluster name pattern of the library's (`clusterNames`): a name that may also hold `*`, still
 * starting with a letter, so that it always names a prefix (`*` or `*-prod` would match every cluster).
 */
export const CLUSTER_NAME_PATTERN_REGEX = /^[a-zA-Z][a-zA-Z0-9*-]*$/;

/** `NAME_REGEX` of queue and login node pool names. */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** `NAME_MAX_LENGTH` of queue and login node pool names. */
export const QUEUE_NAME_MAX_LENGTH = 25;

/** A queue or pool name `NameValidator` refuses whatever its form. */
export const RESERVED_QUEUE_NAME = 'default';

// ---------------------------------------------------------------------------------------------------
// Limits

/** `MAX_NUMBER_OF_QUEUES`: Slurm queues per cluster. */
export const MAX_SLURM_QUEUES = 50;

/** `MAX_NUMBER_OF_LOGIN_NODE_POOLS`: login node pools per cluster. */
export const MAX_LOGIN_NODE_POOLS = 10;

/** The newest revision whose ParallelCluster releases have the AWS Batch scheduler (3.16.0 removed it). */
export const LAST_AWS_BATCH_REVISION = ParallelClusterVersion.V3_15;

// ---------------------------------------------------------------------------------------------------
// Tags
//
// - cluster stacks: `parallelcluster:cluster-name` = the cluster (= stack) name and
//   `parallelcluster:version` (pcluster/models/cluster.py:925-942, `_add_tags` / `_get_cfn_tags`, sent
//   with CreateStack at cluster.py:387-393 and with UpdateStack at cluster.py:898-903); CloudFormation
//   propagates stack tags to most taggable resources of the stack (not to launch templates);
// - image stacks: `parallelcluster:image_id` = the image id (= stack name), `parallelcluster:image_name`,
//   `parallelcluster:build_log`, `parallelcluster:build_config` (pcluster/models/imagebuilder.py:641-659,
//   sent with CreateStack at imagebuilder.py:474-480; constants.py:192-204).

/** The cluster-name tag of every cluster stack and cluster resource (`PCLUSTER_CLUSTER_NAME_TAG`). */
export const CLUSTER_NAME_TAG = 'parallelcluster:cluster-name';

/** The image-id tag of every image stack (`PCLUSTER_IMAGE_ID_TAG`). */
export const IMAGE_ID_TAG = 'parallelcluster:image_id';

/** The tag EC2 Image Builder puts on the AMIs it creates (the ARN of the Image Builder image). */
export const IMAGE_BUILDER_ARN_TAG = 'Ec2ImageBuilderArn';

/**
 * The owner of ParallelCluster's official AMIs as EC2 names it (`ec2:Owner`): pcluster looks the official
 * image up with `Owners=["amazon"]` unless DevSettings/AmiSearchFilters/Owner names another
 * (pcluster/aws/ec2.py:311 get_official_image_id, :328 get_official_images).
 */
export const OFFICIAL_IMAGE_OWNER = 'amazon';

// ---------------------------------------------------------------------------------------------------
// CloudFormation on the user's behalf

/**
 * The service principal CloudFormation puts in `aws:CalledVia` when it forwards the caller's credentials
 * (forward access sessions) to create, update and delete a stack's resources. pcluster creates and
 * updates its stacks without a service role (pcluster/aws/cfn.py:31-99), so every resource request of a
 * cluster or image stack is made with the user's credentials and carries it. Sources:
 * - AWS Security Blog, "How to define least-privileged permissions for actions called by AWS services"
 *   (https://aws.amazon.com/blogs/security/how-to-define-least-privileged-permissions-for-actions-called-by-aws-services/):
 *   CloudFormation is one of the services that set `aws:CalledVia`; its example grants EC2 launches
 *   only through CloudFormation;
 * - IAM User Guide, "AWS global condition context keys", `aws:CalledVia`
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-calledvia);
 * - CloudFormation User Guide, "Forward access sessions (FAS) requests and permission evaluation"
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/fas-requests-and-permission-evaluation.html):
 *   CloudFormation makes every resource operation with a FAS token, with or without a service role.
 */
export const CLOUDFORMATION_SERVICE = 'cloudformation.amazonaws.com';

// ---------------------------------------------------------------------------------------------------
// Resource names

/**
 * The names of the resources ParallelCluster creates, as the prefixes the policies match. Each one is
 * cited where the policies use it.
 */
export const PCLUSTER_NAMES = {
  /** Cluster log groups `/aws/parallelcluster/<cluster>-<timestamp>` (`CW_LOG_GROUP_NAME_PREFIX`, constants.py:171). */
  clusterLogGroupPrefix: '/aws/parallelcluster/',
  /** The cluster stack's Lambda functions, `pcluster-<...>` (templates/cdk_builder_utils.py:1098-1123). */
  functionPrefix: 'pcluster-',
  /** The Lambda functions of releases before 3.0 and of the doc's policies, `parallelcluster-<...>`. */
  legacyFunctionPrefix: 'parallelcluster-',
  /** Image stacks, their roles, profiles, functions, topics and log groups: `ParallelClusterImage-<...>`. */
  imagePrefix: 'ParallelClusterImage-',
  /** Image Builder resources are lower-cased: `parallelclusterimage-<...>`. */
  imageBuilderPrefix: 'parallelclusterimage-',
  /** The resources bucket `parallelcluster-<hash>-v1-do-not-delete` (models/s3_bucket.py:106-145). */
  bucketPrefix: 'parallelcluster-',
  /** The suffix of the resources bucket's name. */
  bucketSuffix: '-v1-do-not-delete',
  /** The buckets ParallelCluster publishes its artifacts in, `<region>-aws-parallelcluster`. */
  publicBucketInfix: 'aws-parallelcluster',
  /** DynamoDB tables `parallelcluster-<cluster>` and `parallelcluster-slurm-<...>`. */
  tablePrefix: 'parallelcluster-',
  /** CodeBuild projects `pcluster-<...>` (AWS Batch clusters). */
  codeBuildProjectPrefix: 'pcluster-',
  /** The private hosted zone's domain, `<cluster>.pcluster` (templates/slurm_builder.py:207-217). */
  privateDomain: 'pcluster',
} as const;

/**
 * The keys of a cluster's artifacts in its bucket (the resources bucket or `CustomS3Bucket`):
 * `parallelcluster/<release>/clusters/<artifact directory>/...` (3.16.1 models/cluster.py:220-235,
 * `PCLUSTER_S3_ARTIFACTS_DICT` constants.py:211-222), the directory being the cluster name in lower case cut
 * to 46 characters, `-` and 16 random lower-case letters and digits (utils.py:107-127
 * `generate_random_name_with_prefix`). The 16 `?` keep cluster `hpc` off the artifacts of cluster `hpc-2`
 * (`hpc-2-<16>` has 18 characters after `hpc-`). Without a name (or with a name pattern), any cluster's.
 *
 * @param clusterName the cluster's name, a pattern with `*`, or undefined for every cluster
 */
export function clusterArtifactKeys(clusterName?: string): string {
  if (clusterName === undefined) {
    return `${ARTIFACT_ROOT}/*/${ARTIFACT_CLUSTERS}/*`;
  }
  const cut = clusterName.toLowerCase().substring(0, ARTIFACT_NAME_MAX_LENGTH);
  const directory = cut.includes('*') ? `${cut.replace(/\*+$/, '')}-*` : `${cut}-${'?'.repeat(ARTIFACT_RANDOM_SUFFIX_LENGTH)}`;
  return `${ARTIFACT_ROOT}/*/${ARTIFACT_CLUSTERS}/${directory}/*`;
}

/**
 * The one region where ParallelCluster takes an SSM parameter as the directory service password
 * (3.16.1 validators/directory_service_validators.py:78-105, "for retro-compatibility").
 */
export const SSM_DIRECTORY_PASSWORD_REGION = 'us-isob-east-1';

/** The keys of image builds' artifacts in a bucket: `parallelcluster/<release>/images/<image id>-<16>/...` (models/imagebuilder.py). */
export const IMAGE_ARTIFACT_KEYS = 'parallelcluster/*/images/*';

const ARTIFACT_ROOT = 'parallelcluster';
const ARTIFACT_CLUSTERS = 'clusters';
/** `63 - 16 - 1` (utils.py:114). */
const ARTIFACT_NAME_MAX_LENGTH = 46;
const ARTIFACT_RANDOM_SUFFIX_LENGTH = 16;

// ---------------------------------------------------------------------------------------------------
// Checks of these rules

/**
 * Throws when `version` is for a ParallelCluster release without AWS Batch.
 *
 * @param what the prop that asked for AWS Batch, as the user wrote it
 */
export function checkAwsBatchSupported(what: string, version: ParallelClusterVersion): void {
  if (version.isAtLeast(LAST_AWS_BATCH_REVISION) && version !== LAST_AWS_BATCH_REVISION) {
    throw new Error(
      `${what} asks for AWS Batch, but parallelClusterVersion is ${version}: ParallelCluster 3.16.0 removed the AWS Batch ` +
      `scheduler. Set parallelClusterVersion to ParallelClusterVersion.${LAST_AWS_BATCH_REVISION} (the last revision with ` +
      'AWS Batch) for a cluster of ParallelCluster 3.15 or earlier, or use Scheduler.SLURM.',
    );
  }
}

/**
 * Throws when a cluster has more queues or pools than `pcluster` accepts.
 *
 * @param kind 'Slurm queue' or 'login node pool'
 */
export function checkCount(prop: string, kind: string, names: string[], max: number): void {
  if (names.length > max) {
    throw new Error(
      `${prop} has ${names.length} ${kind}s, but ParallelCluster accepts at most ${max} per cluster ` +
      `(MaxCountValidator). Merge ${kind}s, or split them over several clusters (one ParallelClusterIam each).`,
    );
  }
}

/**
 * The resource parts of the ARNs (or the S3 names) of ParallelCluster's resources, as the policies
 * match them: `ctx.arn('dynamodb', region, PCLUSTER_RESOURCES.tables)`.
 */
export const PCLUSTER_RESOURCES = {
  /** DynamoDB tables of clusters. */
  tables: `table/${PCLUSTER_NAMES.tablePrefix}*`,
  /** The cluster stack's Lambda functions. */
  clusterFunctions: `function:${PCLUSTER_NAMES.functionPrefix}*`,
  /** Lambda functions named as the doc's policies name them. */
  legacyClusterFunctions: `function:${PCLUSTER_NAMES.legacyFunctionPrefix}*`,
  /** The image stack's cleanup function. */
  imageFunctions: `function:${PCLUSTER_NAMES.imagePrefix}*`,
  /** Cluster log groups. */
  clusterLogGroups: `log-group:${PCLUSTER_NAMES.clusterLogGroupPrefix}*`,
  /** Log groups of the cluster stack's Lambda functions. */
  clusterFunctionLogGroups: `log-group:/aws/lambda/${PCLUSTER_NAMES.functionPrefix}*`,
  /** Image build log groups (Image Builder's own). */
  imageBuildLogGroups: `log-group:/aws/imagebuilder/${PCLUSTER_NAMES.imagePrefix}*`,
  /** Log groups of the image stack's cleanup function. */
  imageFunctionLogGroups: `log-group:/aws/lambda/${PCLUSTER_NAMES.imagePrefix}*`,
  /** Log streams of the image stack's cleanup function. */
  imageFunctionLogStreams: `log-group:/aws/lambda/${PCLUSTER_NAMES.imagePrefix}*:*`,
  /** Bucket names ParallelCluster's buckets match. */
  buckets: `${PCLUSTER_NAMES.bucketPrefix}*`,
  /** Objects of those buckets. */
  bucketObjects: `${PCLUSTER_NAMES.bucketPrefix}*/*`,
  /** The resources bucket. */
  resourcesBucket: `${PCLUSTER_NAMES.bucketPrefix}*${PCLUSTER_NAMES.bucketSuffix}`,
  /** Objects of the resources bucket. */
  resourcesBucketObjects: `${PCLUSTER_NAMES.bucketPrefix}*${PCLUSTER_NAMES.bucketSuffix}/*`,
  /**
   * Objects of image builds in the resources bucket, `parallelcluster/<version>/images/<image id>-<random>/`
   * (models/imagebuilder.py:393-405).
   */
  imageArtifactObjects: `${PCLUSTER_NAMES.bucketPrefix}*/parallelcluster/*/images/*`,
  /** The marker pcluster reads and writes in the resources bucket (models/s3_bucket.py:274-292). */
  bootstrappedMarker: `${PCLUSTER_NAMES.bucketPrefix}*/parallelcluster/.bootstrapped`,
  /**
   * The head node's alarms, `<cluster>-HeadNode-<metric>` and the composite `<cluster>-HeadNode`
   * (templates/cluster_stack.py:410, 430).
   */
  headNodeAlarms: ['alarm:*-HeadNode', 'alarm:*-HeadNode-*'],
  /**
   * The cluster's dashboard `<cluster>-<region>` (templates/cw_dashboard_builder.py:89): every region
   * name is `<two letters>-<words>-<digit>` (us-east-1, us-gov-west-1, cn-north-1).
   */
  clusterDashboards: 'dashboard/*-??-*-?',
  /** Bucket names of the doc's policies, `aws-parallelcluster-*`. */
  legacyBuckets: `${PCLUSTER_NAMES.publicBucketInfix}-*`,
  /** ParallelCluster's public buckets, `<region>-aws-parallelcluster`. */
  publicBuckets: `*-${PCLUSTER_NAMES.publicBucketInfix}*`,
  /** CodeBuild projects of AWS Batch clusters. */
  codeBuildProjects: `project/${PCLUSTER_NAMES.codeBuildProjectPrefix}*`,
  /** Names of the image stack's resources (roles, profiles, topics). */
  imageResources: `${PCLUSTER_NAMES.imagePrefix}*`,
  /** DNS record names in the cluster's private zone (Route 53 normalizes them: lower case, no final dot). */
  privateRecordNames: `*.${PCLUSTER_NAMES.privateDomain}`,
} as const;

// ---------------------------------------------------------------------------------------------------
// The CloudFormation custom resource (docs page "cfn-provider-stack", and the provider template
// `cloudformation/custom_resource/cluster.yaml` of aws/aws-parallelcluster, which the wheel does not
// ship: ParallelCluster serves it from its per-region bucket)

/** The key of the provider template in `<region>-aws-parallelcluster`, after `parallelcluster/<release>/`. */
export const PROVIDER_TEMPLATE_KEY = 'templates/custom_resource/cluster.yaml';

/** The provider's function `pcluster-cfn-<provider stack UUID>` (template `PclusterCfnFunction`). */
export const PROVIDER_FUNCTION_PREFIX = 'pcluster-cfn-';

/** The resource type the docs give the cluster resource (the Lambda never reads the type). */
export const CLUSTER_RESOURCE_TYPE = 'Custom::PclusterCluster';

/**
 * The longest a custom resource may take (CloudFormation's `ServiceTimeout` is 1-3600 seconds): a
 * create or update that has not reached `*_COMPLETE` by then fails the stack.
 */
export const CUSTOM_RESOURCE_TIMEOUT_SECONDS = 3600;

/** How often the provider polls the cluster (crhelper `polling_interval=2` minutes, resource_helper.py:39,280-285). */
export const PROVIDER_POLL_MINUTES = 2;

/** The properties the provider reads itself: the rest go to `create_cluster` and `update_cluster` as keywords. */
export const PROVIDER_META_PROPERTIES = ['ServiceToken', 'ClusterName', 'ClusterConfiguration', 'DeletionPolicy'] as const;

/**
 * Properties the provider must not pass on, and why: it hands every extra property (snake_cased) to both
 * `create_cluster` and `update_cluster` (pcluster/lib/lib.py: a keyword a function lacks raises TypeError).
 */
export const UNSAFE_PROVIDER_PROPERTIES: Record<string, string> = {
  RollbackOnFailure: 'create_cluster knows rollback_on_failure but update_cluster does not, so every update would fail',
  ForceUpdate: 'update_cluster knows force_update but create_cluster does not, so the create would fail',
  DryRun: 'it becomes dry_run, which neither function knows',
  Dryrun: 'a dry run creates nothing, so the provider would wait for a cluster that never comes',
  Wait: 'the provider sets wait itself (it polls), and ignores this one',
};

/** `validationMessages` is cut at this many characters (with a `TRUNCATED:` prefix). */
export const VALIDATION_MESSAGES_MAX_LENGTH = 2048;
