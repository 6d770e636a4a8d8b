import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { recordCatalogueVariant } from './catalogue-record';
import { CENSUS_VERSIONS, censusStack, censusStackId } from './census';
import { MODE_NAMES, WORLD_SHAPES, shapedWorld, shapedWorldId } from './cluster-world';
import {
  ENVIRONMENTS as QUOTA_ENVIRONMENTS,
  FLAG_SETTINGS,
  GROUPS,
  QUOTA_OPTION_SETS,
  QUOTA_REFUSALS,
  forEachRandomQuotaCase,
  quotaCaseId,
  quotaStack,
} from './quota-variants';
import { latestWorld, latestWorldId, revisionWorld, revisionWorldId } from './recorded-worlds';
import { SEED_REVISIONS, SEED_USERS, SeedUser, seedUser, seedUserId, seedWorld, seedWorldId } from './seed-roles';
import { PolicySimulator, templateOf } from './simulate';
import { ENVIRONMENTS, TestEnvironment, markVariant, stackIn, variantIdOf } from './stacks';
import { IamAccessMode, ImageBuilderRoles, ParallelClusterBoundary, ParallelClusterUserRole, ParallelClusterVersion } from '../../src';

/*
 * THE CATALOGUE of the stacks the simulation proofs synthesize: the attack matrix, the calls matrix, the
 * recorded calls, the seed simulation, the census (test/proof/*.test.ts) and the quota budgets' option space.
 * Their results are a function of the synthesized template alone (the simulators and the quota checks read
 * nothing else), so the newest-aws-cdk-lib run (scripts/test-newest-cdk.sh) does not run them a second time:
 * scripts/newest-cdk-templates.ts synthesizes every variant of this catalogue under the floor and under the
 * newest aws-cdk-lib and requires the same templates (and the same refusals). In CI the floor's templates are
 * mostly those the unit tests recorded as they synthesized them (test/support/catalogue-record.ts).
 *
 * The proofs and the catalogue build their stacks with the same builders of test/support/ (each marks its
 * stack with the id its arguments name), and the proofs call `simulateCatalogueVariantsOnly()` (the quota
 * budgets `checkCatalogued`): a stack they simulate that the catalogue does not enumerate fails them. A new
 * world is added to a builder's table (WORLD_SHAPES, SEED_USERS, QUOTA_OPTION_SETS, ...) and so to the
 * catalogue; a new builder is added below.
 */

/** One stack of the catalogue: its id (the builders' mark) and how to build it (building may throw a refusal). */
export interface CatalogueVariant {
  readonly id: string;
  readonly build: () => Stack;
}

// ---------------------------------------------------------------------------------------------------
// The attack matrix's own stacks.

/** A role under ParallelClusterBoundary and the same role without it, each with `*` on `*` (issue 18, finding 2). */
export function boundaryWorld(env: TestEnvironment): { stack: Stack; bounded: iam.Role; unbounded: iam.Role } {
  const stack = markVariant(stackIn(env), `attack/boundary/${env.partition}`);
  const boundary = new ParallelClusterBoundary(stack, 'Boundary');
  const everything = () => ({ Everything: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] }) });
  const bounded = new iam.Role(stack, 'UnderBoundary', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    path: '/parallelcluster/',
    permissionsBoundary: boundary,
    inlinePolicies: everything(),
  });
  const unbounded = new iam.Role(stack, 'Unbounded', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), inlinePolicies: everything() });
  return { stack, bounded, unbounded };
}

/** The image builder roles of one revision, in a stack of their own. */
export function imageRolesAt(env: TestEnvironment, version: ParallelClusterVersion): { stack: Stack; roles: ImageBuilderRoles } {
  const stack = markVariant(stackIn(env, `Image${version.version.replace('.', '')}`), `attack/image-roles/${version.version}/${env.partition}`);
  return { stack, roles: new ImageBuilderRoles(stack, 'Image', { parallelClusterVersion: version }) };
}

/** The restricted user role of one revision, in a stack of its own. */
export function restrictedUserAt(env: TestEnvironment, version: ParallelClusterVersion): { stack: Stack; user: ParallelClusterUserRole } {
  const stack = markVariant(stackIn(env, `User${version.version.replace('.', '')}`), `attack/user/${version.version}/${env.partition}`);
  return { stack, user: new ParallelClusterUserRole(stack, 'User', { parallelClusterVersion: version, iamAccessMode: IamAccessMode.restricted() }) };
}

// ---------------------------------------------------------------------------------------------------
// The catalogue.

