import { ParallelClusterVersion } from '../../src';
import { simulateCatalogueVariantsOnly } from '../support/catalogue';
import { MODE_NAMES } from '../support/cluster-world';
import { CallerRole, USER_ROLES, parallelClusterCalls } from '../support/pcluster-calls';
import { ConcreteRequest, RecordedRole, describeRecorded, recordedRequests, recording } from '../support/recorded-calls';
import { ResultRow, currentReport, renderReport, writeReport } from '../support/recorded-report';
import { RecordedWorld, latestWorld, revisionName, revisionWorld } from '../support/recorded-worlds';
import { AWS, ENVIRONMENTS } from '../support/stacks';

/*
 * The RECORDED CALLS proof (issue 19): every IAM request that ParallelCluster 3.16.1's own code made in a
 * recorded run (scripts/recorded-calls/record.py: the real `pcluster` CLI and the node daemons of
 * aws-parallelcluster-node, in-process against moto) is simulated against the library's role that makes it
 * (the node daemons as the node they run on, scripts/recorded-calls/daemons.py): the user in its three IAM access modes, with and
 * without clusterName, in every partition at LATEST and at every earlier revision (every recorded command
 * exists since 3.2). Scoped to a cluster, the same requests aimed at another cluster's resources must be
 * Denied. The fixture is refreshed, and checked for drift, by `npx projen proof:record`.
 */
// Every stack simulated here is one the newest-aws-cdk-lib run compares (test/support/catalogue.ts).
simulateCatalogueVariantsOnly();


/** A denial the recording shows today, and the item of issue 19 whose fix removes it. */
interface KnownDenial {
  readonly action: string;
  /** Matches the recorded resource (placeholders kept, e.g. `stack/hpc-image-1/<uuid>`). */
  readonly resource: RegExp;
  /** Matches `<world label> <role>`, e.g. `V3_5 aws restricted user`. */
  readonly where: RegExp;
  readonly item: string;
}

/*
 * The denials being fixed (issue 19, "What to build" item 3). The test fails on a denial not listed here
 * AND on an entry that no longer denies anything: the list can only shrink.
 */
const KNOWN_DENIED: KnownDenial[] = [
  // Empty since the issue-19 fixes: image-stack reads (imagebuilder_resources.py:64, every revision and with
  // clusterName), the export bucket of export-*-logs (logExportBuckets), fsx:DescribeFileSystems on `*`, and the
  // head node's Route 53 records (narrowed to <node>.<cluster>.pcluster) are all allowed.
];

/**
 * Requests that the recorded (3.16.1) code makes but earlier releases did not: not simulated at the revisions
 * before the one that added them (src/policies/revisions.ts). Keyed by action, or by `<role> <action>` when
 * only that role's request is new.
 */
const SINCE: Record<string, string> = {
  // revisions.ts V3_16: describe-cluster finds the login nodes' load balancers through the tagging API (3.16.0).
  'tag:GetResources': 'V3_16',
  // revisions.ts V3_3: slurm_resume launches multi-instance-type compute resources by CreateFleet (3.3.0).
  'ec2:CreateFleet': 'V3_3',
  // revisions.ts V3_3: the head node reads capacity reservations (clustermgtd's capacity blocks, later still).
  'headNode ec2:DescribeCapacityReservations': 'V3_3',
  // revisions.ts V3_5: clustermgtd logs the console output of unhealthy static nodes, their instance IDs
  // batch-read from the cluster's table (3.5.0, PR #4552).
  'headNode ec2:GetConsoleOutput': 'V3_5',
  'headNode dynamodb:BatchGetItem': 'V3_5',
};

/**
 * Requests aimed at another cluster's resources that a cluster-scoped role still allows (they should be
 * Denied), with why. Same rule: shrink only.
 */
