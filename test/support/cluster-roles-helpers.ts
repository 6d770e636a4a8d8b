import * as fs from 'fs';
import * as path from 'path';
import { PolicySimulator, RequestContext, concreteResource, sampleActions } from './simulate';
import { OTHER_ACCOUNT, TestEnvironment } from './stacks';

/*
 * Shared by the cluster role tests (head, compute, Lambda, image builder, S3 access): the doc's blocks
 * from test/fixtures/seed-policies.json with the stack's partition, region and account put in, and a
 * driver that turns every statement into requests IAM must allow and near misses it must deny.
 */

const SEED = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'seed-policies.json'), 'utf-8'));

/** A policy statement with `Action` and `Resource` always arrays, as the comparisons need. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function normalize(statement: any): Statement {
  const asArray = (v: unknown): string[] => (Array.isArray(v) ? v : [v as string]);
  const result: Statement = { Effect: statement.Effect, Action: asArray(statement.Action), Resource: asArray(statement.Resource) };
  if (statement.Sid !== undefined) result.Sid = statement.Sid;
  if (statement.Condition !== undefined) result.Condition = statement.Condition;
  return result;
}

/** The doc block's statements as they must read in `env`; `iamPath` replaces `/parallelcluster/`. */
export function docStatements(block: string, env: TestEnvironment, iamPath: string = '/parallelcluster/'): Statement[] {
  const statements = SEED.policies[block]?.Statement;
  if (!Array.isArray(statements)) {
    throw new Error(`No block ${block} in the seed fixture`);
  }
  const text = JSON.stringify(statements)
    .replace(/arn:aws:/g, `arn:${env.partition}:`)
    .replace(/<REGION>/g, env.region)
    .replace(/<AWS ACCOUNT ID>/g, env.account)
    .replace(/:(role|instance-profile)\/parallelcluster\//g, `:$1${iamPath}`);
  return JSON.parse(text).map(normalize);
}

/** The doc's AWS managed policies of a block, as ARNs in `env`. */
export function docAwsManagedPolicyArns(block: string, env: TestEnvironment): string[] {
  return (SEED.awsManagedPolicies[block] as string[]).map((name) => `arn:${env.partition}:iam::aws:policy/${name}`);
}

/** Every statement of the role's own (customer managed and inline) policies, in order. */
export function roleStatements(sim: PolicySimulator): Statement[] {
  return sim.documents.flatMap((document) => document.Statement.map(normalize));
}

export function withoutSid(statement: Statement): Statement {
  const { Sid: _sid, ...rest } = statement;
  return rest;
}

/** The EC2 service names `iam:PassedToService` must accept in `env`. */
export function ec2ServiceNames(env: TestEnvironment): string[] {
  return env.partition === 'aws-cn' ? ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] : ['ec2.amazonaws.com'];
}

/** Another region of the same partition, for requests outside a region-scoped pattern. */
export function otherRegion(env: TestEnvironment): string {
  switch (env.partition) {
    case 'aws-cn': return 'cn-northwest-1';
    case 'aws-us-gov': return 'us-gov-east-1';
    default: return 'us-west-2';
  }
}

function otherPartition(env: TestEnvironment): string {
  return env.partition === 'aws' ? 'aws-cn' : 'aws';
}

export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  /** Why the request is expected to be denied (for near misses). */
  readonly why?: string;
}

/**
 * The contexts that satisfy a statement's conditions: one per allowed value of its (single) condition
 * key, so that every value of `iam:PassedToService` is exercised.
 */
function satisfyingContexts(condition: Statement['Condition']): RequestContext[] {
  if (!condition) {
    return [{}];
  }
  const entries = Object.entries(condition).flatMap(([operator, keys]) => {
    if (operator !== 'StringEquals') {
      throw new Error(`The driver only knows StringEquals conditions, got ${operator}`);
    }
    return Object.entries(keys);
  });
  if (entries.length !== 1) {
    throw new Error(`The driver only knows conditions on one key, got ${entries.map(([k]) => k).join(', ')}`);
  }
  const [key, value] = entries[0];
  return (Array.isArray(value) ? value : [value]).map((v) => ({ [key]: v }));
}

export interface DriverOptions {
  /**
   * Resource patterns the doc writes although none of the statement's actions acts on them, such as
   * instance profiles in a PassRole statement (PassRole acts on roles only): they may give no request.
   */
  readonly ineffectiveResources?: RegExp;
  /** How many actions to try per wildcard action pattern. */
  readonly samplesPerPattern?: number;
  /** The IAM path the path-scoped patterns are on. */
  readonly iamPath?: string;
}

