import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ParallelClusterVersion } from '../../src';
import { PolicyContext } from '../../src/policies/context';
import { PolicyChange, REVISIONS } from '../../src/policies/revisions';
import { simulateCatalogueVariantsOnly } from '../support/catalogue';
import { ModeName } from '../support/cluster-world';
import { SEED, SeedRequest, describeRequest, seedRequests, seedStatements, substitutePlaceholders } from '../support/seed';
import { Fixtures, SeedUser, seedUser, seedWorld } from '../support/seed-roles';
import { PolicySimulator, RequestContext } from '../support/simulate';
import { AWS_US_GOV, ENVIRONMENTS, OTHER_ACCOUNT, TestEnvironment, stackIn } from '../support/stacks';

/*
 * The IAM simulation matrix (issue 5, item 1): the doc's policy blocks are the spec. For every statement
 * of every block, every action (wildcards expanded to real actions, at most 20 per wildcard, spread
 * evenly), on a concrete resource inside each resource pattern, with the statement's conditions
 * satisfied, is sent to the role the library builds with the add-on the block belongs to: it must be
 * allowed. The only exceptions are the library's documented deliberate narrowings, listed per block with
 * a test of what is allowed instead. A deny table then checks requests just outside each scope.
 *
 * Each request is first sent to the doc's own block: a request the doc itself cannot grant (a condition
 * on a key IAM never sets for that action) is not part of the spec; those are listed in a test of
 * their own so that they stay visible.
 *
 * User and cluster (node) role blocks are rows of the same table: a `BlockRow` with a `make` that makes
 * the role the block belongs to.
 */

// Every stack simulated here is one the newest-aws-cdk-lib run compares (test/support/catalogue.ts).
simulateCatalogueVariantsOnly();

/** What a row's role is evaluated with, and the values of the doc's placeholders in its stack. */
interface Built {
  readonly sim: PolicySimulator;
  readonly values: Record<string, string>;
}

/**
 * A request of the block that the library deliberately does not allow (a narrowing documented in
 * docs/doc-differences.md and docs/security.md). `action: '*'` narrows every request of the statement the library refuses (issue 12: the doc's
 * requests carry no tag or account, which the library's statements need); what ParallelCluster really
 * sends is Allowed in test/proof/pcluster-calls.test.ts.
 */
interface Narrowing {
  readonly sid: string;
  readonly action: string;
  readonly why: string;
}

/**
 * A part of the block that cannot work as written, whatever the role: an action with no resource of its
 * type among the statement's patterns (`no-resource`), a resource pattern that no action of the
 * statement acts on (`unused-pattern`), or a request the doc's own statement never allows because IAM
 * never sets the condition key for that action (`never-granted`).
 */
interface DocDefect {
  readonly kind: 'no-resource' | 'never-granted' | 'unused-pattern';
  readonly sid: string;
  /** The action (`no-resource`, `never-granted`) or the doc's resource pattern (`unused-pattern`). */
  readonly what: string;
  readonly why: string;
}

interface BlockRow {
  readonly block: string;
  readonly narrowings: Narrowing[];
  readonly docDefects?: DocDefect[];
}

/** The doc's placeholders, as the fixtures evaluate in the simulator (deterministic fake ARNs). */
function placeholderValues(stack: Stack, sim: PolicySimulator, f: Fixtures): Record<string, string> {
  const ref = (construct: IConstruct, attribute?: string): string => {
    const id = stack.getLogicalId(construct.node.defaultChild as CfnElement);
    return sim.evaluate(attribute ? { 'Fn::GetAtt': [id, attribute] } : { Ref: id });
  };
  const secretArn = ref(f.secret);
  const secretName = secretArn.substring(secretArn.indexOf(':secret:') + ':secret:'.length);
  return {
    '<SECRET NAME>': secretName,
    '<SECRET_ID>': secretName,
    '<S3 NAME>': ref(f.bucket),
    '<CUSTOM ROLE ARN>': ref(f.customRole, 'Arn'),
    '<PERMISSIONS BOUNDARY ARN>': ref(f.boundary),
  };
}

/** One user role of SEED_USERS in a stack of its own (for the tests of the deliberate differences). */
function userRole(env: TestEnvironment, name: SeedUser): Built {
  const { stack, fixtures, role } = seedUser(env, name);
  const sim = PolicySimulator.forRole(stack, role);
  return { sim, values: placeholderValues(stack, sim, fixtures) };
}

// DIFF (docs/doc-differences.md): the doc grants iam:CreateServiceLinkedRole on role/parallelcluster/*, where no
// service-linked role can be (they live under role/aws-service-role/); the library leaves it out.
// What it allows instead is tested below ("service-linked roles are granted where they live").
const SLR_ON_CLUSTER_PATH: Narrowing = {
  sid: 'IamRole',
  action: 'iam:CreateServiceLinkedRole',
  why: 'service-linked roles never live on the cluster path',
};

// iam:AWSServiceName is set for CreateServiceLinkedRole only (Service Authorization Reference), so the
// doc's StringEquals on it never holds for DeleteServiceLinkedRole. The library keeps the doc's
// statement; pcluster does not delete service-linked roles.
const DELETE_SLR_NEVER_GRANTED = (sid: string): DocDefect => ({
  kind: 'never-granted',
  sid,
  what: 'iam:DeleteServiceLinkedRole',
  why: 'iam:AWSServiceName is not in the request context of DeleteServiceLinkedRole',
});

// iam:PassRole acts on roles only: the doc's instance-profile ARNs in PassRole statements match no
// request (EC2 is passed the role inside the profile). The library keeps them as the doc has them.
const PASS_INSTANCE_PROFILE = (sid: string): DocDefect => ({
  kind: 'unused-pattern',
  sid,
  what: 'arn:aws:iam::<AWS ACCOUNT ID>:instance-profile/parallelcluster/*',
  why: 'iam:PassRole has no instance-profile resource type',
});