const KNOWN_CROSS_CLUSTER_ALLOWED: KnownDenial[] = [
  // By design: the log export bucket is the user's own (logExportBuckets), not a cluster's: any of the user's
  // clusters exports its logs there.
  ...['s3:PutObject', 's3:DeleteObject'].map((action) => ({
    action, resource: /:s3:::hpc-log-exports\//, where: /clusterName user$/, item: 'by design: the export bucket is the user\'s own',
  })),
  // By design: with clusterNames, Describe and List calls stay account-wide (user-role.ts, clusterNames), as
  // `pcluster list-clusters` and the validators need them.
  { action: 'cloudformation:DescribeStacks', resource: /:stack\/hpc-prod\//, where: /clusterName user$/, item: 'by design: reads stay account-wide' },
  // Issue 18: a user scoped to a cluster reads and writes only its clusters' directories of the shared bucket
  // (`parallelcluster/*/clusters/<cluster>-*`, cluster-scope.ts), so no other cluster's artifacts are listed here.
];

/**
 * Actions the recording sees that the hand matrix (test/support/pcluster-calls.ts) lacks for the role. Empty:
 * every recorded action is a row of the matrix (issue 19, item 2), so no narrowing is checked against less
 * than the real calls. Shrink only.
 */
const MATRIX_MISSING: Array<{ role: RecordedRole; action: string; reason: string }> = [];

interface Outcome {
  readonly world: RecordedWorld;
  readonly request: ConcreteRequest;
  readonly decision: string;
}

async function simulate(world: RecordedWorld, otherCluster?: string): Promise<Outcome[]> {
  const requests = recordedRequests({ env: envOf(world), roleArns: world.roleArns, otherCluster });
  const rows = requests.filter((r) => world.sims[r.role] !== undefined && madeAt(r.role, r.action, world.revision));
  const decisions = await Promise.all(rows.map(async (r) => {
    try {
      return await world.sims[r.role]!.decision(r.action, r.resource, r.context);
    } catch (e) {
      return `Error: ${(e as Error).message}`;
    }
  }));
  return rows.map((request, i) => ({ world, request, decision: decisions[i] }));
}

function madeAt(role: RecordedRole, action: string, revision: string): boolean {
  const since = SINCE[`${role} ${action}`] ?? SINCE[action];
  if (since === undefined || revision === 'LATEST') {
    return true;
  }
  const order = ParallelClusterVersion.all().map(revisionName);
  return order.indexOf(revision) >= order.indexOf(since);
}

function envOf(world: RecordedWorld) {
  return ENVIRONMENTS.find((e) => world.label.includes(` ${e.partition} `))!;
}

function lineOf(o: Outcome): string {
  return `${o.world.label} ${o.request.role}: ${describeRecorded(o.request.recorded)} (${o.request.steps.join(', ')}): ${o.decision}`;
}

/** The outcomes as one line per request and decision, naming the worlds (revision, partition, mode) it happens in. */
function grouped(outcomes: Outcome[]): string[] {
  const groups = new Map<string, string[]>();
  for (const o of outcomes) {
    const key = `${o.request.role} ${o.request.action} on ${o.request.recorded.resource} (${o.request.steps.join(', ')}): ${o.decision}`;
    groups.set(key, [...(groups.get(key) ?? []), o.world.label]);
  }
  return [...groups.entries()].map(([key, worlds]) => `${key} in ${[...new Set(worlds)].join('; ')}`).sort();
}

function matches(entry: KnownDenial, o: Outcome): boolean {
  return entry.action === o.request.action && entry.resource.test(o.request.recorded.resource)
    && entry.where.test(`${o.world.label} ${o.request.role}`);
}

/** Failures of a shrink-only list: outcomes no entry covers, and entries that cover none. */
function checkAgainst(list: KnownDenial[], outcomes: Outcome[]): { unlisted: string[]; stale: string[] } {
  const unlisted = grouped(outcomes.filter((o) => !list.some((e) => matches(e, o))));
  const stale = list.filter((e) => !outcomes.some((o) => matches(e, o)))
    .map((e) => `${e.action} ${e.resource} ${e.where} (${e.item}): no longer happens; remove it from the list`);
  return { unlisted, stale };
}

const rec = recording();

test('the recording covers the pcluster commands and is mapped to IAM requests', () => {
  const steps = rec.commands.map((c) => c.step.split(' ')[0]);
  for (const command of ['create-cluster', 'describe-cluster', 'list-clusters', 'update-cluster', 'update-compute-fleet',
    'describe-cluster-instances', 'delete-cluster-instances', 'list-cluster-log-streams', 'get-cluster-log-events',
    'get-cluster-stack-events', 'export-cluster-logs', 'delete-cluster', 'build-image', 'describe-image', 'list-images',
    'list-image-log-streams', 'get-image-log-events', 'get-image-stack-events', 'export-image-logs', 'delete-image']) {
    expect(steps).toContain(command);
  }
  // The head node's daemons launched by RunInstances and by CreateFleet, terminated, checked health and
  // capacity blocks, and replaced static nodes (console output, instance IDs from the table).
  for (const action of ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:TerminateInstances', 'dynamodb:BatchWriteItem',
    'route53:ChangeResourceRecordSets', 'ec2:DescribeInstanceStatus', 'ec2:DescribeCapacityReservations',
    'ec2:GetConsoleOutput', 'dynamodb:BatchGetItem']) {
    expect(rec.requests.some((r) => r.role === 'headNode' && r.action === action)).toBe(true);
  }
  for (const step of ['clustermgtd: static node replacement', 'clustermgtd: capacity blocks',
    'slurm_fleet_status_manager: STOP_REQUESTED']) {
    expect(rec.commands.find((c) => c.step === step)).toMatchObject({ role: 'headNode', outcome: 'ok' });
  }
  // The paths of the node wheel that make no AWS call ran, and made none (scripts/recorded-calls/daemons.py):
  // computemgtd terminates its compute node through the OS; slurm_suspend leaves the termination to clustermgtd.
  expect(rec.commands.find((c) => c.step === 'computemgtd: self-termination (no AWS call)'))
    .toEqual({ step: 'computemgtd: self-termination (no AWS call)', role: 'computeNode', calls: 0, outcome: 'ok' });
  expect(rec.commands.find((c) => c.step === 'slurm_suspend (no AWS call)'))
    .toEqual({ step: 'slurm_suspend (no AWS call)', role: 'headNode', calls: 0, outcome: 'ok' });
  // Every call maps to IAM requests (or needs none, like sts:GetCallerIdentity).
  expect(rec.calls.filter((c) => c.iamMapError !== undefined)).toEqual([]);
  expect(rec.requests.length).toBeGreaterThan(50);
});