/**
 * Requests each statement must allow in `env`: every action pattern (wildcards sampled) on a concrete
 * resource inside every resource pattern it applies to, with each condition value. Throws when an
 * action pattern or a resource pattern of a statement gives no request at all (unless declared
 * ineffective), since a test could not then fail for it.
 */
export function requestsAllowedBy(statements: Statement[], env: TestEnvironment, options: DriverOptions = {}): Request[] {
  const samplesPerPattern = options.samplesPerPattern ?? 4;
  const result: Request[] = [];
  for (const statement of statements) {
    const contexts = satisfyingContexts(statement.Condition);
    const usedActions = new Set<string>();
    const usedResources = new Set<string>();
    for (const pattern of statement.Action) {
      for (const action of sampleActions(pattern, samplesPerPattern)) {
        for (const resourcePattern of statement.Resource) {
          const resource = concreteResource(action, resourcePattern, env);
          if (resource === undefined) continue;
          usedActions.add(pattern);
          usedResources.add(resourcePattern);
          contexts.forEach((context) => result.push({ action, resource, context }));
        }
      }
    }
    const unusedActions = statement.Action.filter((a) => !usedActions.has(a));
    const unusedResources = statement.Resource.filter((r) => !usedResources.has(r) && !options.ineffectiveResources?.test(r));
    if (unusedActions.length > 0 || unusedResources.length > 0) {
      throw new Error(`Statement ${statement.Sid ?? JSON.stringify(statement)} gives no request for ${[...unusedActions, ...unusedResources].join(', ')}`);
    }
  }
  return result;
}

/**
 * Near misses of the requests `statements` allow, each of which must be denied: a condition value
 * that does not match (or no value at all), and the same resource in another region, account,
 * partition or IAM path where the pattern names one.
 */
export function nearMisses(statements: Statement[], env: TestEnvironment, options: DriverOptions = {}): Request[] {
  const iamPath = options.iamPath ?? '/parallelcluster/';
  const misses: Request[] = [];
  for (const statement of statements) {
    for (const request of requestsAllowedBy([statement], env, { ...options, samplesPerPattern: options.samplesPerPattern ?? 2 })) {
      const { action, resource, context } = request;
      for (const key of Object.keys(context)) {
        misses.push({ action, resource, context: { [key]: `x-${context[key]}` }, why: `${key} does not match` });
        misses.push({ action, resource, context: {}, why: `${key} is missing` });
      }
      const patterns = statement.Resource.join(' ');
      if (patterns.includes(env.region) && resource.includes(env.region)) {
        misses.push({ action, resource: resource.split(env.region).join(otherRegion(env)), context, why: 'another region' });
      }
      if (patterns.includes(`:${env.account}:`) && resource.includes(`:${env.account}:`)) {
        misses.push({ action, resource: resource.replace(`:${env.account}:`, `:${OTHER_ACCOUNT}:`), context, why: 'another account' });
      }
      if (!statement.Resource.includes('*') && resource.startsWith(`arn:${env.partition}:`)) {
        misses.push({ action, resource: resource.replace(`arn:${env.partition}:`, `arn:${otherPartition(env)}:`), context, why: 'another partition' });
      }
      if (patterns.includes(`${iamPath}*`) && resource.includes(iamPath)) {
        misses.push({ action, resource: resource.replace(iamPath, '/elsewhere/'), context, why: 'outside the IAM path' });
      }
    }
  }
  return misses;
}

/** The decisions for `requests`, paired with them so that a failure shows which request it was. */
export async function decisions(sim: PolicySimulator, items: Request[]): Promise<Array<{ request: Request; decision: string }>> {
  return Promise.all(items.map(async (request) => ({
    request,
    decision: await sim.decision(request.action, request.resource, request.context),
  })));
}

/** Asserts that every request is allowed. */
export async function expectAllowed(sim: PolicySimulator, items: Request[]): Promise<void> {
  expect(items.length).toBeGreaterThan(0);
  const denied = (await decisions(sim, items)).filter((d) => d.decision !== 'Allowed');
  expect(denied).toEqual([]);
}

/** Asserts that every request is denied. */
export async function expectDenied(sim: PolicySimulator, items: Request[]): Promise<void> {
  expect(items.length).toBeGreaterThan(0);
  const allowed = (await decisions(sim, items)).filter((d) => d.decision === 'Allowed');
  expect(allowed).toEqual([]);
}