// Issue 12 (docs/security.md): the doc's requests reach beyond ParallelCluster's resources.
const ISSUE_12: Record<string, Narrowing[]> = {
  'user.base': [
    { sid: 'CloudFormation', action: '*', why: 'stack actions only on stacks with the cluster tag, creation with it in the request' },
    { sid: 'S3ResourcesBucket', action: '*', why: 'parallelcluster-* buckets of the stack\'s account only (aws:ResourceAccount)' },
    { sid: 'CloudWatchLogs', action: '*', why: 'ParallelCluster\'s log groups only' },
    { sid: 'Route53HostedZones', action: 'route53:ChangeResourceRecordSets', why: 'records under .pcluster only' },
    { sid: 'IamInstanceProfile', action: '*', why: 'the profiles pcluster creates on <path><cluster>/, not the library\'s own' },
  ],
  'user.imageBuilder': [
    { sid: 'CloudFormation', action: '*', why: 'image stacks only (parallelcluster:image_id tag)' },
    { sid: 'IAM', action: '*', why: 'the image build\'s profile /parallelcluster/ParallelClusterImage-*, not the cluster\'s' },
    { sid: 'S3Bucket', action: '*', why: 'parallelcluster-* buckets of the stack\'s account only' },
    { sid: 'S3Objects', action: '*', why: 'parallelcluster-* buckets of the stack\'s account only' },
  ],
  'headNode.awsBatch': [
    { sid: '#0', action: '*', why: 'the cluster bucket of the stack\'s account only' },
  ],
  'lambdaFunctions': [
    { sid: '#4', action: '*', why: 'the cluster bucket of the stack\'s account only' },
  ],
  'imageBuilder.instanceRole': [
    { sid: '#0', action: 'ec2:ModifyImageAttribute', why: 'AMIs of ParallelCluster\'s Image Builder images only' },
  ],
  'imageBuilder.cleanupLambda': [
    { sid: '#0', action: '*', why: 'the image build\'s own role (ParallelClusterImage-*), not every role on the path' },
    { sid: '#1', action: '*', why: 'the image build\'s own instance profile (ParallelClusterImage-*), not every profile on the path' },
  ],
};

// Issue 18 (docs/security.md, docs/doc-differences.md): the doc's requests carry no aws:CalledVia, tag or
// record name; what ParallelCluster sends (through CloudFormation where CloudFormation makes the call) is
// Allowed in test/proof/pcluster-calls.test.ts, and the requests as written are Denied in the attack matrix.
const ISSUE_18: Record<string, Narrowing[]> = {
  'user.base': [
    { sid: 'EC2Write', action: '*', why: 'EC2 writes only through CloudFormation, changes only to cluster-tagged resources (launch templates: CloudFormation only); RunInstances on launch resources, tags at creation, terminations of cluster-tagged instances' },
    { sid: 'S3ResourcesBucket', action: '*', why: 'no bucket ACLs, public access blocks or deletion; bucket settings on the resources bucket only' },
    { sid: 'EFS', action: '*', why: 'elasticfilesystem:Describe* directly, the rest only through CloudFormation' },
    ...['route53:CreateHostedZone', 'route53:DeleteHostedZone', 'route53:ChangeTagsForResource'].map((action) => (
      { sid: 'Route53HostedZones', action, why: 'only through CloudFormation (the cluster stack\'s zone, slurm_builder.py:207-217); pcluster only reads zones' })),
    ...['cloudwatch:PutDashboard', 'cloudwatch:DeleteDashboards', 'cloudwatch:GetDashboard'].map((action) => (
      { sid: 'CloudWatch', action, why: 'the dashboards ParallelCluster names <cluster>-<region> only (cw_dashboard_builder.py:89)' })),
  ],
  'user.fsx': [
    { sid: 'FSx', action: '*', why: 'fsx:Describe* directly, the rest only through CloudFormation' },
  ],
  'user.imageBuilder': [
    { sid: 'EC2', action: 'ec2:DeregisterImage', why: 'AMIs with the image-id tag or a ParallelCluster Image Builder ARN tag only' },
  ],
  'headNode.slurm': [
    { sid: '#6', action: 'ec2:CreateTags', why: 'cluster-tagged instances and volumes, or at creation' },
    { sid: '#8', action: 'route53:ChangeResourceRecordSets', why: 'record names under .pcluster only' },
  ],
  'headNode.awsBatch': [
    { sid: '#6', action: 'ec2:CreateTags', why: 'cluster-tagged instances and volumes, or at creation' },
  ],
  'lambdaFunctions': [
    { sid: '#0', action: 'route53:ChangeResourceRecordSets', why: 'record names under .pcluster only' },
  ],
  'imageBuilder.instanceRole': [
    { sid: '#0', action: 'ec2:CreateTags', why: 'AMIs of ParallelCluster\'s Image Builder images only' },
  ],
  'imageBuilder.cleanupLambda': [
    { sid: '#7', action: '*', why: 'image stacks only (parallelcluster:image_id), in every revision' },
    { sid: '#8', action: '*', why: 'AMIs of ParallelCluster\'s Image Builder images only' },
  ],
};

