import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ParallelClusterIam } from '../cluster-iam/parallel-cluster-iam';
import { ClusterConfiguration } from '../config/cluster-configuration';
import { clusterModelOf } from '../config/registry';
import { IamAccessMode } from '../iam-access-mode';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { LATEST_CHECKED_RELEASE } from '../policies/revisions';
import { Aws, CfnMapping, CfnOutput, CfnResource, Construct, CustomResource, Fn, iam, Stack, Token } from '../private/cdk';
import { providerLib, serializeLib, yamlLib } from '../private/lazy-modules';
import {
  CLUSTER_NAME_MAX_LENGTH,
  DEFAULT_IAM_PATH,
  CLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING,
  CLUSTER_RESOURCE_TYPE,
  CUSTOM_RESOURCE_TIMEOUT_SECONDS,
  PROVIDER_META_PROPERTIES,
  PROVIDER_POLL_MINUTES,
  UNSAFE_PROVIDER_PROPERTIES,
} from '../private/pcluster-rules';
import { addResourceDependency } from '../private/resource-dependency';
import { validateClusterName } from '../private/validation';
import { addAcknowledgeableWarning } from '../private/warnings';

/** What the provider does with the cluster when the resource is deleted (the `DeletionPolicy` property). */
export enum ClusterDeletionPolicy {
  /** Delete the cluster (`pcluster delete-cluster`) and wait until it is gone. */
  DELETE = 'Delete',
  /** Leave the cluster running; manage it with the ParallelCluster CLI from then on. */
  RETAIN = 'Retain',
}

/** The lowest level of validation failure that stops a create or update (`ValidationFailureLevel`). */
export enum ValidationFailureLevel {
  /** Stop at INFO messages and above. */
  INFO = 'INFO',
  /** Stop at WARNING messages and above. */
  WARNING = 'WARNING',
  /** Stop at ERROR messages only (ParallelCluster's default). */
  ERROR = 'ERROR',
}

/** Properties of a `ParallelCluster`. */
export interface ParallelClusterProps {
  /**
   * The cluster's configuration file (`ClusterConfiguration.fromFile('cluster.yaml')` or `fromYaml(text)`;
   * an object is written as YAML or JSON text for `fromYaml`). Its `Iam` sections are filled in with the
   * roles this construct creates, as `ParallelClusterIam.clusterConfig()` does, and the result is the
   * custom resource's `ClusterConfiguration`.
   */
  readonly configuration: ClusterConfiguration;

  /**
   * The cluster's name (`ClusterName`; it also names the cluster's own CloudFormation stack). Letters,
   * digits and hyphens, starting with a letter, at most 60 characters (40 with Slurm accounting), not
   * the name of the stack this construct is in. It cannot change: a new name is a new cluster.
   */
  readonly clusterName: string;

  /**
   * The ParallelCluster release that creates the cluster: the provider template and its Lambda layer
   * are this release's (`parallelcluster/<release>/templates/custom_resource/cluster.yaml`). An update
   * must use the release that created the cluster: moving to another release means a new cluster (new
   * `clusterName`).
   *
   * @default - the newest release the library's policies were checked against (3.16.1)
   */
  readonly parallelClusterRelease?: string;

  /**
   * The revision of the IAM policies.
   *
   * @default - the revision of `parallelClusterRelease` (`ParallelClusterVersion.forRelease`)
   */
  readonly parallelClusterVersion?: ParallelClusterVersion;

  /**
   * How much IAM the provider may do while it creates the cluster.
   *
   * @default IamAccessMode.restricted() - the provider only passes the roles created here
   */
  readonly iamAccessMode?: IamAccessMode;

  /**
   * A permissions boundary for every role created here, the provider's role included. Every
   * `ParallelCluster` of a stack with the same release shares the provider, so they must agree on it.
   *
   * @default - none (in permissions-boundary mode, the mode's boundary on the cluster roles)
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The IAM path of the cluster's roles. The provider may pass the roles on this path (and no other),
   * so give clusters that must not pass each other's roles different paths, and keep other roles off it.
   * ParallelCluster creates the roles' instance profiles under it too (`Iam/ResourcePrefix`).
   *
   * @default - `/parallelcluster/<clusterName>/`: the provider may pass this cluster's roles only
   * (the configuration's own `Iam/ResourcePrefix` path when it sets one)
   */
  readonly iamPath?: string;

