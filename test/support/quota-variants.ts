import * as crypto from 'crypto';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as fc from 'fast-check';
import { markVariant } from './stacks';
import {
  ComputeNodeRole,
  HeadNodeRole,
  IamAccessMode,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  ParallelClusterIam,
  ParallelClusterUserRole,
  ParallelClusterVersion,
  Scheduler,
} from '../../src';

/*
 * The option space of the quota budgets (test/proof/quota-budgets.test.ts): the configurations it
 * synthesizes, built here so that the catalogue of the newest-aws-cdk-lib run (test/support/catalogue.ts)
 * builds the same stacks.
 */

export const ACCOUNT = '123456789012';
// Longest names CloudFormation may generate (or IAM accepts) for the resource types the library refers to.
export const MAX_ROLE_NAME = 64;
export const MAX_POLICY_NAME = 128;
export const MAX_BUCKET_NAME = 63;
// The name given to an imported secret; a secret created in the template without a name is named by
// CloudFormation `<logical id>-<12 random characters>`.
export const MAX_SECRET_NAME = 256;

export const ENVIRONMENTS = ['us-east-1', 'us-gov-west-1', 'cn-north-1', 'agnostic'] as const;
export type Environment = typeof ENVIRONMENTS[number];

export interface Flags {
  readonly minimizePolicies: boolean;
  readonly partitionLiterals: boolean;
}

export function newStack(environment: Environment, flags: Flags): Stack {
  const app = new App({
    context: {
      '@aws-cdk/aws-iam:minimizePolicies': flags.minimizePolicies,
      '@aws-cdk/core:enablePartitionLiterals': flags.partitionLiterals,
    },
  });
  return new Stack(app, 'Budget', environment === 'agnostic' ? {} : { env: { region: environment, account: ACCOUNT } });
}

// A long but valid custom path: path-scoped ARN patterns grow with it.
export const LONG_IAM_PATH = '/organisation-wide/high-performance-computing/research-clusters/parallelcluster-managed/';
// The longest cluster name ParallelCluster accepts (60 characters), and user-role patterns that long.
export const LONG_CLUSTER_NAME = `research-${'x'.repeat(47)}-prd`;
const longClusterNames = (name: string): string[] => [name, `${name.substring(0, 58)}-*`, `${name.substring(0, 39)}-*-${'y'.repeat(17)}`];

/** How a referenced resource is given: imported by name (tokens in its ARN) or created in the stack (a Ref). */
export type Origin = 'imported' | 'created';

export interface Options {
  /** The ParallelCluster release the policies are for: later releases add statements. */
  readonly version: ParallelClusterVersion;
  readonly scheduler: Scheduler;
  readonly queues: number;
  readonly lambdaFunctionsInVpc: boolean;
  readonly mode: 'restricted' | 'privileged' | 'permissionsBoundary';
  readonly batch: boolean;
  readonly fsx: boolean;
  readonly buckets: number;
  readonly imageBuilder: boolean;
  readonly userBoundary: boolean;
  readonly iamPath?: string;
  readonly additionalPolicies: number;
  readonly customRoles: number;
  readonly secrets: number;
  readonly origin: Origin;
  /** Scope every role to this cluster (the user role to it and to long patterns). */
  readonly clusterName?: string;
}

// Long names (the longest IAM and S3 accept) so that imported ARNs are as long as they can be.
export function policies(stack: Stack, prefix: string, count: number, origin: Origin): iam.IManagedPolicy[] {
  return Array.from({ length: count }, (_, i) => origin === 'imported'
    ? iam.ManagedPolicy.fromManagedPolicyName(stack, `${prefix}${i}`, `${prefix}-${i}-`.padEnd(MAX_POLICY_NAME, 'p'))
    : new iam.ManagedPolicy(stack, `${prefix}${i}`, {
      path: LONG_IAM_PATH,
      statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })],
    }));
}

function buckets(stack: Stack, count: number, origin: Origin): s3.IBucket[] {
  return Array.from({ length: count }, (_, i) => origin === 'imported'
    ? s3.Bucket.fromBucketName(stack, `Bucket${i}`, `data-${i}-`.padEnd(MAX_BUCKET_NAME, 'b'))
    : new s3.Bucket(stack, `Bucket${i}`));
}