const ROWS: BlockRow[] = [
  {
    block: 'user.base',
    narrowings: [...ISSUE_12['user.base'], ...ISSUE_18['user.base']],
  },
  {
    block: 'user.batch',
    narrowings: [],
    docDefects: [DELETE_SLR_NEVER_GRANTED('#1')],
  },
  {
    block: 'user.fsx',
    narrowings: ISSUE_18['user.fsx'],
    docDefects: [
      DELETE_SLR_NEVER_GRANTED('#0'),
      // DIFF (docs/doc-differences.md): fixed by the library, which adds `<bucket>/*` (see "FSx data repository objects").
      { kind: 'no-resource', sid: '#3', what: 's3:PutObject', why: 'the doc names only the bucket, and PutObject acts on objects' },
    ],
  },
  {
    block: 'user.imageBuilder',
    narrowings: [...ISSUE_12['user.imageBuilder'], ...ISSUE_18['user.imageBuilder']],
    docDefects: [PASS_INSTANCE_PROFILE('IAMPassRole')],
  },
  {
    block: 'user.iam.privileged',
    narrowings: [SLR_ON_CLUSTER_PATH],
  },
  {
    block: 'user.iam.restricted.passRoleExample',
    narrowings: [],
  },
  {
    block: 'user.iam.permissionsBoundary',
    narrowings: [SLR_ON_CLUSTER_PATH],
  },
  {
    block: 'headNode.slurm',
    narrowings: ISSUE_18['headNode.slurm'],
    docDefects: [PASS_INSTANCE_PROFILE('#4')],
  },
  {
    block: 'headNode.awsBatch',
    narrowings: [...ISSUE_12['headNode.awsBatch'], ...ISSUE_18['headNode.awsBatch']],
    docDefects: [PASS_INSTANCE_PROFILE('#2')],
  },
  {
    block: 'computeNode',
    narrowings: [],
  },
  {
    block: 'lambdaFunctions',
    narrowings: [...ISSUE_12.lambdaFunctions, ...ISSUE_18.lambdaFunctions],
  },
  {
    block: 'imageBuilder.instanceRole',
    narrowings: [...ISSUE_12['imageBuilder.instanceRole'], ...ISSUE_18['imageBuilder.instanceRole']],
  },
  {
    block: 'imageBuilder.cleanupLambda',
    narrowings: [...ISSUE_12['imageBuilder.cleanupLambda'], ...ISSUE_18['imageBuilder.cleanupLambda']],
  },
];

/**
 * Every role of the table (one per row, plus the fullest user role of each mode) in one stack per
 * environment and revision, synthesized once: each role is a construct of its own and the simulator
 * only reads the policies attached to it, so sharing the stack changes nothing but the run time.
 */
const worlds = new Map<string, Map<string, Built>>();

function world(env: TestEnvironment, version: ParallelClusterVersion): Map<string, Built> {
  const key = `${env.partition}/${version.version}`;
  if (!worlds.has(key)) {
    const { stack, fixtures, roles } = seedWorld(env, version);
    let values: Record<string, string> | undefined;
    const built = new Map<string, Built>();
    for (const [name, role] of roles) {
      const sim = PolicySimulator.forRole(stack, role);
      values ??= placeholderValues(stack, sim, fixtures);
      built.set(name, { sim, values });
    }
    worlds.set(key, built);
  }
  return worlds.get(key)!;
}

const builtRow = (env: TestEnvironment, version: ParallelClusterVersion, block: string): Built => world(env, version).get(block)!;

interface Outcome {
  readonly request: SeedRequest;
  readonly doc: string;
  readonly library: string;
}

/** Sends every request of a block to the doc's own block and to the library's role. */
interface DocPlan {
  readonly requests: SeedRequest[];
  readonly uncovered: string[];
  readonly unusedPatterns: string[];
  readonly doc: string[];
}

// The requests of a block and the doc's own decisions depend only on the environment and the
// placeholder values (deterministic fake ARNs), not on the revision: work them out once.
const docPlans = new Map<string, Promise<DocPlan>>();

function docPlan(block: string, env: TestEnvironment, values: Record<string, string>): Promise<DocPlan> {
  const key = JSON.stringify([block, env, values]);
  if (!docPlans.has(key)) {
    docPlans.set(key, (async () => {
      const plan = seedRequests(block, env, values);
      const docDocument = JSON.parse(
        JSON.stringify(SEED.policies[block]),
        (_key, value) => (typeof value === 'string' ? substitutePlaceholders(value, env, values) : value),
      );
      const doc = PolicySimulator.forDocuments([docDocument.Statement ? docDocument : { Version: '2012-10-17', Statement: [docDocument] }], env);
      const decisions = await Promise.all(plan.requests.map((r) => doc.decision(r.action, r.resource, r.context)));
      return { requests: plan.requests, uncovered: plan.uncovered, unusedPatterns: plan.unusedPatterns, doc: decisions };
    })());
  }
  return docPlans.get(key)!;
}

async function evaluateBlock(
  row: BlockRow,
  env: TestEnvironment,
  version: ParallelClusterVersion = ParallelClusterVersion.V3_2,
): Promise<{ outcomes: Outcome[]; uncovered: string[]; unusedPatterns: string[] }> {
  const { sim, values } = builtRow(env, version, row.block);
  const plan = await docPlan(row.block, env, values);
  const library = await Promise.all(plan.requests.map((r) => sim.decision(r.action, r.resource, r.context)));
  const outcomes = plan.requests.map((request, i) => ({ request, doc: plan.doc[i], library: library[i] }));
  return { outcomes, uncovered: plan.uncovered, unusedPatterns: plan.unusedPatterns };
}

const defects = (row: BlockRow, kind: DocDefect['kind']): string[] =>
  (row.docDefects ?? []).filter((d) => d.kind === kind).map((d) => `${d.sid} ${d.what}`);

const isNarrowed = (row: BlockRow, o: Outcome): boolean =>
  row.narrowings.some((n) => n.sid === o.request.statement.sid
    && (n.action === o.request.action || (n.action === '*' && o.library !== 'Allowed')));