describe('every recorded request is allowed for the role that makes it (except KNOWN_DENIED)', () => {
  let outcomes: Outcome[] = [];
  let crossCluster: Outcome[] = [];
  const worlds: RecordedWorld[] = [];
  beforeAll(async () => {
    for (const env of ENVIRONMENTS) {
      for (const mode of MODE_NAMES) {
        worlds.push(latestWorld(env, mode, false));
      }
    }
    for (const mode of MODE_NAMES) {
      worlds.push(latestWorld(AWS, mode, true));
    }
    for (const version of ParallelClusterVersion.all().filter((v) => v !== ParallelClusterVersion.LATEST)) {
      for (const mode of MODE_NAMES) {
        worlds.push(revisionWorld(AWS, version, mode));
      }
    }
    for (const world of worlds) {
      outcomes.push(...await simulate(world));
      if (world.scoped) {
        const own = await simulate(world);
        const other = await simulate(world, 'other-cluster');
        // Only the requests the renaming changed are aimed at another cluster.
        crossCluster.push(...other.filter((o, i) => o.request.resource !== own[i].request.resource
          || JSON.stringify(o.request.context) !== JSON.stringify(own[i].request.context)));
      }
    }
  }, 600_000);

  test('no simulation error (every request is one IAM could receive)', () => {
    expect(outcomes.filter((o) => o.decision.startsWith('Error')).map(lineOf)).toEqual([]);
  });

  test('at LATEST, every role that can make a recorded call has a simulator (no request is left out)', () => {
    // The compute and login node roles make no call in today's recording (scripts/recorded-calls/daemons.py):
    // a call they make in a later recording is simulated, not filtered out.
    const roles: RecordedRole[] = ['user', 'headNode', 'computeNode', 'loginNode'];
    const latest = worlds.filter((w) => w.revision === 'LATEST');
    expect(latest.length).toBe(ENVIRONMENTS.length * 3 + 3);
    for (const world of latest) {
      expect(roles.filter((role) => world.sims[role] === undefined)).toEqual([]);
    }
    expect(rec.requests.filter((r) => !roles.includes(r.role))).toEqual([]);
  });

  test('every revision, mode and scope was simulated', () => {
    const labels = new Set(outcomes.map((o) => o.world.label));
    expect(labels.size).toBe(ENVIRONMENTS.length * 3 + 3 + (ParallelClusterVersion.all().length - 1) * 3);
    for (const version of ParallelClusterVersion.all()) {
      const name = version === ParallelClusterVersion.LATEST ? 'LATEST' : revisionName(version);
      expect([...labels].some((l) => l.startsWith(`${name} `))).toBe(true);
    }
  });

  test('denied: exactly the KNOWN_DENIED list', () => {
    const denied = outcomes.filter((o) => o.decision !== 'Allowed' && !o.decision.startsWith('Error'));
    const { unlisted, stale } = checkAgainst(KNOWN_DENIED, denied);
    expect(unlisted).toEqual([]);
    expect(stale).toEqual([]);
  });

  test('scoped to a cluster, the requests aimed at another cluster are denied (except KNOWN_CROSS_CLUSTER_ALLOWED)', () => {
    expect(crossCluster.length).toBeGreaterThan(10);
    const allowed = crossCluster.filter((o) => o.decision === 'Allowed');
    const { unlisted, stale } = checkAgainst(KNOWN_CROSS_CLUSTER_ALLOWED, allowed);
    expect(unlisted).toEqual([]);
    expect(stale).toEqual([]);
  });

  test('docs/proof.md has the current report (RECORDED_CALLS_WRITE_REPORT=1 rewrites it)', () => {
    const report = renderReport({
      recording: rec,
      rows: resultRows(outcomes),
      denials: KNOWN_DENIED.map((e) => `\`${e.action}\` on \`${e.resource.source}\` where \`${e.where.source}\`: ${e.item}`),
      crossCluster: {
        denied: crossCluster.filter((o) => o.decision !== 'Allowed').length,
        allowed: KNOWN_CROSS_CLUSTER_ALLOWED.map((e) => `\`${e.action}\` on \`${e.resource.source}\`: ${e.item}`),
      },
      matrixMissing: MATRIX_MISSING.map((m) => `${m.role} ${m.action}`),
    });
    if (process.env.RECORDED_CALLS_WRITE_REPORT === '1') {
      writeReport(report);
    }
    expect(currentReport()).toEqual(report);
  });
});

