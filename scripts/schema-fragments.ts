/*
 * Writes complete ParallelCluster configuration files built from the fragments the library emits, for
 * scripts/pcluster-schema-check.py to load with pcluster's own schema (run by `npx projen schema:check`,
 * through scripts/schema-check.sh).
 *
 *   ts-node --project tsconfig.dev.json scripts/schema-fragments.ts OUTDIR
 *
 * For a spread of configurations it synthesizes a `ParallelClusterIam` in a stack with a concrete account
 * and region, reads the `<stack>.pcluster-config.yaml` / `.pcluster-image-config.yaml` files of the cloud
 * assembly (the fragments users paste), merges each into a minimal complete configuration (queues and
 * pools by Name) and writes:
 *   OUTDIR/<pcluster release>/cluster/*.yaml   must load with that release's ClusterSchema
 *   OUTDIR/<pcluster release>/image/*.yaml     must load with that release's ImageBuilderSchema
 *   OUTDIR/<pcluster release>/refused/cluster/*.yaml  must be refused (the check's self-test)
 *
 * scripts/schema-check-inputs.ts calls writeSchemaFragments in the one process that writes all of the
 * schema check's inputs.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as YAML from 'yaml';
import { IamAccessMode, ParallelClusterIam, ParallelClusterIamProps, ParallelClusterVersion, Scheduler } from '../src';
import { LATEST_CHECKED_RELEASE } from '../src/policies/revisions';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SUBNET = 'subnet-0123456789abcdef0';

/** The pcluster release whose schema checks a configuration: the newest, or the last with AWS Batch. */
export const LATEST_RELEASE = LATEST_CHECKED_RELEASE;
export const BATCH_RELEASE = '3.15.1';

interface Case {
  readonly name: string;
  readonly release: string;
  readonly props: (stack: Stack) => ParallelClusterIamProps;
}

const boundary = (stack: Stack) => iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'parallelcluster-boundary');

const CASES: Case[] = [
  { name: 'slurm-default', release: LATEST_RELEASE, props: () => ({}) },
  {
    name: 'slurm-queues-and-login-pools',
    release: LATEST_RELEASE,
    props: () => ({
      iamAccessMode: IamAccessMode.privileged(),
      slurmQueues: ['cpu', 'gpu-spot', 'a'.repeat(25)],
      loginNodePools: ['login', 'login-gpu'],
      lambdaFunctionsInVpc: true,
    }),
  },
  {
    name: 'slurm-limits',
    release: LATEST_RELEASE,
    props: () => ({
      slurmQueues: Array.from({ length: 50 }, (_, i) => `queue-${i}`),
      loginNodePools: Array.from({ length: 10 }, (_, i) => `pool-${i}`),
    }),
  },
  {
    name: 'boundary-mode-image-builder',
    release: LATEST_RELEASE,
    props: (stack) => ({
      iamAccessMode: IamAccessMode.permissionsBoundary(boundary(stack)),
      loginNodePools: ['login'],
      enableImageBuilder: true,
      iamPath: '/hpc/team-a/',
    }),
  },
  {
    name: 'image-builder',
    release: LATEST_RELEASE,
    props: () => ({ enableImageBuilder: true }),
  },
  {
    name: 'awsbatch-v3-15',
    release: BATCH_RELEASE,
    props: () => ({
      scheduler: Scheduler.AWS_BATCH,
      iamAccessMode: IamAccessMode.privileged(),
      parallelClusterVersion: ParallelClusterVersion.V3_15,
    }),
  },
];

type Doc = Record<string, any>;

/** A minimal complete cluster configuration; queues and pools come from the fragment. */
function baseCluster(scheduler: string): Doc {
  const base: Doc = {
    Region: REGION,
    Image: { Os: 'alinux2023' },
    HeadNode: { InstanceType: 't3.medium', Networking: { SubnetId: SUBNET }, Ssh: { KeyName: 'my-key' } },
    Scheduling: { Scheduler: scheduler },
  };
  if (scheduler === 'awsbatch') {
    base.Scheduling.AwsBatchQueues = [{
      Name: 'batch',
      Networking: { SubnetIds: [SUBNET] },
      ComputeResources: [{ Name: 'optimal', InstanceTypes: ['optimal'], MaxvCpus: 10 }],
    }];
  }
  return base;
}

