import * as fs from 'fs';
import * as path from 'path';
import { BLAST_RADIUS_REASONS } from './blast-radius-reasons';
import { simulateCatalogueVariantsOnly } from '../support/catalogue';
import { CensusVariant, KIND_OVERRIDES, censusOf, censusVariants, resourceTypesOf } from '../support/census';
import {
  ReasonedCensus,
  applyReasons,
  pasteReady,
  renderBlastRadius,
  renderProofSection,
  runCensus,
  withProofSection,
} from '../support/census-report';
import { PolicySimulator } from '../support/simulate';
import { AWS } from '../support/stacks';

/*
 * The blast-radius census of issue 18 (test/support/census.ts): every Allowed request on a resource
 * that is not ParallelCluster's (or is another cluster's) has a reason in blast-radius-reasons.ts, no
 * reason is stale, and docs/blast-radius.md and the census section of docs/proof.md are what
 * `npx projen census:update` writes.
 */

// Every stack simulated here is one the newest-aws-cdk-lib run compares (test/support/catalogue.ts).
simulateCatalogueVariantsOnly();

const ROOT = path.join(__dirname, '..', '..');
const UPDATE = 'Run `npx projen census:update` and commit docs/blast-radius.md and docs/proof.md.';

let census: ReasonedCensus;
beforeAll(() => {
  census = applyReasons(runCensus(), BLAST_RADIUS_REASONS);
});

test('every Allowed entry of the census has a reason', () => {
  const message = census.missing.length === 0 ? ''
    : `${census.missing.length} census entries have no reason. Add to test/proof/blast-radius-reasons.ts (or narrow the policy):\n${pasteReady(census.missing)}`;
  expect(message).toBe('');
});

test('no reason is stale (each matches an entry)', () => {
  expect(census.stale.map((r) => r.id)).toEqual([]);
});

test('docs/blast-radius.md is the generated one', () => {
  const committed = fs.readFileSync(path.join(ROOT, 'docs', 'blast-radius.md'), 'utf-8');
  // Not toEqual on the whole text: a 200 kB diff helps nobody. The first differing line does.
  const expected = renderBlastRadius(census);
  const a = committed.split('\n');
  const b = expected.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  const drift = committed === expected ? '' : `docs/blast-radius.md drifted at line ${(line < 0 ? a.length : line) + 1}:\n`
    + `committed: ${a[line] ?? '(end of file)'}\ngenerated: ${b[line] ?? '(end of file)'}\n${UPDATE}`;
  expect(drift).toBe('');
});

test('the census section of docs/proof.md is the generated one', () => {
  const proof = fs.readFileSync(path.join(ROOT, 'docs', 'proof.md'), 'utf-8');
  const expected = withProofSection(proof, renderProofSection(census));
  expect(proof === expected ? '' : `docs/proof.md: the census section drifted. ${UPDATE}`).toBe('');
});

test('issue 18 section 2 for the head node, Lambda and image roles: at most 3 actions unscoped, launches only create or use, never in a foreign subnet or from a foreign AMI or snapshot; Lambda and image roles 0', () => {
  const actions = (variant: string) => new Set(census.entries.filter((e) => e.variant === variant && e.version === 'LATEST').map((e) => e.action));
  expect(actions('headNode').size).toBeLessThanOrEqual(3);
  for (const variant of ['lambdaFunctions', 'lambdaFunctions+clusterName', 'imageInstance', 'imageCleanup', 'imageInstance+clusterName', 'imageCleanup+clusterName']) {
    expect([variant, actions(variant).size]).toEqual([variant, 0]);
  }
  const head = census.entries.filter((e) => e.role === 'headNode');
  // Nothing pending, and the scoped head node changes nothing that exists.
  expect(head.filter((e) => census.reasonOf.get(e)?.pending).map((e) => `${e.variant} ${e.action}`)).toEqual([]);
  expect(head.filter((e) => e.variant === 'headNode+clusterName' && e.kind === 'changes').map((e) => e.action)).toEqual([]);
  expect(head.filter((e) => /^ec2:(RunInstances|CreateFleet)$/.test(e.action) && /^ec2:(subnet|image|snapshot)$/.test(e.resourceType))
    .map((e) => `${e.version} ${e.variant} ${e.action} ${e.resourceType}`)).toEqual([]);
});

test('issue 18 section 2 for the user: at most 10 actions change an existing foreign resource, and only ec2:DeleteSnapshot does so directly', () => {
  for (const version of ['LATEST', 'V3_2']) {
    for (const mode of ['restricted', 'privileged', 'permissionsBoundary']) {
      for (const variant of [`user.${mode}`, `user.${mode}+clusterNames`]) {
        const changes = census.entries.filter((e) => e.version === version && e.variant === variant && e.target === 'foreign' && e.kind === 'changes');
        expect([version, variant, new Set(changes.map((e) => e.action)).size <= 10]).toEqual([version, variant, true]);
        // Route 53 zones (no tag condition keys) only through CloudFormation.
        expect([version, variant, [...new Set(changes.filter((e) => e.direct !== 'denied').map((e) => e.action))]])
          .toEqual([version, variant, ['ec2:DeleteSnapshot']]);
      }
    }
  }
});