/** Allowed and denied counts: per world at LATEST, per revision (restricted / privileged / permissionsBoundary) before. */
function resultRows(outcomes: Outcome[]): ResultRow[] {
  const count = (os: Outcome[], allowed: boolean) => os.filter((o) => (o.decision === 'Allowed') === allowed).length;
  const rows: ResultRow[] = [];
  const roles = [...new Set(outcomes.map((o) => o.request.role))];
  const labels = [...new Set(outcomes.map((o) => o.world.label))];
  for (const label of labels.filter((l) => l.startsWith('LATEST '))) {
    for (const role of roles) {
      const os = outcomes.filter((o) => o.world.label === label && o.request.role === role);
      rows.push({ where: label.replace(' clusterName', ', clusterName'), role, allowed: `${count(os, true)}`, denied: `${count(os, false)}` });
    }
  }
  for (const revision of ParallelClusterVersion.all().map(revisionName).slice(0, -1)) {
    for (const role of roles) {
      const per = MODE_NAMES.map((mode) => outcomes.filter((o) => o.world.revision === revision && o.world.mode === mode
        && o.request.role === role));
      if (per.every((os) => os.length === 0)) {
        continue;
      }
      rows.push({
        where: `${revision} aws (restricted / privileged / boundary)`,
        role,
        allowed: per.map((os) => count(os, true)).join(' / '),
        denied: per.map((os) => count(os, false)).join(' / '),
      });
    }
  }
  return rows;
}

test('cross-check: every recorded action is in the hand matrix for its role (except MATRIX_MISSING)', () => {
  // The matrix of the recorded configuration: it has FSx for Lustre, and exports logs to the user's bucket.
  const matrix = parallelClusterCalls({ env: AWS, clusterName: 'hpc-prod', fsxLustre: true, logExportBucket: 'hpc-log-exports' });
  const matrixRoles: Record<RecordedRole, CallerRole[]> = {
    user: USER_ROLES,
    headNode: ['headNode'],
    computeNode: ['computeNode'],
    loginNode: ['loginNode'],
  };
  const missing = new Set<string>();
  for (const r of rec.requests) {
    const inMatrix = matrix.some((c) => c.action === r.action && c.roles.some((role) => matrixRoles[r.role].includes(role)));
    if (!inMatrix) {
      missing.add(`${r.role} ${r.action}`);
    }
  }
  const listed = new Set(MATRIX_MISSING.map((m) => `${m.role} ${m.action}`));
  expect([...missing].filter((m) => !listed.has(m)).sort()).toEqual([]);
  expect([...listed].filter((m) => !missing.has(m)).sort()).toEqual([]);
});