function secrets(stack: Stack, count: number, origin: Origin): secretsmanager.ISecret[] {
  return Array.from({ length: count }, (_, i) => origin === 'imported'
    ? secretsmanager.Secret.fromSecretNameV2(stack, `Secret${i}`, `cluster/secret-${i}-`.padEnd(MAX_SECRET_NAME, 's'))
    : new secretsmanager.Secret(stack, `Secret${i}`));
}

export function customRoles(stack: Stack, count: number, origin: Origin): iam.IRole[] {
  return Array.from({ length: count }, (_, i) => origin === 'imported'
    ? iam.Role.fromRoleName(stack, `Custom${i}`, `custom-${i}-`.padEnd(MAX_ROLE_NAME, 'r'))
    : new iam.Role(stack, `Custom${i}`, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), path: LONG_IAM_PATH }));
}

function accessMode(stack: Stack, options: Options): IamAccessMode {
  switch (options.mode) {
    case 'restricted': return IamAccessMode.restricted();
    case 'privileged': return IamAccessMode.privileged();
    default: return IamAccessMode.permissionsBoundary(policies(stack, 'ModeBoundary', 1, options.origin)[0]);
  }
}

/**
 * The constructs of the library, each group in its own app so that a configuration one construct refuses
 * does not hide the measurements of the others: the whole-cluster construct, and each role construct on
 * its own with the options the whole-cluster construct does not reach (custom roles, S3 access, compute
 * roles outside the path).
 */
export const GROUPS: Record<string, (stack: Stack, options: Options) => void> = {
  user: (stack, options) => {
    const bucketList = buckets(stack, options.buckets, options.origin);
    new ParallelClusterUserRole(stack, 'User', {
      parallelClusterVersion: options.version,
      iamAccessMode: accessMode(stack, options),
      enableAwsBatch: options.batch,
      enableFsxLustre: options.fsx,
      fsxDataRepositoryBuckets: options.fsx ? bucketList : [],
      enableImageBuilder: options.imageBuilder,
      permissionsBoundary: options.userBoundary ? policies(stack, 'RoleBoundary', 1, options.origin)[0] : undefined,
      iamPath: options.iamPath,
      // A restricted user cannot attach policies, and the library refuses the list in that mode.
      additionalIamPolicies: options.mode === 'restricted' ? undefined : policies(stack, 'Additional', options.additionalPolicies, options.origin),
      customRoles: customRoles(stack, options.customRoles, options.origin),
      secrets: secrets(stack, options.secrets, options.origin),
      clusterNames: options.clusterName === undefined ? undefined : longClusterNames(options.clusterName),
    });
  },
  cluster: (stack, options) => {
    new ParallelClusterIam(stack, 'Cluster', {
      parallelClusterVersion: options.version,
      scheduler: options.scheduler,
      slurmQueues: options.scheduler === Scheduler.SLURM ? Array.from({ length: options.queues }, (_, i) => `queue-${i}`) : undefined,
      iamAccessMode: accessMode(stack, options),
      enableFsxLustre: options.fsx,
      fsxDataRepositoryBuckets: options.fsx ? buckets(stack, options.buckets, options.origin) : [],
      enableImageBuilder: options.imageBuilder,
      // In boundary mode the cluster roles carry the mode's boundary; a second, different one is refused.
      permissionsBoundary: options.userBoundary && options.mode !== 'permissionsBoundary'
        ? policies(stack, 'RoleBoundary', 1, options.origin)[0] : undefined,
      additionalIamPolicies: policies(stack, 'Additional', options.additionalPolicies, options.origin),
      secrets: secrets(stack, options.secrets, options.origin),
      iamPath: options.iamPath,
      lambdaFunctionsInVpc: options.lambdaFunctionsInVpc,
      clusterName: options.clusterName,
    });
  },
  nodes: (stack, options) => {
    const nodeProps = {
      parallelClusterVersion: options.version,
      additionalIamPolicies: policies(stack, 'Additional', options.additionalPolicies, options.origin),
      permissionsBoundary: options.userBoundary ? policies(stack, 'RoleBoundary', 1, options.origin)[0] : undefined,
      iamPath: options.iamPath,
      clusterName: options.clusterName,
    };
    const secretList = secrets(stack, options.secrets, options.origin);
    const s3Access = buckets(stack, options.buckets, options.origin).map((bucket, i) =>
      ({ bucket, keyPattern: i % 2 ? `results/run-${i}/*` : undefined, enableWriteAccess: i % 3 === 0 }));
    const compute = new ComputeNodeRole(stack, 'Compute', { ...nodeProps, secrets: secretList, s3Access });
    new HeadNodeRole(stack, 'Head', {
      ...nodeProps,
      scheduler: options.scheduler,
      computeNodeRoles: options.scheduler === Scheduler.SLURM
        ? [compute.role, ...customRoles(stack, options.customRoles, options.origin)]
        : undefined,
      secrets: secretList,
      s3Access,
    });
  },
  functions: (stack, options) => {
    const boundary = options.userBoundary ? policies(stack, 'RoleBoundary', 1, options.origin)[0] : undefined;
    new LambdaFunctionsRole(stack, 'Lambda', {
      parallelClusterVersion: options.version,
      permissionsBoundary: boundary,
      iamPath: options.iamPath,
      lambdaFunctionsInVpc: options.lambdaFunctionsInVpc,
      clusterName: options.clusterName,
    });
    new ImageBuilderRoles(stack, 'Image', {
      parallelClusterVersion: options.version,
      additionalIamPolicies: policies(stack, 'Additional', options.additionalPolicies, options.origin),
      permissionsBoundary: boundary,
      iamPath: options.iamPath,
      lambdaFunctionsInVpc: options.lambdaFunctionsInVpc,
    });
  },
};