test('the census covers the user in every mode at both releases, and a sample of its entries is Allowed on the validated simulator path', async () => {
  const variants = new Set(census.entries.map((e) => `${e.version} ${e.variant}`));
  for (const version of ['LATEST', 'V3_2']) {
    for (const v of ['user.restricted', 'user.privileged', 'user.permissionsBoundary']) {
      expect(variants).toContain(`${version} ${v}`);
      expect(variants).toContain(`${version} ${v}+clusterNames`);
    }
  }
  // The census evaluates with iam-simulate's engine directly (fast); PolicySimulator.decision goes
  // through its validated entry point. They must agree.
  const sims = new Map(censusVariants('LATEST').map((v) => [v.id, v.sim]));
  const latest = census.entries.filter((e) => e.version === 'LATEST');
  // About 200 entries of the user (spread over the list) and every entry of the other roles.
  const step = Math.max(1, Math.floor(latest.length / 200));
  const sample = latest.filter((e, i) => i % step === 0 || !e.variant.startsWith('user.'));
  const decisions = await Promise.all(sample.map((e) => sims.get(e.variant)!.decision(e.action, e.resource, e.context)));
  expect(sample.filter((_e, i) => decisions[i] !== 'Allowed')).toEqual([]);
  expect(sample.length).toBeGreaterThanOrEqual(Math.min(latest.length, 150));
});

describe('the census machinery', () => {
  const variant = (documents: any[]): CensusVariant => ({
    id: 'user.restricted',
    role: 'user.restricted',
    scoped: false,
    version: 'LATEST',
    sim: PolicySimulator.forDocuments(documents, AWS),
  });
  const doc = (...statements: any[]) => ({ Version: '2012-10-17', Statement: statements });

  test('finds a write on any resource, classifies it, and re-checks on the validated simulator path', async () => {
    const v = variant([doc({ Effect: 'Allow', Action: ['ec2:DeleteVolume', 'ec2:CreateVolume', 'ec2:DescribeVolumes'], Resource: '*' })]);
    const entries = censusOf(v);
    const summary = entries.map((e) => `${e.action} ${e.resourceType} ${e.kind} ${e.direct}`);
    expect(summary).toEqual([
      'ec2:CreateVolume ec2:snapshot uses allowed',
      'ec2:CreateVolume ec2:volume create allowed',
      'ec2:DeleteVolume ec2:volume changes allowed',
    ]);
    for (const e of entries) {
      expect(await v.sim.decision(e.action, e.resource, e.context)).toBe('Allowed');
    }
  });

  test('a type a request only names is "uses" (KIND_OVERRIDES), a type it changes is "changes"; every override is an action and type of the IAM data set', () => {
    const entries = censusOf(variant([doc({ Effect: 'Allow', Action: ['ec2:ModifyNetworkInterfaceAttribute', 'ec2:AssociateAddress', 'fsx:CreateFileSystemFromBackup'], Resource: '*' })]));
    const kinds = entries.map((e) => `${e.action} ${e.resourceType} ${e.kind}`);
    expect(kinds).toEqual(expect.arrayContaining([
      'ec2:ModifyNetworkInterfaceAttribute ec2:network-interface changes',
      'ec2:ModifyNetworkInterfaceAttribute ec2:instance changes',
      'ec2:ModifyNetworkInterfaceAttribute ec2:security-group uses',
      'ec2:ModifyNetworkInterfaceAttribute ec2:subnet uses',
      'ec2:AssociateAddress ec2:elastic-ip changes',
      'fsx:CreateFileSystemFromBackup fsx:file-system create',
      'fsx:CreateFileSystemFromBackup fsx:backup uses',
    ]));
    for (const o of KIND_OVERRIDES) {
      expect([o.action, resourceTypesOf(o.action).map((t) => t.key)]).toEqual([o.action, expect.arrayContaining([o.resourceType])]);
      expect(o.why.length).toBeGreaterThan(40);
    }
  });

  test('a tag condition keeps foreign resources out; a create that needs the request tags is listed "with-tags"', () => {
    const entries = censusOf(variant([doc(
      { Effect: 'Allow', Action: 'ec2:DeleteVolume', Resource: '*', Condition: { StringLike: { 'aws:ResourceTag/parallelcluster:cluster-name': '*' } } },
      { Effect: 'Allow', Action: 'ec2:CreateVolume', Resource: '*', Condition: { Null: { 'aws:RequestTag/parallelcluster:cluster-name': 'false' } } },
    )]));
    expect(entries.map((e) => `${e.action} ${e.resourceType} ${e.direct}`)).toEqual(['ec2:CreateVolume ec2:volume with-tags']);
  });

  test('a grant that requires aws:CalledVia CloudFormation is counted through CloudFormation only', () => {
    const entries = censusOf(variant([doc({
      Effect: 'Allow',
      Action: 'ec2:DeleteVolume',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEquals': { 'aws:CalledVia': ['cloudformation.amazonaws.com'] } },
    })]));
    expect(entries.map((e) => `${e.action} ${e.direct} ${e.viaCloudFormation}`)).toEqual(['ec2:DeleteVolume denied allowed']);
  });

  test('an action that only takes * is not granted by a statement on a specific ARN', () => {
    const entries = censusOf(variant([doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::parallelcluster-*' })]));
    expect(entries.filter((e) => e.resourceType === '*')).toEqual([]);
  });

  test('a reason list reports entries without a reason and reasons that match nothing', () => {
    const entries = censusOf(variant([doc({ Effect: 'Allow', Action: 'ec2:DeleteVolume', Resource: '*' })]));
    const reasoned = applyReasons(entries, [
      { id: 'volumes', variants: ['user.*'], actions: ['ec2:*Volume'], why: 'test' },
      { id: 'stale', variants: ['headNode'], actions: ['ec2:*'], why: 'test' },
    ]);
    expect(reasoned.missing).toEqual([]);
    expect(reasoned.stale.map((r) => r.id)).toEqual(['stale']);
    expect(applyReasons(entries, []).missing).toHaveLength(1);
    expect(pasteReady(entries)).toContain("actions: ['ec2:DeleteVolume']");
  });
});
