import { Token } from '../private/cdk';
import { MAX_LOGIN_NODE_POOLS, MAX_SLURM_QUEUES, QUEUE_NAME_MAX_LENGTH, QUEUE_NAME_PATTERN, RESERVED_QUEUE_NAME, checkCount } from '../private/pcluster-rules';
import { validateClusterName } from '../private/validation';
import { YamlValue, toYaml } from '../private/yaml';
import { Scheduler } from '../scheduler';

/**
 * The IAM identity of one kind of ParallelCluster node (`HeadNode/Iam`, `Scheduling/SlurmQueues[]/Iam`):
 * a role or an instance profile, never both.
 */
export interface NodeIamConfig {
  /**
   * `Iam/InstanceRole`: the node's role. ParallelCluster then creates an instance profile for it.
   *
   * @default - not set; give `instanceProfileArn` instead
   */
  readonly instanceRoleArn?: string;

  /**
   * `Iam/InstanceProfile`: an existing instance profile. ParallelCluster cannot change it on a
   * running head node (update policy UNSUPPORTED), so prefer `instanceRoleArn`.
   *
   * @default - not set; give `instanceRoleArn` instead
   */
  readonly instanceProfileArn?: string;
}

/** The IAM part of one Slurm queue (`Scheduling/SlurmQueues[]`). */
export interface SlurmQueueIamConfig extends NodeIamConfig {
  /**
   * The queue's `Name`: lower-case letters, digits and hyphens, starting with a letter, at most 25
   * characters (ParallelCluster's rule).
   */
  readonly name: string;
}

/** The IAM part of one login node pool (`LoginNodes/Pools[]`, ParallelCluster 3.7+). */
export interface LoginNodePoolIamConfig extends NodeIamConfig {
  /** The pool's `Name`: the same rule as a queue name. */
  readonly name: string;
}

/** The values of the `Iam` settings of a ParallelCluster 3 cluster configuration. */
export interface ClusterConfigFragmentProps {
  /**
   * The name of the cluster the roles were built for (`clusterName` of the roles). The fragment then
   * starts with a YAML comment naming it, so that the configuration and the roles cannot silently be
   * used for another cluster. ParallelCluster's configuration has no field for the cluster name (it is
   * `pcluster create-cluster --cluster-name`), and it sets the `parallelcluster:cluster-name` tag itself.
   *
   * @default - no comment; the roles work for any cluster
   */
  readonly clusterName?: string;

  /**
   * `Scheduling/Scheduler`.
   *
   * @default Scheduler.SLURM
   */
  readonly scheduler?: Scheduler;

  /**
   * `Iam/Roles/LambdaFunctionsRole`: the role of every Lambda function ParallelCluster creates.
   *
   * @default - not set; ParallelCluster creates its Lambda roles itself (needs the privileged or
   * permissions-boundary IAM access mode)
   */
  readonly lambdaFunctionsRoleArn?: string;

  /**
   * `Iam/ResourcePrefix`: the IAM path (and name prefix) of the IAM resources ParallelCluster creates
   * itself, such as the instance profiles of the roles named here, which it puts on
   * `<path><cluster name>/` (templates/cdk_builder_utils.py:478-487, 624-629 in the 3.16.1 wheel).
   * Without it they go on `/parallelcluster/<cluster name>/`, where a user role built with another
   * `iamPath` may not create them.
   *
   * @default - not set: ParallelCluster's own `/parallelcluster/`
   */
  readonly resourcePrefix?: string;

  /**
   * `Iam/PermissionsBoundary`: the boundary ParallelCluster puts on every role it creates itself.
   *
   * @default - not set
   */
  readonly permissionsBoundaryArn?: string;

  /**
   * `HeadNode/Iam`.
   *
   * @default - no `HeadNode` section; ParallelCluster creates the head node's role itself
   */
  readonly headNode?: NodeIamConfig;

  /**
   * `Scheduling/SlurmQueues`, in order. Slurm only: AWS Batch queues have no `Iam` section.
   *
   * @default - no queues
   */
  readonly slurmQueues?: SlurmQueueIamConfig[];

