import * as fs from 'fs';
import * as path from 'path';
import { actionResourceTypeContextKeys, actionsMatching, concreteResource, RequestContext } from './simulate';
import { TestEnvironment } from './stacks';

/*
 * The spec as data: every policy block of the ParallelCluster doc page, parsed into
 * test/fixtures/seed-policies.json (a copy of shared/reference/seed-policies.json, see
 * test/fixtures/README.md), and the requests that prove a role grants what a block grants.
 */

export interface SeedFile {
  readonly source: string;
  readonly order: string[];
  readonly fixes: Array<{ policy: string; fix: string }>;
  readonly awsManagedPolicies: Record<string, string[]>;
  readonly policies: Record<string, any>;
}

export const SEED: SeedFile = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'seed-policies.json'), 'utf-8'));

/** One statement of a seed block, with every element made a list. */
export interface SeedStatement {
  /** Position in its block, from 0. */
  readonly index: number;
  /** The doc's Sid, or `#<index>` when the doc has none. */
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  /** operator -> key -> values */
  readonly conditions: Record<string, Record<string, string[]>>;
}

const asList = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The statements of a seed block (`user.base`, `headNode.slurm`, ...). */
export function seedStatements(block: string): SeedStatement[] {
  const policy = SEED.policies[block];
  if (!policy) {
    throw new Error(`No block '${block}' in the seed (blocks: ${Object.keys(SEED.policies).join(', ')})`);
  }
  const raw = policy.Statement ?? policy;
  return (Array.isArray(raw) ? raw : [raw]).map((s: any, index: number) => {
    if (s.Effect !== 'Allow' || s.NotAction || s.NotResource) {
      throw new Error(`Statement ${index} of ${block} is not a plain Allow: the request generator does not know it`);
    }
    const conditions: Record<string, Record<string, string[]>> = {};
    for (const [operator, keys] of Object.entries<Record<string, unknown>>(s.Condition ?? {})) {
      conditions[operator] = Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, asList(v)]));
    }
    return { index, sid: s.Sid ?? `#${index}`, actions: asList(s.Action), resources: asList(s.Resource), conditions };
  });
}

/**
 * A seed text with the doc's placeholders replaced: `arn:aws:` becomes `arn:<partition>:`,
 * `<AWS ACCOUNT ID>` and `<REGION>` the environment's, and every other `<PLACEHOLDER>` the value given in
 * `values` (throws if one is missing).
 */
export function substitutePlaceholders(text: string, env: TestEnvironment, values: Record<string, string> = {}): string {
  const all: Record<string, string> = { '<AWS ACCOUNT ID>': env.account, '<REGION>': env.region, ...values };
  const replaced = text.replace(/^arn:aws:/, `arn:${env.partition}:`).replace(/<[A-Z0-9_ ]+>/g, (placeholder) => {
    if (!(placeholder in all)) {
      throw new Error(`No value for the seed placeholder ${placeholder} in '${text}'`);
    }
    return all[placeholder];
  });
  return replaced;
}

/** One request a seed statement grants: it must be allowed by the role built for the block. */
export interface SeedRequest {
  readonly block: string;
  readonly statement: SeedStatement;
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
  /**
   * Condition keys of the statement that IAM never sets for this action (so the doc's condition can
   * never hold): the request is sent without them.
   */
  readonly unsatisfiableKeys: string[];
}

/** A short, stable description of a request, for failure messages and exception lists. */
export function describeRequest(r: SeedRequest): string {
  const context = Object.keys(r.context).length > 0 ? ` ${JSON.stringify(r.context)}` : '';
  return `${r.block} ${r.statement.sid}: ${r.action} on ${r.resource}${context}`;
}

export interface SeedRequestPlan {
  readonly requests: SeedRequest[];
  /** `<sid> <action pattern>` pairs for which no request inside the statement's resources exists. */
  readonly uncovered: string[];
  /** `<sid> <resource pattern>` pairs that no action of the statement acts on (the pattern grants nothing). */
  readonly unusedPatterns: string[];
}

/** A value inside an IAM string or ARN pattern (`*` -> `example`, `?` -> `x`). */
function concreteValue(pattern: string): string {
  return pattern.replace(/\*/g, 'example').replace(/\?/g, 'x');
}

function product(keys: Array<[string, string[]]>): RequestContext[] {
  return keys.reduce<RequestContext[]>(
    (acc, [key, values]) => acc.flatMap((ctx) => values.map((v) => ({ ...ctx, [key]: v }))),
    [{}],
  );
}