const COUNTS = [0, 1, 7];

export const optionsArbitrary: fc.Arbitrary<Options> = fc.record({
  version: fc.constantFrom(...ParallelClusterVersion.all()),
  scheduler: fc.constantFrom(Scheduler.SLURM, Scheduler.AWS_BATCH),
  queues: fc.constantFrom(1, 2, 10),
  lambdaFunctionsInVpc: fc.boolean(),
  mode: fc.constantFrom('restricted' as const, 'privileged' as const, 'permissionsBoundary' as const),
  batch: fc.boolean(),
  fsx: fc.boolean(),
  buckets: fc.constantFrom(...COUNTS),
  imageBuilder: fc.boolean(),
  userBoundary: fc.boolean(),
  iamPath: fc.constantFrom(undefined, '/custom/', LONG_IAM_PATH),
  additionalPolicies: fc.constantFrom(...COUNTS),
  customRoles: fc.constantFrom(...COUNTS),
  secrets: fc.constantFrom(...COUNTS),
  origin: fc.constantFrom('imported' as const, 'created' as const),
  clusterName: fc.constantFrom(undefined, LONG_CLUSTER_NAME),
}).map((o) => {
  // Combinations the library refuses on purpose (tested in the constructs' own tests) are folded into
  // valid ones: AWS Batch needs IAM rights, so restricted mode becomes privileged for it.
  // AWS Batch ends with ParallelCluster 3.15, so Batch with a later revision uses V3_15.
  const mode = o.scheduler === Scheduler.AWS_BATCH && o.mode === 'restricted' ? 'privileged' as const : o.mode;
  const batch = o.batch && mode !== 'restricted';
  const lastBatch = ParallelClusterVersion.V3_15;
  const version = (batch || o.scheduler === Scheduler.AWS_BATCH) && o.version.isAtLeast(lastBatch) ? lastBatch : o.version;
  return { ...o, mode, batch, version };
});

// AWS Batch (the largest user policy) ends with ParallelCluster 3.15: the fullest options use V3_15.
export const FULLEST: Options = {
  version: ParallelClusterVersion.V3_15,
  scheduler: Scheduler.SLURM,
  queues: 10,
  lambdaFunctionsInVpc: true,
  mode: 'permissionsBoundary',
  batch: true,
  fsx: true,
  buckets: 7,
  imageBuilder: true,
  userBoundary: true,
  iamPath: LONG_IAM_PATH,
  additionalPolicies: 7,
  customRoles: 7,
  secrets: 7,
  origin: 'imported',
  clusterName: LONG_CLUSTER_NAME,
};

export const FLAG_SETTINGS: Flags[] = [false, true].flatMap((minimizePolicies) =>
  [false, true].map((partitionLiterals) => ({ minimizePolicies, partitionLiterals })));