describe('the spec fixture', () => {
  const fixture = path.join(__dirname, '..', 'fixtures', 'seed-policies.json');
  const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

  test('is the copy test/fixtures/README.md records (the spec is never edited to make a test pass)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'README.md'), 'utf-8');
    expect(readme).toContain(sha256(fixture));
  });

  // In the project workspace the reference sits next to the repository; a fresh clone may not have it.
  const reference = path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'seed-policies.json');
  (fs.existsSync(reference) ? test : test.skip)('matches the workspace reference', () => {
    expect(sha256(fixture)).toBe(sha256(reference));
  });

  test('every block of the doc is a row of the matrix, once', () => {
    expect(Object.keys(SEED.policies).sort()).toEqual([...SEED.order].sort());
    expect(ROWS.map((r) => r.block).sort()).toEqual([...SEED.order].sort());
  });
});

describe.each(ENVIRONMENTS)('seed simulation in $partition', (env) => {
  describe.each(ROWS)('$block', (row) => {
    let result: { outcomes: Outcome[]; uncovered: string[]; unusedPatterns: string[] };
    beforeAll(async () => {
      result = await evaluateBlock(row, env);
    });

    test('every statement, action and resource pattern yields requests, but for the documented doc defects', () => {
      const sids = new Set(result.outcomes.map((o) => o.request.statement.sid));
      expect(result.uncovered).toEqual(defects(row, 'no-resource'));
      expect(result.unusedPatterns).toEqual(defects(row, 'unused-pattern'));
      expect([...sids].sort()).toEqual(seedStatements(row.block).map((s) => s.sid).sort());
      expect(result.outcomes.length).toBeGreaterThan(0);
    });

    test('the doc itself grants every request, but for the documented doc defects', () => {
      const neverGranted = result.outcomes.filter((o) => o.doc !== 'Allowed').map((o) => `${o.request.statement.sid} ${o.request.action}`);
      expect([...new Set(neverGranted)]).toEqual(defects(row, 'never-granted'));
    });

    test('everything the doc grants is allowed, except the documented narrowings', () => {
      const granted = result.outcomes.filter((o) => o.doc === 'Allowed');
      const notAllowed = granted.filter((o) => o.library !== 'Allowed').map((o) => describeRequest(o.request));
      const narrowed = granted.filter((o) => isNarrowed(row, o)).map((o) => describeRequest(o.request));
      expect(notAllowed).toEqual(narrowed);
      // Every narrowing still applies (a stale exception would hide nothing, but would mislead).
      for (const n of row.narrowings) {
        expect([n.sid, n.action, granted.some((o) => o.request.statement.sid === n.sid
          && (n.action === '*' ? o.library !== 'Allowed' : o.request.action === n.action))]).toEqual([n.sid, n.action, true]);
      }
    });
  });
});

/**
 * The Sids of a block's statements that some revision replaces, removes or narrows (src/policies/revisions.ts):
 * upstream's own narrowings, each with its release; what they allow instead is tested in
 * revisions.test.ts.
 */
function revisedAwaySids(block: string): string[] {
  return REVISIONS.flatMap((revision) => (revision.changes as Record<string, PolicyChange[] | undefined>)[block] ?? [])
    .flatMap((change) => (change.kind === 'replaceStatement' || change.kind === 'removeConditionValues' ? [change.sid]
      : change.kind === 'removeStatements' ? change.sids : []));
}

/** The actions of the statements that replace others in a block (for doc statements without a Sid). */
function revisedAwayActions(block: string, env: TestEnvironment): string[] {
  const ctx = new PolicyContext(stackIn(env));
  return REVISIONS.flatMap((revision) => (revision.changes as Record<string, PolicyChange[] | undefined>)[block] ?? [])
    .flatMap((change) => (change.kind === 'replaceStatement' ? change.statements(ctx).flatMap((s) => s.actions) : []));
}