/**
 * Every request a seed block grants, made concrete in `env`:
 * - each action; an action with wildcards is expanded to the real actions that act on a resource of the
 *   statement, of which at most `maxPerWildcard` are kept, spread over the sorted list;
 * - on a concrete resource inside each of the statement's resource patterns that the action acts on;
 * - with the statement's conditions satisfied: one request per combination of condition values (each
 *   value of a list is tried), wildcards in values made concrete.
 *
 * `values` gives the placeholders other than account and region (`<SECRET NAME>`, `<S3 NAME>`,
 * `<CUSTOM ROLE ARN>`, `<PERMISSIONS BOUNDARY ARN>`, ...).
 */
export function seedRequests(
  block: string,
  env: TestEnvironment,
  values: Record<string, string> = {},
  maxPerWildcard: number = 20,
): SeedRequestPlan {
  const requests: SeedRequest[] = [];
  const uncovered: string[] = [];
  const unusedPatterns: string[] = [];
  for (const statement of seedStatements(block)) {
    const patterns = statement.resources.map((r) => substitutePlaceholders(r, env, values));
    const conditionValues: Array<[string, string, string[]]> = [];
    for (const [operator, keys] of Object.entries(statement.conditions)) {
      for (const [key, list] of Object.entries(keys)) {
        conditionValues.push([operator, key, list.map((v) => concreteValue(substitutePlaceholders(v, env, values)))]);
      }
    }
    const addRequests = (action: string, resources: string[]): void => {
      for (const resource of resources) {
        const applicable = actionResourceTypeContextKeys(action, resource);
        const unsatisfiableKeys: string[] = [];
        const keys: Array<[string, string[]]> = [];
        for (const [operator, key, list] of conditionValues) {
          if (applicable(key)) {
            keys.push([key, list]);
          } else if (!operator.endsWith('IfExists')) {
            unsatisfiableKeys.push(key);
          }
        }
        for (const context of product(keys)) {
          requests.push({ block, statement, action, resource, context, unsatisfiableKeys });
        }
      }
    };
    const usedPatterns = new Set<number>();
    const resourcesOf = (action: string): string[] => {
      const resources: string[] = [];
      patterns.forEach((p, i) => {
        const resource = concreteResource(action, p, env);
        if (resource !== undefined) {
          usedPatterns.add(i);
          resources.push(resource);
        }
      });
      return [...new Set(resources)];
    };
    for (const actionPattern of statement.actions) {
      const limit = actionPattern.includes('*') ? maxPerWildcard : Infinity;
      const chosen: Array<{ action: string; resources: string[] }> = [];
      // Actions are tried in spread order (evenly spaced over the sorted list first), and the first
      // `limit` that act on a resource of the statement are kept: deterministic, and only as many
      // resources are worked out as needed.
      for (const action of spreadOrder(actionsMatching(actionPattern), maxPerWildcard)) {
        if (chosen.length >= limit) break;
        const resources = resourcesOf(action);
        if (resources.length > 0) {
          chosen.push({ action, resources });
        }
      }
      if (chosen.length === 0) {
        uncovered.push(`${statement.sid} ${actionPattern}`);
        continue;
      }
      chosen.sort((x, y) => x.action.localeCompare(y.action));
      chosen.forEach(({ action, resources }) => addRequests(action, resources));
    }
    // Every resource pattern gets a request: when the sampled actions missed one, the first action of
    // the statement that acts on it is added; a pattern no action of the statement acts on is listed.
    patterns.forEach((pattern, i) => {
      if (usedPatterns.has(i)) return;
      const action = statement.actions.flatMap(actionsMatching).find((a) => concreteResource(a, pattern, env) !== undefined);
      if (action === undefined) {
        unusedPatterns.push(`${statement.sid} ${statement.resources[i]}`);
      } else {
        addRequests(action, [concreteResource(action, pattern, env)!]);
      }
    });
  }
  return { requests, uncovered, unusedPatterns };
}

/** `items` reordered: `count` items evenly spaced over the list (first and last included), then the rest in order. */
function spreadOrder<T>(items: T[], count: number): T[] {
  if (items.length <= count) {
    return items;
  }
  const first = new Set<number>();
  for (let i = 0; i < count; i++) {
    first.add(Math.round((i * (items.length - 1)) / (count - 1)));
  }
  return [...[...first].map((i) => items[i]), ...items.filter((_, i) => !first.has(i))];
}