// Large but common: every add-on, six additional policies (ParallelCluster's AdditionalIamPolicies),
// a few queues, secrets, buckets and custom roles. This must fit, not merely be refused clearly.
// 6 additional policies: the head node's own statements take two managed policies since the issue-18 narrowing
// (tag and record-name conditions), its AWS managed policies two more.
export const LARGE: Options = { ...FULLEST, queues: 3, secrets: 2, buckets: 2, customRoles: 2, additionalPolicies: 6 };

/** The option sets the quota budgets check in every environment and flag setting, by name. */
export const QUOTA_OPTION_SETS: Record<string, Options> = {
  'large': LARGE,
  'fullest': FULLEST,
  // References to resources created in the stack.
  'large-created': { ...LARGE, origin: 'created', mode: 'privileged' },
  'fullest-created': { ...FULLEST, origin: 'created', mode: 'privileged' },
};

/**
 * Calls `fn` with every random combination the quota budgets check (fast-check, fixed seed: the same
 * combinations in every run, so that the catalogue enumerates them too).
 */
export function forEachRandomQuotaCase(fn: (options: Options, environment: Environment, flags: Flags) => void): void {
  fc.assert(
    fc.property(optionsArbitrary, fc.constantFrom(...ENVIRONMENTS), fc.constantFrom(...FLAG_SETTINGS), fn),
    { seed: 20261128, numRuns: 50 },
  );
}

/** The catalogue id of one synthesized group of the option space. */
export function quotaCaseId(group: string, environment: Environment, flags: Flags, options: Options): string {
  const json = JSON.stringify(options, (_k, v) => (v instanceof ParallelClusterVersion ? v.version : v));
  const key = crypto.createHash('sha256').update(json).digest('hex').substring(0, 12);
  return `quota/${environment}/minimize-${flags.minimizePolicies}-literals-${flags.partitionLiterals}/${group}/${key}`;
}

/** A stack of `group` with `options` (marked as its catalogue variant): GROUPS may throw the library's clear refusal. */
export function quotaStack(group: string, environment: Environment, flags: Flags, options: Options): Stack {
  const stack = markVariant(newStack(environment, flags), quotaCaseId(group, environment, flags, options));
  GROUPS[group](stack, options);
  return stack;
}

/**
 * The configurations that cannot fit, each refused at synth time with a clear message (the construct
 * throws, or the template's validation does): `quotaRefusal(name)` builds the stack, synthesizing it throws.
 */
export const QUOTA_REFUSALS: Record<string, () => Stack> = {
  'eleventh managed policy on the user role': () => {
    const stack = newStack('us-east-1', { minimizePolicies: false, partitionLiterals: false });
    const user = new ParallelClusterUserRole(stack, 'User', {
      parallelClusterVersion: ParallelClusterVersion.V3_15,
      iamAccessMode: IamAccessMode.privileged(),
      enableAwsBatch: true,
      enableFsxLustre: true,
      enableImageBuilder: true,
    });
    const attached = Stack.of(stack).resolve((user.role.node.defaultChild as iam.CfnRole).managedPolicyArns).length;
    for (let i = attached; i <= 10; i++) {
      user.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Extra${i}`));
    }
    return stack;
  },
  'attach allow-list over one managed policy': () => {
    const stack = newStack('us-east-1', { minimizePolicies: false, partitionLiterals: false });
    new ParallelClusterUserRole(stack, 'User', {
      iamAccessMode: IamAccessMode.privileged(),
      additionalIamPolicies: policies(stack, 'Additional', 60, 'imported'),
    });
    return stack;
  },
  'twenty additional policies on a node role': () => {
    const stack = newStack('us-gov-west-1', { minimizePolicies: false, partitionLiterals: false });
    new HeadNodeRole(stack, 'Head', { additionalIamPolicies: policies(stack, 'Additional', 20, 'imported') });
    return stack;
  },
  'twenty additional policies for a whole cluster': () => {
    const stack = newStack('cn-north-1', { minimizePolicies: true, partitionLiterals: true });
    new ParallelClusterIam(stack, 'Cluster', { additionalIamPolicies: policies(stack, 'Additional', 20, 'imported') });
    return stack;
  },
  'custom roles PassRole over one managed policy': () => {
    const stack = newStack('agnostic', { minimizePolicies: true, partitionLiterals: true });
    new ParallelClusterUserRole(stack, 'User', { customRoles: customRoles(stack, 80, 'imported') });
    return stack;
  },
};