/** Requests from `[action, resource, context?]` triples. */
export function requests(...items: Array<[string, string, RequestContext?]>): Request[] {
  return items.map(([action, resource, context]) => ({ action, resource, context: context ?? {} }));
}

/**
 * The doc block's statements as the library writes them after issue 12's narrowings (each marked `DIFF:`
 * in src/policies): cluster buckets only in the stack's account (`aws:ResourceAccount`), and the image
 * build instance modifies only AMIs EC2 Image Builder made for a ParallelCluster image.
 */
export function withIssue12Narrowings(block: string, statements: Statement[], env: TestEnvironment): Statement[] {
  const inAccount = { StringEquals: { 'aws:ResourceAccount': env.account } };
  return statements.flatMap((s): Statement[] => {
    const clusterBucket = s.Resource.some((r) => r.includes(':s3:::parallelcluster-*-v1-do-not-delete'));
    if ((block === 'headNode.awsBatch' && clusterBucket && s.Action.includes('s3:PutObject'))
      || (block === 'lambdaFunctions' && clusterBucket)) {
      return [{ ...s, Condition: inAccount }];
    }
    if (block === 'imageBuilder.instanceRole' && s.Action.includes('ec2:ModifyImageAttribute')) {
      return [
        { ...s, Action: s.Action.filter((a) => a !== 'ec2:ModifyImageAttribute') },
        {
          ...s,
          Action: ['ec2:ModifyImageAttribute'],
          Condition: {
            StringLike: {
              'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${env.partition}:imagebuilder:${env.region}:${env.account}:image/parallelclusterimage-*`,
            },
          },
        },
      ];
    }
    return [s];
  });
}

/**
 * The doc's node and image blocks with issue 18's narrowings (docs/doc-differences.md): the head node
 * never launches with a named snapshot, tags cluster resources or at
 * creation only, and changes ParallelCluster's DNS records only (as does the Lambda functions role); the
 * image roles tag and modify ParallelCluster's AMIs only. Statements with conditions other than one
 * StringEquals key cannot be driven by `requestsAllowedBy`: see `drivable`.
 */
export function withIssue18Narrowings(block: string, statements: Statement[], env: TestEnvironment): Statement[] {
  const p = env.partition;
  const r = env.region;
  const records = {
    'ForAllValues:StringLike': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['*.pcluster'] },
    'Null': { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': 'false' },
  };
  const builtAmi = { StringLike: { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${env.account}:image/parallelclusterimage-*` } };
  return statements.flatMap((s): Statement[] => {
    if (block.startsWith('headNode.') && s.Action.includes('ec2:RunInstances')) {
      return [{ ...s, Condition: { Null: { 'ec2:SnapshotID': 'true' } } }];
    }
    if (block.startsWith('headNode.') && s.Action.includes('ec2:CreateTags')) {
      return [
        { ...s, Action: ['ec2:AttachVolume'] },
        { ...s, Action: ['ec2:CreateTags'], Condition: { StringLike: { 'ec2:ResourceTag/parallelcluster:cluster-name': '*' } } },
        { ...s, Action: ['ec2:CreateTags'], Condition: { Null: { 'ec2:CreateAction': 'false' } } },
      ];
    }
    if (block === 'headNode.slurm' && s.Action.includes('route53:ChangeResourceRecordSets')) {
      return [{ ...s, Condition: records }];
    }
    if (block === 'lambdaFunctions' && s.Action.includes('route53:ChangeResourceRecordSets')) {
      return [
        { ...s, Action: ['route53:ListResourceRecordSets'] },
        { ...s, Action: ['route53:ChangeResourceRecordSets'], Condition: records },
      ];
    }
    if (block.startsWith('imageBuilder.') && s.Action.includes('ec2:CreateTags')) {
      return [{ ...s, Condition: builtAmi }];
    }
    if (block === 'imageBuilder.cleanupLambda' && s.Action.includes('cloudformation:DeleteStack')) {
      return [{ ...s, Condition: { StringLike: { 'aws:ResourceTag/parallelcluster:image_id': '*' } } }];
    }
    return [s];
  });
}

/** The statements `requestsAllowedBy` can drive: no condition, or one StringEquals key. */
export function drivable(statements: Statement[]): Statement[] {
  return statements.filter((s) => s.Condition === undefined
    || (Object.keys(s.Condition).length === 1 && s.Condition.StringEquals !== undefined && Object.keys(s.Condition.StringEquals).length === 1));
}