const queueBase = (name: string): Doc => ({
  Name: name,
  Networking: { SubnetIds: [SUBNET] },
  ComputeResources: [{ Name: 'cr', InstanceType: 't3.medium', MinCount: 0, MaxCount: 2 }],
});

const poolBase = (name: string): Doc => ({
  Name: name,
  Count: 1,
  InstanceType: 't3.medium',
  Networking: { SubnetIds: [SUBNET] },
});

/** Deep merge; lists of items with a Name merge item by item, new items start from `itemBase`. */
function merge(base: any, fragment: any, itemBase: (key: string, name: string) => Doc = () => ({})): any {
  if (Array.isArray(fragment)) {
    return fragment;
  }
  if (fragment === null || typeof fragment !== 'object') {
    return fragment === undefined ? base : fragment;
  }
  const result: Doc = { ...(base !== null && typeof base === 'object' ? base : {}) };
  for (const [key, value] of Object.entries(fragment)) {
    if (Array.isArray(value) && value.every((v) => v && typeof v === 'object' && 'Name' in v)) {
      const existing: Doc[] = Array.isArray(result[key]) ? result[key] : [];
      result[key] = value.map((item: Doc) => merge(existing.find((e) => e.Name === item.Name) ?? itemBase(key, item.Name), item, itemBase));
    } else {
      result[key] = merge(result[key], value, itemBase);
    }
  }
  return result;
}

const clusterItemBase = (key: string, name: string): Doc => (key === 'Pools' ? poolBase(name) : queueBase(name));

/** The complete cluster configuration for a fragment (exported for tests). */
export function completeCluster(fragmentYaml: string): Doc {
  const fragment = YAML.parse(fragmentYaml) as Doc;
  return merge(baseCluster(fragment.Scheduling?.Scheduler ?? 'slurm'), fragment, clusterItemBase);
}

/** The complete build-image configuration for a fragment. */
export function completeImage(fragmentYaml: string): Doc {
  const base = { Region: REGION, Build: { InstanceType: 'c5.xlarge', ParentImage: 'ami-0123456789abcdef0' } };
  return merge(base, YAML.parse(fragmentYaml));
}

function synthesize(testCase: Case, scratch: string): { cluster: string; image?: string } {
  const outdir = fs.mkdtempSync(path.join(scratch, `${testCase.name}-`));
  const app = new App({ outdir });
  const stack = new Stack(app, 'SchemaCheck', { env: { account: ACCOUNT, region: REGION } });
  new ParallelClusterIam(stack, 'Cluster', testCase.props(stack));
  app.synth();
  const read = (suffix: string) => {
    const file = path.join(outdir, `${stack.artifactId}.${suffix}`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf-8') : undefined;
  };
  const cluster = read('pcluster-config.yaml');
  if (cluster === undefined) {
    throw new Error(`${testCase.name}: the cloud assembly has no pcluster-config.yaml`);
  }
  return { cluster, image: read('pcluster-image-config.yaml') };
}

function write(file: string, doc: Doc): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(doc));
}

/** Writes the configurations into outdir (emptied first). */
export function writeSchemaFragments(outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-fragments-'));
  try {
    for (const testCase of CASES) {
      const { cluster, image } = synthesize(testCase, scratch);
      write(path.join(outdir, testCase.release, 'cluster', `${testCase.name}.yaml`), completeCluster(cluster));
      if (image !== undefined) {
        write(path.join(outdir, testCase.release, 'image', `${testCase.name}.yaml`), completeImage(image));
      }
      if (testCase.name === 'slurm-default') {
        // The self-test: a key misspelt as the doc's prose spells it must be refused, as must the
        // scheduler ParallelCluster 3.16 removed.
        const broken = completeCluster(cluster);
        broken.Iam = { ...broken.Iam, PermissionBoundary: broken.Iam?.Roles?.LambdaFunctionsRole };
        write(path.join(outdir, LATEST_RELEASE, 'refused', 'cluster', 'misspelt-permissions-boundary.yaml'), broken);
      }
      if (testCase.release === BATCH_RELEASE) {
        write(path.join(outdir, LATEST_RELEASE, 'refused', 'cluster', `${testCase.name}.yaml`), completeCluster(cluster));
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const outdir = process.argv[2] ?? 'schema.out';
  writeSchemaFragments(outdir);
  console.log(`schema-fragments: wrote the configurations to ${outdir}`);
}