/** Every variant, in every partition (the quota budgets: their four environments), every mode and revision the proofs use. */
export function catalogueVariants(): CatalogueVariant[] {
  const variants: CatalogueVariant[] = [];
  const add = (id: string, build: () => Stack) => variants.push({ id, build });
  const revisions = ParallelClusterVersion.all();
  for (const env of ENVIRONMENTS) {
    for (const mode of MODE_NAMES) {
      for (const shape of WORLD_SHAPES) {
        add(shapedWorldId(env, mode, shape), () => shapedWorld(env, mode, shape).stack);
      }
      for (const scoped of [false, true]) {
        add(latestWorldId(env, mode, scoped), () => latestWorld(env, mode, scoped).stack);
      }
      for (const version of revisions.filter((v) => v !== ParallelClusterVersion.LATEST)) {
        add(revisionWorldId(env, version, mode), () => revisionWorld(env, version, mode).stack);
      }
    }
    for (const version of CENSUS_VERSIONS) {
      for (const scoped of [false, true]) {
        add(censusStackId(version, env, scoped), () => censusStack(version, env, scoped).stack);
      }
    }
    add(`attack/boundary/${env.partition}`, () => boundaryWorld(env).stack);
    for (const version of revisions) {
      add(`attack/image-roles/${version.version}/${env.partition}`, () => imageRolesAt(env, version).stack);
      add(`attack/user/${version.version}/${env.partition}`, () => restrictedUserAt(env, version).stack);
    }
    for (const version of SEED_REVISIONS) {
      add(seedWorldId(env, version), () => seedWorld(env, version).stack);
    }
    for (const name of Object.keys(SEED_USERS) as SeedUser[]) {
      add(seedUserId(env, name), () => seedUser(env, name).stack);
    }
  }
  const quotaCases: Array<Parameters<typeof quotaStack>> = [];
  for (const environment of QUOTA_ENVIRONMENTS) {
    for (const flags of FLAG_SETTINGS) {
      for (const options of Object.values(QUOTA_OPTION_SETS)) {
        for (const group of Object.keys(GROUPS)) {
          quotaCases.push([group, environment, flags, options]);
        }
      }
    }
  }
  forEachRandomQuotaCase((options, environment, flags) => {
    for (const group of Object.keys(GROUPS)) {
      quotaCases.push([group, environment, flags, options]);
    }
  });
  for (const args of quotaCases) {
    const id = quotaCaseId(...args);
    // The random cases may repeat a configuration: one variant each.
    if (!variants.some((v) => v.id === id)) {
      add(id, () => quotaStack(...args));
    }
  }
  for (const name of Object.keys(QUOTA_REFUSALS)) {
    variants.push(quotaRefusalVariant(name));
  }
  return variants;
}

/** The variant of a configuration of QUOTA_REFUSALS (test/support/quota-variants.ts), which the library refuses. */
export function quotaRefusalVariant(name: string): CatalogueVariant {
  const build = QUOTA_REFUSALS[name];
  if (build === undefined) {
    throw new Error(`No quota refusal named ${name}`);
  }
  return { id: `quota-refusal/${name}`, build };
}

/**
 * What the newest-aws-cdk-lib run compares of a variant: its template (`templateOf`), or `{ refused: message }`
 * when building or synthesizing it throws (the library's refusals of the quota budgets' configurations that
 * cannot fit). Recorded when the unit tests record the catalogue (test/support/catalogue-record.ts): a test
 * that synthesizes a variant this way leaves nothing for the floor run to synthesize again.
 */
export function variantContent(variant: CatalogueVariant): object {
  let stack: Stack;
  try {
    stack = variant.build();
  } catch (e) {
    return refused(variant.id, e);
  }
  // templateOf records the stack under the id it is marked with: the refusals' builders do not mark theirs.
  if (variantIdOf(stack) === undefined) {
    markVariant(stack, variant.id);
  }
  try {
    return templateOf(stack);
  } catch (e) {
    return refused(variant.id, e);
  }
}

function refused(id: string, error: unknown): { refused: string } {
  const content = { refused: (error as Error).message };
  recordCatalogueVariant(id, content);
  return content;
}

let ids: Set<string> | undefined;

/** The ids of `catalogueVariants()` (nothing is built). */
export function catalogueIds(): Set<string> {
  return (ids ??= new Set(catalogueVariants().map((v) => v.id)));
}

/**
 * Throws unless `stackOrId` is a variant of the catalogue: a stack built by one of the catalogue's builders
 * with arguments the catalogue enumerates.
 */
export function checkCatalogued(stackOrId: Stack | string): void {
  const id = typeof stackOrId === 'string' ? stackOrId : variantIdOf(stackOrId);
  const what = typeof stackOrId === 'string' ? stackOrId : `${stackOrId.node.path} (${id ?? 'no variant id'})`;
  if (id === undefined || !catalogueIds().has(id)) {
    throw new Error(`The stack ${what} is not in the catalogue of test/support/catalogue.ts, so the newest-aws-cdk-lib run `
      + '(scripts/test-newest-cdk.sh) would not compare it. Build it with a builder of the catalogue (or add one), '
      + 'with arguments the catalogue enumerates.');
  }
}

/** Makes `PolicySimulator.forRole` refuse any stack that is not a catalogue variant (for the simulation proofs). */
export function simulateCatalogueVariantsOnly(): void {
  PolicySimulator.stackCheck = checkCatalogued;
}