// The default revision is the newest: it must still grant everything the doc grants, except the
// statements a revision replaced or removed on purpose. Revisions build their ARNs with the same
// partition-aware context as the doc revision (checked in all three partitions above), so one
// partition is enough here: GovCloud, the one with the longest partition name.
describe.each([AWS_US_GOV])('latest revision in $partition', (env) => {
  test.each(ROWS)('$block keeps every doc grant, but for statements replaced by a revision', async (row) => {
    const { outcomes } = await evaluateBlock(row, env, ParallelClusterVersion.LATEST);
    const revisedAway = revisedAwaySids(row.block);
    // Doc blocks without Sids (the cleanup role's) are numbered: match a replaced statement by its actions.
    const replacedActions = revisedAwayActions(row.block, env);
    const granted = outcomes.filter((o) => o.doc === 'Allowed' && !isNarrowed(row, o));
    const lost = granted.filter((o) => o.library !== 'Allowed' && !revisedAway.includes(o.request.statement.sid)
      && !(/^#\d+$/.test(o.request.statement.sid) && replacedActions.includes(o.request.action)));
    expect(lost.map((o) => describeRequest(o.request))).toEqual([]);
    // A replaced statement loses some of the doc's grants (otherwise the revision would not narrow).
    // (Issue 12 narrowed some of them in every revision already: nothing is left for the revision to take.)
    const narrowedEverywhere = row.narrowings.filter((n) => n.action === '*').map((n) => n.sid);
    for (const sid of revisedAway.filter((id) => !narrowedEverywhere.includes(id) && granted.some((o) => o.request.statement.sid === id))) {
      expect([sid, granted.some((o) => o.request.statement.sid === sid && o.library !== 'Allowed')]).toEqual([sid, true]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// What the library allows instead of the doc, where it differs.

describe.each(ENVIRONMENTS)('deliberate differences, in $partition', (env) => {
  const p = env.partition;
  const a = env.account;

  test('service-linked roles are granted where they live, never on the cluster path', async () => {
    const { sim } = userRole(env, 'slr');
    const slr = (servicePath: string, service: string) =>
      sim.decision('iam:CreateServiceLinkedRole', `arn:${p}:iam::${a}:role/${servicePath}`, { 'iam:AWSServiceName': service });
    expect(await Promise.all([
      slr('aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch', 'batch.amazonaws.com'),
      slr('aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx', 'fsx.amazonaws.com'),
      slr('aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_fs-0123', 's3.data-source.lustre.fsx.amazonaws.com'),
      slr('aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder', 'imagebuilder.amazonaws.com'),
      slr('parallelcluster/example', 'batch.amazonaws.com'),
      sim.decision('iam:CreateServiceLinkedRole', `arn:${p}:iam::${a}:role/parallelcluster/example`),
    ])).toEqual(['Allowed', 'Allowed', 'Allowed', 'Allowed',
      // FsxServiceLinkedRoles has Resource '*' (doc): any role ARN with an FSx service name passes,
      // which is the doc's scope; with another service name, the cluster path is refused.
      'ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  test('FSx data repository objects: the doc grants nothing on them, the library reads and writes them', async () => {
    const built = userRole(env, 'fsx-bucket');
    const bucket = built.values['<S3 NAME>'];
    const docBlock = JSON.parse(JSON.stringify(SEED.policies['user.fsx']), (_k, v) => (typeof v === 'string' ? substitutePlaceholders(v, env, built.values) : v));
    const doc = PolicySimulator.forDocuments([docBlock], env);
    const requests: Array<[string, string]> = [
      ['s3:PutObject', `arn:${p}:s3:::${bucket}/data/file`],
      ['s3:GetObject', `arn:${p}:s3:::${bucket}/data/file`],
      ['s3:ListBucket', `arn:${p}:s3:::${bucket}`],
    ];
    expect(await Promise.all(requests.map(([action, resource]) => doc.decision(action, resource))))
      .toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed']);
    expect(await Promise.all(requests.map(([action, resource]) => built.sim.decision(action, resource))))
      .toEqual(['Allowed', 'Allowed', 'Allowed']);
  });

  test('DescribeSecret: the given secrets only, and no statement without secrets', async () => {
    const withSecret = userRole(env, 'secret');
    const without = userRole(env, 'none');
    const secretArn = `arn:${p}:secretsmanager:${env.region}:${a}:secret:${withSecret.values['<SECRET NAME>']}`;
    expect(await Promise.all([
      withSecret.sim.decision('secretsmanager:DescribeSecret', secretArn),
      withSecret.sim.decision('secretsmanager:DescribeSecret', `arn:${p}:secretsmanager:${env.region}:${a}:secret:other-AbCdEf`),
      without.sim.decision('secretsmanager:DescribeSecret', secretArn),
    ])).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    expect(JSON.stringify(without.sim.documents)).not.toContain('secretsmanager');
  });

  test('DeleteServiceLinkedRole stays as the doc has it: refused, since IAM never sets iam:AWSServiceName for it', async () => {
    const { sim } = userRole(env, 'delete-slr');
    expect(await Promise.all([
      sim.decision('iam:DeleteServiceLinkedRole', `arn:${p}:iam::${a}:role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch`),
      sim.decision('iam:DeleteServiceLinkedRole', `arn:${p}:iam::${a}:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx`),
    ])).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });
});

// ---------------------------------------------------------------------------------------------------
// The deny table: requests just outside each scope are refused, while the same request just inside is
// allowed by the same role (so the refusal comes from the scope, not from the action or the fixture).

type Request = [action: string, resource: string, context?: RequestContext];

/** The tag EC2 Image Builder puts on the AMIs of a ParallelCluster image. */
const builtAmi = (e: TestEnvironment) => ({ 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${e.partition}:imagebuilder:${e.region}:${e.account}:image/parallelclusterimage-x/3.16.1/1` });

interface DenyRow {
  readonly scope: string;
  readonly what: string;
  readonly mode: ModeName;
  readonly inside: (env: TestEnvironment, v: Record<string, string>) => Request;
  readonly outside: (env: TestEnvironment, v: Record<string, string>) => Request;
}

const ec2 = { 'iam:PassedToService': 'ec2.amazonaws.com' };
const iamArn = (env: TestEnvironment, resource: string, account: string = env.account) => `arn:${env.partition}:iam::${account}:${resource}`;
const attachable = (env: TestEnvironment) => `arn:${env.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;

const DENY_TABLE: DenyRow[] = [
  // Another IAM path.
  {
    scope: 'IAM path',
    what: 'PassRole of a role on another path',
    mode: 'restricted',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), ec2],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/other/node'), ec2],
  },
  {
    scope: 'IAM path',
    what: 'PassRole to Batch of a role on another path',
    mode: 'privileged',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/batch'), { 'iam:PassedToService': 'batch.amazonaws.com' }],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/batch'), { 'iam:PassedToService': 'batch.amazonaws.com' }],
  },
  {
    scope: 'IAM path',
    what: 'an instance profile on another path',
    mode: 'restricted',
    // Issue 12: the profiles ParallelCluster creates for a cluster, on <path><cluster>/.
    inside: (e) => ['iam:CreateInstanceProfile', iamArn(e, 'instance-profile/parallelcluster/my-cluster/node')],
    outside: (e) => ['iam:CreateInstanceProfile', iamArn(e, 'instance-profile/other/my-cluster/node')],
  },
  {
    scope: 'IAM path',
    what: 'CreateRole on another path',
    mode: 'privileged',
    inside: (e) => ['iam:CreateRole', iamArn(e, 'role/parallelcluster/node')],
    outside: (e) => ['iam:CreateRole', iamArn(e, 'role/admin/node')],
  },
  {
    scope: 'IAM path',
    what: 'PutRolePolicy on a role on another path (e.g. the user role itself)',
    mode: 'privileged',
    inside: (e) => ['iam:PutRolePolicy', iamArn(e, 'role/parallelcluster/node')],
    outside: (e) => ['iam:PutRolePolicy', iamArn(e, 'role/UserRole')],
  },
  {
    scope: 'IAM path',
    what: 'AttachRolePolicy on a role on another path',
    mode: 'privileged',
    inside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': attachable(e) }],
    outside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/node'), { 'iam:PolicyARN': attachable(e) }],
  },
  // Another account.
  {
    scope: 'account',
    what: 'PassRole of a role in another account',
    mode: 'restricted',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), ec2],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node', OTHER_ACCOUNT), ec2],
  },
  {
    scope: 'account',
    what: 'a DynamoDB table in another account',
    mode: 'restricted',
    inside: (e) => ['dynamodb:PutItem', `arn:${e.partition}:dynamodb:${e.region}:${e.account}:table/parallelcluster-c1`],
    outside: (e) => ['dynamodb:PutItem', `arn:${e.partition}:dynamodb:${e.region}:${OTHER_ACCOUNT}:table/parallelcluster-c1`],
  },
  {
    scope: 'account',
    what: 'a Lambda function in another account',
    mode: 'restricted',
    inside: (e) => ['lambda:InvokeFunction', `arn:${e.partition}:lambda:${e.region}:${e.account}:function:pcluster-c1`],
    outside: (e) => ['lambda:InvokeFunction', `arn:${e.partition}:lambda:${e.region}:${OTHER_ACCOUNT}:function:pcluster-c1`],
  },
  {
    scope: 'account',
    what: 'GetRole in another account',
    mode: 'restricted',
    inside: (e) => ['iam:GetRole', iamArn(e, 'role/any')],
    outside: (e) => ['iam:GetRole', iamArn(e, 'role/any', OTHER_ACCOUNT)],
  },
  {
    scope: 'account',
    what: 'an EFS file system in another account',
    mode: 'restricted',
    // Issue 18: file system changes are CloudFormation's, on the cluster's tagged file systems.
    inside: (e) => ['elasticfilesystem:DeleteFileSystem', `arn:${e.partition}:elasticfilesystem:${e.region}:${e.account}:file-system/fs-0123`,
      { 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'aws:ResourceTag/parallelcluster:cluster-name': 'example' }],
    outside: (e) => ['elasticfilesystem:DeleteFileSystem', `arn:${e.partition}:elasticfilesystem:${e.region}:${OTHER_ACCOUNT}:file-system/fs-0123`,
      { 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'aws:ResourceTag/parallelcluster:cluster-name': 'example' }],
  },
  {
    scope: 'account',
    what: 'the Image Builder service-linked role of another account (DIFF: the doc allows iam::*:)',
    mode: 'restricted',
    inside: (e) => ['iam:CreateServiceLinkedRole', iamArn(e, 'role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder'),
      { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' }],
    outside: (e) => ['iam:CreateServiceLinkedRole', iamArn(e, 'role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder', OTHER_ACCOUNT),
      { 'iam:AWSServiceName': 'imagebuilder.amazonaws.com' }],
  },
  // Another service in iam:PassedToService.
  {
    scope: 'iam:PassedToService',
    what: 'a cluster role passed to ECS tasks without AWS Batch',
    mode: 'restricted',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' }],
  },
  {
    scope: 'iam:PassedToService',
    what: 'a cluster role passed to SageMaker',
    mode: 'privileged',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PassedToService': 'codebuild.amazonaws.com' }],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PassedToService': 'sagemaker.amazonaws.com' }],
  },
  {
    scope: 'iam:PassedToService',
    what: 'a custom role passed to SageMaker',
    mode: 'restricted',
    inside: (_e, v) => ['iam:PassRole', v['<CUSTOM ROLE ARN>'], { 'iam:PassedToService': 'spotfleet.amazonaws.com' }],
    outside: (_e, v) => ['iam:PassRole', v['<CUSTOM ROLE ARN>'], { 'iam:PassedToService': 'sagemaker.amazonaws.com' }],
  },
  {
    scope: 'iam:AWSServiceName',
    what: 'a service-linked role for another service',
    mode: 'privileged',
    inside: (e) => ['iam:CreateServiceLinkedRole', iamArn(e, 'role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch'), { 'iam:AWSServiceName': 'batch.amazonaws.com' }],
    outside: (e) => ['iam:CreateServiceLinkedRole', iamArn(e, 'role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch'), { 'iam:AWSServiceName': 'ecs.amazonaws.com' }],
  },
  // Permissions boundary mode: every role created or changed carries the boundary.
  {
    scope: 'permissions boundary',
    what: 'CreateRole without a boundary',
    mode: 'permissionsBoundary',
    inside: (e, v) => ['iam:CreateRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'] }],
    outside: (e) => ['iam:CreateRole', iamArn(e, 'role/parallelcluster/node')],
  },
  {
    scope: 'permissions boundary',
    what: 'CreateRole with another boundary',
    mode: 'permissionsBoundary',
    inside: (e, v) => ['iam:CreateRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'] }],
    outside: (e) => ['iam:CreateRole', iamArn(e, 'role/parallelcluster/node'), { 'iam:PermissionsBoundary': iamArn(e, 'policy/Lenient') }],
  },
  {
    scope: 'permissions boundary',
    what: 'PutRolePolicy on a role without the boundary',
    mode: 'permissionsBoundary',
    inside: (e, v) => ['iam:PutRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'] }],
    outside: (e) => ['iam:PutRolePolicy', iamArn(e, 'role/parallelcluster/node')],
  },
  {
    scope: 'permissions boundary',
    what: 'AttachRolePolicy on a role without the boundary',
    mode: 'permissionsBoundary',
    inside: (e, v) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'),
      { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'], 'iam:PolicyARN': attachable(e) }],
    outside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': attachable(e) }],
  },
  // The attach allow-list.
  {
    scope: 'iam:PolicyARN',
    what: 'AdministratorAccess attached to a cluster role',
    mode: 'privileged',
    inside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': attachable(e) }],
    outside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': `arn:${e.partition}:iam::aws:policy/AdministratorAccess` }],
  },
  {
    scope: 'iam:PolicyARN',
    what: 'a customer policy off the allow-list',
    mode: 'privileged',
    inside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': iamArn(e, 'policy/parallelcluster/extra') }],
    outside: (e) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'), { 'iam:PolicyARN': iamArn(e, 'policy/team/extra') }],
  },
  {
    scope: 'iam:PolicyARN',
    what: 'AdministratorAccess, even with the boundary',
    mode: 'permissionsBoundary',
    inside: (e, v) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'),
      { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'], 'iam:PolicyARN': attachable(e) }],
    outside: (e, v) => ['iam:AttachRolePolicy', iamArn(e, 'role/parallelcluster/node'),
      { 'iam:PermissionsBoundary': v['<PERMISSIONS BOUNDARY ARN>'], 'iam:PolicyARN': `arn:${e.partition}:iam::aws:policy/AdministratorAccess` }],
  },
  // Buckets and secrets the user did not name.
  {
    scope: 'bucket',
    what: 'objects of a bucket not named as a data repository',
    mode: 'restricted',
    inside: (e, v) => ['s3:PutObject', `arn:${e.partition}:s3:::${v['<S3 NAME>']}/key`],
    outside: (e) => ['s3:PutObject', `arn:${e.partition}:s3:::team-data/key`],
  },
  {
    scope: 'bucket',
    what: 'listing a bucket not named as a data repository',
    mode: 'privileged',
    inside: (e, v) => ['s3:ListBucket', `arn:${e.partition}:s3:::${v['<S3 NAME>']}`],
    outside: (e) => ['s3:ListBucket', `arn:${e.partition}:s3:::team-data`],
  },
  {
    scope: 'secret',
    what: 'a secret not named',
    mode: 'restricted',
    inside: (e, v) => ['secretsmanager:DescribeSecret', `arn:${e.partition}:secretsmanager:${e.region}:${e.account}:secret:${v['<SECRET NAME>']}`],
    outside: (e) => ['secretsmanager:DescribeSecret', `arn:${e.partition}:secretsmanager:${e.region}:${e.account}:secret:prod/db-AbCdEf`],
  },
];

// Both the doc's revision and the default (latest) one: no revision may widen a scope.
const ENVIRONMENTS_AND_REVISIONS = ENVIRONMENTS.flatMap((env) => [ParallelClusterVersion.V3_2, ParallelClusterVersion.LATEST]
  .map((version) => ({ env, version, partition: env.partition, revision: version.version })));

describe.each(ENVIRONMENTS_AND_REVISIONS)('deny table in $partition, revision $revision', ({ env, version }) => {
  const built: Partial<Record<ModeName, Built>> = {};
  const roleFor = (mode: ModeName): Built => (built[mode] ??= builtRow(env, version, `full:${mode}`));

  test.each(DENY_TABLE)('$scope: $what ($mode)', async (row) => {
    const { sim, values } = roleFor(row.mode);
    const [inside, outside] = [row.inside(env, values), row.outside(env, values)];
    expect(await Promise.all([sim.decision(...inside), sim.decision(...outside)])).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});

// The cluster roles' requests just outside their scopes, by block (the role is built as in ROWS).
const OTHER_REGION: Record<string, string> = { 'aws': 'us-west-2', 'aws-us-gov': 'us-gov-east-1', 'aws-cn': 'cn-northwest-1' };

interface NodeDenyRow {
  readonly block: string;
  readonly scope: string;
  readonly what: string;
  readonly inside: (env: TestEnvironment, v: Record<string, string>) => Request;
  readonly outside: (env: TestEnvironment, v: Record<string, string>) => Request;
}

const instance = (e: TestEnvironment, region = e.region) => `arn:${e.partition}:ec2:${region}:${e.account}:instance/i-0123456789abcdef0`;
const secretArn = (e: TestEnvironment, name: string) => `arn:${e.partition}:secretsmanager:${e.region}:${e.account}:secret:${name}`;

const NODE_DENY_TABLE: NodeDenyRow[] = [
  {
    block: 'headNode.slurm',
    scope: 'IAM path',
    what: 'PassRole of a compute role on another path',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/compute'), ec2],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/other/compute'), ec2],
  },
  {
    block: 'headNode.slurm',
    scope: 'iam:PassedToService',
    what: 'a cluster role passed to Lambda',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/compute'), ec2],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/compute'), { 'iam:PassedToService': 'lambda.amazonaws.com' }],
  },
  {
    block: 'headNode.slurm',
    scope: 'ec2:ResourceTag',
    what: 'terminating an instance that is not a compute node',
    inside: (e) => ['ec2:TerminateInstances', instance(e), { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
    outside: (e) => ['ec2:TerminateInstances', instance(e), { 'ec2:ResourceTag/parallelcluster:node-type': 'HeadNode' }],
  },
  {
    block: 'headNode.slurm',
    scope: 'region',
    what: 'the cluster table in another region',
    inside: (e) => ['dynamodb:PutItem', `arn:${e.partition}:dynamodb:${e.region}:${e.account}:table/parallelcluster-c1`],
    outside: (e) => ['dynamodb:PutItem', `arn:${e.partition}:dynamodb:${OTHER_REGION[e.partition]}:${e.account}:table/parallelcluster-c1`],
  },
  {
    block: 'headNode.slurm',
    scope: 'account',
    what: 'the cluster table in another account',
    inside: (e) => ['dynamodb:GetItem', `arn:${e.partition}:dynamodb:${e.region}:${e.account}:table/parallelcluster-c1`],
    outside: (e) => ['dynamodb:GetItem', `arn:${e.partition}:dynamodb:${e.region}:${OTHER_ACCOUNT}:table/parallelcluster-c1`],
  },
  {
    block: 'headNode.slurm',
    scope: 'secret',
    what: 'a secret not named',
    inside: (e, v) => ['secretsmanager:GetSecretValue', secretArn(e, v['<SECRET_ID>'])],
    outside: (e) => ['secretsmanager:GetSecretValue', secretArn(e, 'prod/db-AbCdEf')],
  },
  {
    block: 'headNode.slurm',
    scope: 'bucket',
    what: 'the ParallelCluster bucket of another region',
    inside: (e) => ['s3:GetObject', `arn:${e.partition}:s3:::${e.region}-aws-parallelcluster/parallelcluster/3.2.0/x`],
    outside: (e) => ['s3:GetObject', `arn:${e.partition}:s3:::${OTHER_REGION[e.partition]}-aws-parallelcluster/parallelcluster/3.2.0/x`],
  },
  {
    block: 'headNode.awsBatch',
    scope: 'iam:PassedToService',
    what: 'a cluster role passed to EC2 by the Batch head node',
    inside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/batch'), { 'iam:PassedToService': 'batch.amazonaws.com' }],
    outside: (e) => ['iam:PassRole', iamArn(e, 'role/parallelcluster/batch'), ec2],
  },
  {
    block: 'headNode.awsBatch',
    scope: 'resource name',
    what: 'a job queue that is not the cluster\'s',
    inside: (e) => ['batch:SubmitJob', `arn:${e.partition}:batch:${e.region}:${e.account}:job-queue/PclusterJobQueueC1`],
    outside: (e) => ['batch:SubmitJob', `arn:${e.partition}:batch:${e.region}:${e.account}:job-queue/OtherQueue`],
  },
  {
    block: 'computeNode',
    scope: 'region',
    what: 'the ParallelCluster bucket of another region',
    inside: (e) => ['s3:GetObject', `arn:${e.partition}:s3:::${e.region}-aws-parallelcluster/x`],
    outside: (e) => ['s3:GetObject', `arn:${e.partition}:s3:::${OTHER_REGION[e.partition]}-aws-parallelcluster/x`],
  },
  {
    block: 'computeNode',
    scope: 'resource name',
    what: 'a table that is not a ParallelCluster table',
    inside: (e) => ['dynamodb:Query', `arn:${e.partition}:dynamodb:${e.region}:${e.account}:table/parallelcluster-c1`],
    outside: (e) => ['dynamodb:Query', `arn:${e.partition}:dynamodb:${e.region}:${e.account}:table/orders`],
  },
  {
    block: 'lambdaFunctions',
    scope: 'bucket',
    what: 'deleting objects of a bucket that is not a cluster bucket',
    // Issue 12: the cluster bucket of the stack's account (aws:ResourceAccount).
    inside: (e) => ['s3:DeleteObject', `arn:${e.partition}:s3:::parallelcluster-abc-v1-do-not-delete/x`, { 'aws:ResourceAccount': e.account }],
    outside: (e) => ['s3:DeleteObject', `arn:${e.partition}:s3:::team-data/x`, { 'aws:ResourceAccount': e.account }],
  },
  {
    block: 'lambdaFunctions',
    scope: 'ec2:ResourceTag',
    what: 'terminating the head node',
    inside: (e) => ['ec2:TerminateInstances', instance(e), { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
    outside: (e) => ['ec2:TerminateInstances', instance(e), { 'ec2:ResourceTag/parallelcluster:node-type': 'HeadNode' }],
  },
  {
    block: 'imageBuilder.cleanupLambda',
    scope: 'IAM path',
    what: 'deleting a role on another path',
    inside: (e) => ['iam:DeleteRole', iamArn(e, 'role/parallelcluster/ParallelClusterImage-x')],
    outside: (e) => ['iam:DeleteRole', iamArn(e, 'role/admin/x')],
  },
  {
    block: 'imageBuilder.cleanupLambda',
    scope: 'account',
    what: 'deleting a role in another account',
    inside: (e) => ['iam:DeleteRole', iamArn(e, 'role/parallelcluster/ParallelClusterImage-x')],
    outside: (e) => ['iam:DeleteRole', iamArn(e, 'role/parallelcluster/ParallelClusterImage-x', OTHER_ACCOUNT)],
  },
  {
    block: 'imageBuilder.instanceRole',
    scope: 'resource type',
    what: 'tagging an instance instead of an image',
    // Issue 18: AMIs Image Builder made for a ParallelCluster image (Ec2ImageBuilderArn) only.
    inside: (e) => ['ec2:CreateTags', `arn:${e.partition}:ec2:${e.region}::image/ami-0123456789abcdef0`, builtAmi(e)],
    outside: (e) => ['ec2:CreateTags', instance(e), builtAmi(e)],
  },
];

describe.each(ENVIRONMENTS_AND_REVISIONS)('cluster roles deny table in $partition, revision $revision', ({ env, version }) => {
  const built = new Map<string, Built>();
  const roleFor = (block: string): Built => {
    if (!built.has(block)) {
      built.set(block, builtRow(env, version, block));
    }
    return built.get(block)!;
  };

  test.each(NODE_DENY_TABLE)('$block, $scope: $what', async (row) => {
    const { sim, values } = roleFor(row.block);
    const [inside, outside] = [row.inside(env, values), row.outside(env, values)];
    expect(await Promise.all([sim.decision(...inside), sim.decision(...outside)])).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});
