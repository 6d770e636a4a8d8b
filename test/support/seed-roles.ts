import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ModeName, MODE_NAMES } from './cluster-world';
import { TestEnvironment, markVariant, stackIn } from './stacks';
import {
  ComputeNodeRole,
  HeadNodeRole,
  IamAccessMode,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  ParallelClusterUserRole,
  ParallelClusterUserRoleProps,
  ParallelClusterVersion,
  Scheduler,
} from '../../src';
import { LAST_AWS_BATCH_REVISION } from '../../src/private/pcluster-rules';

/*
 * The roles the seed simulation (test/proof/seed-simulation.test.ts) sends the doc's requests to, built here
 * so that the catalogue of the newest-aws-cdk-lib run (test/support/catalogue.ts) builds the same stacks.
 */

/** What the roles are given: a secret, an FSx bucket, a custom role and a cluster boundary. */
export interface Fixtures {
  readonly secret: secretsmanager.Secret;
  readonly bucket: s3.Bucket;
  readonly customRole: iam.Role;
  readonly boundary: iam.ManagedPolicy;
}

function makeFixtures(stack: Stack): Fixtures {
  return {
    secret: new secretsmanager.Secret(stack, 'DirectoryPassword'),
    bucket: new s3.Bucket(stack, 'DataRepository'),
    customRole: new iam.Role(stack, 'CustomNodeRole', { path: '/custom/', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
    boundary: new iam.ManagedPolicy(stack, 'ClusterBoundary', {
      statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
    }),
  };
}

/** Makes, in `stack`, the role a block of the doc belongs to, with the given policy revision (`id` unique in the stack). */
type RoleMaker = (stack: Stack, id: string, f: Fixtures, version: ParallelClusterVersion) => iam.IRole;

const userRow = (props: (f: Fixtures) => ParallelClusterUserRoleProps): RoleMaker =>
  (stack, id, f, version) => new ParallelClusterUserRole(stack, id, { parallelClusterVersion: version, ...props(f) }).role;

/** The role of each block of the doc, configured with the add-on the block belongs to. */
export const SEED_ROLE_MAKERS: Record<string, RoleMaker> = {
  'user.base': userRow((f) => ({ secrets: [f.secret] })),
  'user.batch': userRow(() => ({ iamAccessMode: IamAccessMode.privileged(), enableAwsBatch: true })),
  'user.fsx': userRow((f) => ({ enableFsxLustre: true, fsxDataRepositoryBuckets: [f.bucket] })),
  'user.imageBuilder': userRow(() => ({ enableImageBuilder: true })),
  'user.iam.privileged': userRow(() => ({ iamAccessMode: IamAccessMode.privileged() })),
  'user.iam.restricted.passRoleExample': userRow((f) => ({ customRoles: [f.customRole] })),
  'user.iam.permissionsBoundary': userRow((f) => ({ iamAccessMode: IamAccessMode.permissionsBoundary(f.boundary) })),
  'headNode.slurm': (stack, id, f, version) =>
    new HeadNodeRole(stack, id, { parallelClusterVersion: version, scheduler: Scheduler.SLURM, secrets: [f.secret] }).role,
  'headNode.awsBatch': (stack, id, f, version) =>
    new HeadNodeRole(stack, id, { parallelClusterVersion: version, scheduler: Scheduler.AWS_BATCH, secrets: [f.secret] }).role,
  'computeNode': (stack, id, _f, version) => new ComputeNodeRole(stack, id, { parallelClusterVersion: version }).role,
  'lambdaFunctions': (stack, id, _f, version) => new LambdaFunctionsRole(stack, id, { parallelClusterVersion: version }).role,
  'imageBuilder.instanceRole': (stack, id, _f, version) => new ImageBuilderRoles(stack, id, { parallelClusterVersion: version }).instanceRole,
  'imageBuilder.cleanupLambda': (stack, id, _f, version) => new ImageBuilderRoles(stack, id, { parallelClusterVersion: version }).cleanupLambdaRole,
};

/** The fullest configuration of each mode: every add-on the mode accepts is on. */
export function fullUserProps(mode: ModeName): (f: Fixtures) => ParallelClusterUserRoleProps {
  return (f) => ({
    iamAccessMode: mode === 'restricted' ? IamAccessMode.restricted()
      : mode === 'privileged' ? IamAccessMode.privileged() : IamAccessMode.permissionsBoundary(f.boundary),
    enableAwsBatch: mode !== 'restricted',
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [f.bucket],
    enableImageBuilder: true,
    secrets: [f.secret],
    customRoles: [f.customRole],
  });
}

/** The revisions the seed simulation builds its world at: the doc's (V3_2) and the default (latest). */
export const SEED_REVISIONS = [ParallelClusterVersion.V3_2, ParallelClusterVersion.LATEST];

/** The catalogue id of a seed world. */
export function seedWorldId(env: TestEnvironment, version: ParallelClusterVersion): string {
  return `seed-world/${version.version}/${env.partition}`;
}

/**
 * Every role of the table (one per block, named by it, plus the fullest user role of each mode, `full:<mode>`)
 * in one stack per environment and revision.
 */
export function seedWorld(
  env: TestEnvironment, version: ParallelClusterVersion,
): { stack: Stack; fixtures: Fixtures; roles: Map<string, iam.IRole> } {
  const stack = markVariant(stackIn(env), seedWorldId(env, version));
  const f = makeFixtures(stack);
  const roles = new Map<string, iam.IRole>();
  // AWS Batch ends with ParallelCluster 3.15: what grants Batch is built at the last revision with it.
  const batchVersion = version.isAtLeast(LAST_AWS_BATCH_REVISION) ? LAST_AWS_BATCH_REVISION : version;
  const usesBatch = (name: string) => ['user.batch', 'headNode.awsBatch', 'full:privileged', 'full:permissionsBoundary'].includes(name);
  for (const [block, make] of Object.entries(SEED_ROLE_MAKERS)) {
    roles.set(block, make(stack, block.replace(/\W/g, '_'), f, usesBatch(block) ? batchVersion : version));
  }
  for (const mode of MODE_NAMES) {
    const name = `full:${mode}`;
    roles.set(name, userRow(fullUserProps(mode))(stack, `Full_${mode}`, f, usesBatch(name) ? batchVersion : version));
  }
  return { stack, fixtures: f, roles };
}

/** The user roles of the tests of the deliberate differences, each in a stack of its own, at the doc's revision (V3_2). */
export const SEED_USERS = {
  'slr': (f: Fixtures): ParallelClusterUserRoleProps => ({
    iamAccessMode: IamAccessMode.privileged(),
    enableAwsBatch: true,
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [f.bucket],
    enableImageBuilder: true,
  }),
  'delete-slr': (f: Fixtures): ParallelClusterUserRoleProps => ({
    iamAccessMode: IamAccessMode.privileged(), enableAwsBatch: true, enableFsxLustre: true, fsxDataRepositoryBuckets: [f.bucket],
  }),
  'fsx-bucket': (f: Fixtures): ParallelClusterUserRoleProps => ({ enableFsxLustre: true, fsxDataRepositoryBuckets: [f.bucket] }),
  'secret': (f: Fixtures): ParallelClusterUserRoleProps => ({ secrets: [f.secret] }),
  'none': (): ParallelClusterUserRoleProps => ({}),
};
export type SeedUser = keyof typeof SEED_USERS;

/** The catalogue id of a seed user. */
export function seedUserId(env: TestEnvironment, name: SeedUser): string {
  return `seed-user/${name}/${env.partition}`;
}

/** One user role of `SEED_USERS` in a stack of its own. */
export function seedUser(env: TestEnvironment, name: SeedUser): { stack: Stack; fixtures: Fixtures; role: iam.IRole } {
  const stack = markVariant(stackIn(env), seedUserId(env, name));
  const f = makeFixtures(stack);
  // The doc is revision V3_2; later revisions change blocks on purpose (src/policies/revisions.ts).
  const user = new ParallelClusterUserRole(stack, 'User', { parallelClusterVersion: ParallelClusterVersion.V3_2, ...SEED_USERS[name](f) });
  return { stack, fixtures: f, role: user.role };
}