  /**
   * `LoginNodes/Pools[]`: each pool's `Name` and `Iam` (Slurm only, ParallelCluster 3.7+).
   *
   * @default - no login node pools
   */
  readonly loginNodePools?: LoginNodePoolIamConfig[];
}

/** The values of the `Build/Iam` settings of a ParallelCluster 3 build-image configuration. */
export interface ImageConfigFragmentProps {
  /**
   * `Build/Iam/InstanceRole`: the role of the instance that builds the image.
   *
   * @default - not set; give `instanceProfileArn`, or let ParallelCluster create the role
   */
  readonly instanceRoleArn?: string;

  /**
   * `Build/Iam/InstanceProfile`.
   *
   * @default - not set
   */
  readonly instanceProfileArn?: string;

  /**
   * `Build/Iam/CleanupLambdaRole`: the role of the Lambda function that deletes the build's resources.
   *
   * @default - not set; ParallelCluster creates the role itself
   */
  readonly cleanupLambdaRoleArn?: string;

  /**
   * `Build/Iam/PermissionsBoundary`.
   *
   * @default - not set
   */
  readonly permissionsBoundaryArn?: string;
}

// ParallelCluster's rule for queue and login node pool names (`NameValidator`: NAME_REGEX, at most
// NAME_MAX_LENGTH = 25 characters, and never `default`), in src/private/pcluster-rules.ts.
const QUEUE_NAME = QUEUE_NAME_PATTERN;

/**
 * The `Iam` parts of ParallelCluster configuration files, as YAML to merge into the user's own.
 *
 * Key names and nesting are those of ParallelCluster's configuration schema (`PermissionsBoundary`,
 * `AdditionalIamPolicies`; the IAM doc page's prose misspells both). `AdditionalIamPolicies` is never
 * written: ParallelCluster refuses it next to `InstanceRole` or `InstanceProfile`, and ignores it for
 * roles it does not create, so policies for custom roles must be attached to the roles themselves.
 */
export class ConfigFragment {
  /**
   * The cluster configuration's IAM settings (`Iam`, `HeadNode/Iam`, `Scheduling`) as a YAML document.
   * ARNs that are tokens stay tokens in the string, so it can be put in a `CfnOutput` and resolves at
   * deploy time.
   */
  public static cluster(props: ClusterConfigFragmentProps): string {
    const yaml = toYaml(ConfigFragment.clusterObject(props));
    if (props.clusterName === undefined) {
      return yaml;
    }
    validateClusterName('clusterName', props.clusterName);
    return `# IAM roles built for the cluster '${props.clusterName}' only: create it with\n` +
      `#   pcluster create-cluster --cluster-name ${props.clusterName} ...\n${yaml}`;
  }

  /** The build-image configuration's IAM settings (`Build/Iam`) as a YAML document. */
  public static image(props: ImageConfigFragmentProps): string {
    const iam = {
      ...nodeIam('Build/Iam', props),
      CleanupLambdaRole: props.cleanupLambdaRoleArn,
      PermissionsBoundary: props.permissionsBoundaryArn,
    };
    return toYaml({ Build: { Iam: iam } });
  }

  /**
   * Throws unless `names` are valid, distinct ParallelCluster queue names.
   *
   * @param names the queue names
   */
  public static validateSlurmQueueNames(names: string[]): void {
    validateNames('Slurm queue', names);
  }

  /**
   * Checks login node pool names against ParallelCluster's rule (the queue-name rule) and for
   * duplicates; throws an error naming the first bad name.
   *
   * @param names the pool names
   */
  public static validateLoginNodePoolNames(names: string[]): void {
    validateNames('login node pool', names);
  }