  /**
   * Who may assume the cluster's user role (`iam.userRole`: the ParallelCluster CLI and API for this
   * cluster only, for example to stop and start the compute fleet). The provider does not use it.
   *
   * @default - the account root principal, so that IAM policies in the account decide who may assume it
   */
  readonly userPrincipal?: iam.IPrincipal;

  /**
   * Managed policies for the head node role and every compute node role (see `ParallelClusterIam`).
   *
   * @default - none
   */
  readonly additionalIamPolicies?: iam.IManagedPolicy[];

  /**
   * The Secrets Manager secrets the configuration refers to (see `ParallelClusterIam`).
   *
   * @default - the ones the configuration names
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * What happens to the cluster when this resource is deleted (the stack is deleted, or the construct
   * removed). With `RETAIN` the cluster keeps running and is managed with the CLI from then on.
   * Protect a production cluster's stack with termination protection as well (see docs/cluster.md).
   *
   * @default ClusterDeletionPolicy.DELETE
   */
  readonly deletionPolicy?: ClusterDeletionPolicy;

  /**
   * Validators to skip (`SuppressValidators`), for example `['type:InstanceProfileValidator']` or `['ALL']`.
   *
   * @default - every validator runs
   */
  readonly suppressValidators?: string[];

  /**
   * The lowest validation failure level that stops a create or update (`ValidationFailureLevel`).
   *
   * @default - ParallelCluster's default (ERROR)
   */
  readonly validationFailureLevel?: ValidationFailureLevel;

  /**
   * Whether the head node has a public IP address (`headNodePublicIpAddress`). Reading the attribute
   * of a head node without one fails the stack ("Vendor response doesn't contain ..."), so it is only
   * offered when asked for, or when the configuration sets `HeadNode/Networking/ElasticIp`.
   *
   * @default - true when the configuration sets an `ElasticIp` (other than false), otherwise false
   */
  readonly headNodePublicIp?: boolean;

  /**
   * Other properties for the custom resource: the provider passes each (snake_cased) to both
   * `create_cluster` and `update_cluster`. `RollbackOnFailure`, `ForceUpdate` and `DryRun` are refused
   * (they break the other operation), and so are the properties this construct sets.
   *
   * @default - none
   */
  readonly additionalProperties?: { [key: string]: any };

  /**
   * The total static instances (`MinCount` over all queues) above which a warning says the create may
   * not finish within CloudFormation's one hour for a custom resource.
   *
   * @default 100
   */
  readonly staticFleetWarningThreshold?: number;
}

// The login names of ParallelCluster's operating systems (`Image/Os`), for the ssh hint.
const OS_USERS: Record<string, string> = {
  alinux2: 'ec2-user',
  alinux2023: 'ec2-user',
  rhel8: 'ec2-user',
  rhel9: 'ec2-user',
  rocky8: 'rocky',
  rocky9: 'rocky',
  ubuntu2004: 'ubuntu',
  ubuntu2204: 'ubuntu',
  ubuntu2404: 'ubuntu',
};