  private static clusterObject(props: ClusterConfigFragmentProps): YamlValue {
    const scheduler = props.scheduler ?? Scheduler.SLURM;
    const queues = props.slurmQueues ?? [];
    if (scheduler !== Scheduler.SLURM && queues.length > 0) {
      throw new Error(
        `slurmQueues has ${queues.length} queue(s) but the scheduler is '${scheduler}': only Slurm queues have an Iam section. ` +
        'Leave slurmQueues out for AWS Batch.',
      );
    }
    ConfigFragment.validateSlurmQueueNames(queues.map((q) => q.name));
    checkCount('slurmQueues', 'Slurm queue', queues.map((q) => q.name), MAX_SLURM_QUEUES);
    const pools = props.loginNodePools ?? [];
    if (scheduler !== Scheduler.SLURM && pools.length > 0) {
      throw new Error(
        `loginNodePools has ${pools.length} pool(s) but the scheduler is '${scheduler}': ParallelCluster has login nodes ` +
        'for Slurm clusters only. Leave loginNodePools out for AWS Batch.',
      );
    }
    ConfigFragment.validateLoginNodePoolNames(pools.map((p) => p.name));
    checkCount('loginNodePools', 'login node pool', pools.map((p) => p.name), MAX_LOGIN_NODE_POOLS);
    const roles = props.lambdaFunctionsRoleArn === undefined ? undefined : { LambdaFunctionsRole: props.lambdaFunctionsRoleArn };
    const iam = roles === undefined && props.permissionsBoundaryArn === undefined && props.resourcePrefix === undefined
      ? undefined
      : { Roles: roles, PermissionsBoundary: props.permissionsBoundaryArn, ResourcePrefix: props.resourcePrefix };
    const headNodeIam = props.headNode ? nodeIam('HeadNode/Iam', props.headNode) : {};
    return {
      Iam: iam,
      HeadNode: Object.keys(headNodeIam).length > 0 ? { Iam: headNodeIam } : undefined,
      LoginNodes: pools.length > 0
        ? {
          Pools: pools.map((p) => {
            const poolIam = nodeIam(`LoginNodes/Pools[${p.name}]/Iam`, p);
            return { Name: p.name, Iam: Object.keys(poolIam).length > 0 ? poolIam : undefined };
          }),
        }
        : undefined,
      Scheduling: {
        Scheduler: scheduler,
        SlurmQueues: queues.length > 0
          ? queues.map((q) => {
            const queueIam = nodeIam(`Scheduling/SlurmQueues[${q.name}]/Iam`, q);
            return { Name: q.name, Iam: Object.keys(queueIam).length > 0 ? queueIam : undefined };
          })
          : undefined,
      },
    };
  }

  private constructor() {}
}

/** `InstanceRole` or `InstanceProfile`, refusing both (ParallelCluster's `no_coexist_role_policies`). */
function nodeIam(where: string, config: NodeIamConfig): { [key: string]: string } {
  if (config.instanceRoleArn !== undefined && config.instanceProfileArn !== undefined) {
    throw new Error(
      `${where} has both an instance role and an instance profile: ParallelCluster accepts only one of InstanceRole, ` +
      'InstanceProfile and AdditionalIamPolicies. Give only instanceRoleArn.',
    );
  }
  if (config.instanceRoleArn !== undefined) {
    return { InstanceRole: config.instanceRoleArn };
  }
  return config.instanceProfileArn !== undefined ? { InstanceProfile: config.instanceProfileArn } : {};
}

function validateNames(kind: string, names: string[]): void {
  for (const name of names) {
    if (Token.isUnresolved(name)) {
      throw new Error(`${kind} names must be literal strings, got a token (${name}): the name is part of the configuration written at synth time.`);
    }
    if (!QUEUE_NAME.test(name) || name.length > QUEUE_NAME_MAX_LENGTH || name === RESERVED_QUEUE_NAME) {
      throw new Error(
        `${kind} name '${name}' is invalid: ParallelCluster accepts lower-case letters, digits and hyphens, ` +
        `starting with a letter, at most ${QUEUE_NAME_MAX_LENGTH} characters, and not 'default' (for example 'compute' or 'gpu-spot').`,
      );
    }
  }
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) {
    throw new Error(`${kind} name '${duplicates[0]}' is given more than once: each needs a distinct name.`);
  }
}