// The console's host per partition, for the Session Manager URL.
const CONSOLE_HOSTS: Record<string, string> = {
  'aws': 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

/**
 * A ParallelCluster cluster deployed with `cdk deploy`, through ParallelCluster's official
 * CloudFormation custom resource (docs: "cfn-cluster-resource"), whose provider runs under a
 * least-privilege role of this library instead of the provider's default role (the full user policy
 * plus IAM administration without a boundary).
 *
 * - The cluster's roles come from a `ParallelClusterIam` scoped to `clusterName`, on the cluster's own
 *   IAM path, and are written into the configuration.
 * - The provider (a nested stack of the official template, one per stack and release) runs as a role
 *   with the cluster's scoped user policies and the provider-runtime statements only.
 * - Deploying needs `CAPABILITY_AUTO_EXPAND` (the provider template has a SAM transform); `cdk deploy`
 *   passes it.
 */
export class ParallelCluster extends Construct {
  /** The ID of the warning that stack-level tags reach the cluster (and can then never change). */
  public static readonly STACK_TAGS_WARNING = 'cdk-parallelcluster-iam:clusterStackTags';

  /** The ID of the warning that the static fleet may not start within the custom resource's hour. */
  public static readonly STATIC_FLEET_WARNING = 'cdk-parallelcluster-iam:clusterStaticFleet';

  /** The cluster's name. */
  public readonly clusterName: string;

  /** The ParallelCluster release that creates the cluster. */
  public readonly parallelClusterRelease: string;

  /** The cluster's roles (scoped to this cluster). */
  public readonly iam: ParallelClusterIam;

  /** The custom resource. */
  public readonly resource: CustomResource;

  /** The role the provider's Lambda functions run as (shared by the stack's clusters of this release). */
  public readonly providerRole: iam.IRole;

  /** The ARN of the provider function's log group: where a failed create or update explains itself. */
  public readonly providerLogGroupArn: string;

  /** The configuration the provider receives (every scalar a string; role ARNs are tokens). */
  public readonly clusterConfiguration: { [key: string]: any };

  /** The head node's instance ID (`headNode.instanceId`). */
  public readonly headNodeInstanceId: string;

  /** The head node's private IP address (`headNode.privateIpAddress`). */
  public readonly headNodePrivateIpAddress: string;

  /** The cluster's status after the create or update (`clusterStatus`, e.g. `CREATE_COMPLETE`). */
  public readonly clusterStatus: string;

  /** The ARN of the cluster's own CloudFormation stack (`cloudformationStackArn`). */
  public readonly cloudformationStackArn: string;

  /** The ParallelCluster version of the cluster (`version`). */
  public readonly version: string;

  /** The validation messages of the last create or update, as JSON (cut at 2,048 characters). */
  public readonly validationMessages: string;

  private readonly publicIp: boolean;

  constructor(scope: Construct, id: string, props: ParallelClusterProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = props.clusterName;
    validateClusterName('clusterName', name);
    if (name === stack.stackName) {
      throw new Error(
        `clusterName '${name}' is the name of the stack it is in: ParallelCluster names the cluster's own stack after the ` +
        'cluster, so the two would collide. Give the cluster another name.',
      );
    }
    const release = props.parallelClusterRelease ?? LATEST_CHECKED_RELEASE;
    if (Token.isUnresolved(release) || !/^3\.\d+\.\d+$/.test(release)) {
      throw new Error(
        `parallelClusterRelease '${release}' is not a ParallelCluster release: write major.minor.patch, for example '${LATEST_CHECKED_RELEASE}' ` +
        '(the provider template is published per release).',
      );
    }
    const revision = ParallelClusterVersion.forRelease(release);
    if (props.parallelClusterVersion && props.parallelClusterVersion !== revision) {
      throw new Error(
        `parallelClusterVersion is ${props.parallelClusterVersion} but parallelClusterRelease '${release}' needs ${revision}: ` +
        'leave parallelClusterVersion out, or set parallelClusterRelease to the release you deploy.',
      );
    }
    this.clusterName = name;
    this.parallelClusterRelease = release;

    const config = yamlLib().parse(props.configuration.toYaml()) ?? {};
    const accounting = config?.Scheduling?.SlurmSettings?.Database !== undefined
      || config?.Scheduling?.SlurmSettings?.ExternalSlurmdbd !== undefined;
    if (accounting && name.length > CLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING) {
      throw new Error(
        `clusterName '${name}' has ${name.length} characters, but with Slurm accounting (Scheduling/SlurmSettings/Database or ` +
        `ExternalSlurmdbd) ParallelCluster accepts at most ${CLUSTER_NAME_MAX_LENGTH_SLURM_ACCOUNTING} (${CLUSTER_NAME_MAX_LENGTH} without). Shorten it.`,
      );
    }
    const extra = props.additionalProperties ?? {};
    for (const key of Object.keys(extra)) {
      if (Object.prototype.hasOwnProperty.call(UNSAFE_PROVIDER_PROPERTIES, key)) {
        throw new Error(
          `additionalProperties has '${key}': the provider passes every extra property to both create_cluster and update_cluster, ` +
          `and ${UNSAFE_PROVIDER_PROPERTIES[key]}. Remove it.`,
        );
      }
      if ((PROVIDER_META_PROPERTIES as readonly string[]).includes(key) || ['SuppressValidators', 'ValidationFailureLevel'].includes(key)) {
        throw new Error(`additionalProperties has '${key}', which ParallelCluster sets from its own prop: use that prop instead.`);
      }
    }

    this.iam = new ParallelClusterIam(this, 'Iam', {
      configuration: props.configuration,
      clusterName: name,
      parallelClusterVersion: revision,
      iamAccessMode: props.iamAccessMode,
      permissionsBoundary: props.permissionsBoundary,
      // A path of the cluster's own, so that the provider's PassRole (on the path) reaches this cluster's
      // roles only; a configuration's Iam/ResourcePrefix decides the path itself (derive.ts).
      iamPath: props.iamPath ?? (clusterModelOf(props.configuration)?.resourcePrefixPath === undefined
        ? `${DEFAULT_IAM_PATH}${name}/` : undefined),
      userPrincipal: props.userPrincipal,
      additionalIamPolicies: props.additionalIamPolicies,
      secrets: props.secrets,
      // The configuration reaches the cluster through the resource: the completed file in the cloud
      // assembly is for reading only, so in a stack without a concrete environment it is skipped quietly.
      configFragmentFiles: !Token.isUnresolved(stack.account) && !Token.isUnresolved(stack.region),
    });
    const completed = yamlLib().parse(this.iam.clusterConfig());
    this.clusterConfiguration = serializeLib().providerValue(completed) as { [key: string]: any };

    const provider = providerLib().ParallelClusterProvider.getOrCreate(this, release, props.permissionsBoundary);
    this.providerRole = provider.providerRole.role;
    this.providerLogGroupArn = provider.logGroupArn;

    const properties: { [key: string]: any } = {
      ClusterName: name,
      ClusterConfiguration: this.clusterConfiguration,
      DeletionPolicy: props.deletionPolicy ?? ClusterDeletionPolicy.DELETE,
    };
    if (props.suppressValidators !== undefined) {
      properties.SuppressValidators = [...props.suppressValidators];
    }
    if (props.validationFailureLevel !== undefined) {
      properties.ValidationFailureLevel = props.validationFailureLevel;
    }
    Object.assign(properties, serializeLib().providerValue(extra));
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: CLUSTER_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      properties,
    });
    // The cluster is deleted before its roles and their policies (the roles it names it already
    // depends on through their ARNs: an explicit DependsOn on them is redundant, cfn-lint W3005).
    const referenced = new Set<string>();
    JSON.stringify(stack.resolve(this.clusterConfiguration), (key, value) => {
      if (key === 'Fn::GetAtt' && Array.isArray(value)) {
        referenced.add(String(value[0]));
      }
      return value;
    });
    for (const child of this.iam.node.findAll()) {
      if (child instanceof CfnResource && !referenced.has(stack.resolve(child.logicalId))) {
        addResourceDependency(this.resource.node.defaultChild as CfnResource, child);
      }
    }
    const logicalId = stack.getLogicalId(this.resource.node.defaultChild as any);
    provider.addCluster(name, this.iam.userRole.managedPolicies, logicalId);

    const attr = (key: string) => this.resource.getAttString(key);
    this.headNodeInstanceId = attr('headNode.instanceId');
    this.headNodePrivateIpAddress = attr('headNode.privateIpAddress');
    this.clusterStatus = attr('clusterStatus');
    this.cloudformationStackArn = attr('cloudformationStackArn');
    this.version = attr('version');
    this.validationMessages = attr('validationMessages');
    const elasticIp = config?.HeadNode?.Networking?.ElasticIp;
    this.publicIp = props.headNodePublicIp ?? (elasticIp !== undefined && elasticIp !== false && String(elasticIp).toLowerCase() !== 'false');

    this.outputs(config);
    this.warnAboutStaticFleet(config, props.staticFleetWarningThreshold ?? 100);
    this.node.addValidation({ validate: () => this.warnAboutStackTags() });
  }

  /**
   * The head node's public IP address (`headNode.publicIpAddress`). Only with `headNodePublicIp`
   * (or an `ElasticIp` in the configuration): the provider returns no such attribute for a head node
   * in a private subnet, and reading it would fail the stack.
   */
  public get headNodePublicIpAddress(): string {
    if (!this.publicIp) {
      throw new Error(
        `${this.node.path}: the head node has no public IP address as far as synthesis knows, and reading a missing attribute ` +
        'fails the stack. Set headNodePublicIp: true when the head node subnet is public (or set HeadNode/Networking/ElasticIp).',
      );
    }
    return this.resource.getAttString('headNode.publicIpAddress');
  }

  /**
   * The address of a login node pool's load balancer (`loginNodes.<index>.address`).
   *
   * @param index the pool's position in `LoginNodes/Pools`
   */
  public loginNodesAddress(index: number): string {
    const pools = this.iam.loginNodePoolNames.length;
    if (!Number.isInteger(index) || index < 0 || index >= pools) {
      throw new Error(`${this.node.path} has ${pools} login node pool(s): index ${index} is out of range.`);
    }
    return this.resource.getAttString(`loginNodes.${index}.address`);
  }

  private outputs(config: any): void {
    const hosts = new CfnMapping(this, 'ConsoleHosts', {
      mapping: Object.fromEntries(Object.entries(CONSOLE_HOSTS).map(([p, host]) => [p, { host }])),
    });
    new CfnOutput(this, 'SessionManagerUrl', {
      description: `Session Manager on the head node of ${this.clusterName}`,
      value: Fn.join('', [
        'https://', hosts.findInMap(Aws.PARTITION, 'host'), '/systems-manager/session-manager/', this.headNodeInstanceId,
        '?region=', Aws.REGION,
      ]),
    });
    new CfnOutput(this, 'ProviderLogGroup', {
      description: 'The log group of ParallelCluster\'s custom resource provider (why a create or update failed)',
      value: this.providerLogGroupArn,
    });
    const keyName = config?.HeadNode?.Ssh?.KeyName;
    if (typeof keyName === 'string') {
      const user = OS_USERS[String(config?.Image?.Os)] ?? 'ec2-user';
      const address = this.publicIp ? this.headNodePublicIpAddress : this.headNodePrivateIpAddress;
      new CfnOutput(this, 'SshCommand', {
        description: `ssh to the head node of ${this.clusterName} (${this.publicIp ? 'public address' : 'private address: from inside the VPC'})`,
        value: Fn.join('', [`ssh -i ~/.ssh/${keyName}.pem ${user}@`, address]),
      });
    }
  }

  private warnAboutStaticFleet(config: any, threshold: number): void {
    const queues: any[] = Array.isArray(config?.Scheduling?.SlurmQueues) ? config.Scheduling.SlurmQueues : [];
    const total = queues.flatMap((q) => (Array.isArray(q?.ComputeResources) ? q.ComputeResources : []))
      .reduce((sum: number, cr: any) => sum + (Number(cr?.MinCount) || 0), 0);
    if (total > threshold) {
      addAcknowledgeableWarning(this, ParallelCluster.STATIC_FLEET_WARNING,
        `${this.clusterName} starts ${total} static instances (MinCount over all queues): the custom resource must reach ` +
        `CREATE_COMPLETE within ${CUSTOM_RESOURCE_TIMEOUT_SECONDS / 60} minutes (the provider polls every ${PROVIDER_POLL_MINUTES}), ` +
        'or the stack fails and rolls back. Create with fewer static nodes and raise MinCount in an update.');
    }
  }

  private warnAboutStackTags(): string[] {
    const stack = Stack.of(this);
    const tags = stack.tags.tagValues();
    const keys = Object.keys(tags).filter((k) => !k.startsWith('aws:'));
    if (keys.length > 0) {
      addAcknowledgeableWarning(this, ParallelCluster.STACK_TAGS_WARNING,
        `Stack ${stack.stackName} has tags (${keys.join(', ')}): the provider copies the stack's tags into ${this.clusterName}'s ` +
        'Tags, and a cluster\'s tags cannot change, so changing them later together with any configuration change fails the ' +
        'update. Put the tags in the configuration\'s Tags, or tag other constructs than the stack.');
    }
    return [];
  }
}
