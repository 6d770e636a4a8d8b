import { CfnResource, iam, IResolvable, IResolveContext, Stack, Token, Tokenization } from './cdk';
import { evaluateIntrinsics } from './intrinsics';
import { TREE_PROPERTIES } from './tree-properties';

/** IAM's quota on the size of one customer managed policy, whitespace excluded. */
export const MANAGED_POLICY_SIZE_QUOTA = 6144;

/** IAM's default quota on the number of managed policies attached to one role. */
export const MANAGED_POLICIES_PER_ROLE_QUOTA = 10;

/** IAM's quota on the total size of all inline policies of one role, whitespace excluded. */
export const INLINE_POLICIES_PER_ROLE_QUOTA = 10240;

/**
 * The longest value each pseudo parameter takes in any partition, so that a policy sized with them fits
 * wherever it is deployed: `aws-us-gov` is the longest partition name, `us-isof-south-1` the longest
 * region name, `amazonaws.com.cn` the longest URL suffix; account ids always have 12 digits.
 */
export const LONGEST_PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'us-isof-south-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com.cn',
  'AWS::NoValue': '',
};

/**
 * The length assumed for a reference whose value is only known at deploy time, such as the ARN of a
 * secret, bucket or managed policy created in the same app. 256 characters covers an ARN with a
 * 128-character name and a path of over 80 characters in the longest partition and region.
 */
export const UNKNOWN_REFERENCE_LENGTH = 256;

/**
 * The size IAM counts for a policy document (JSON without whitespace), with every token resolved to
 * its longest possible value.
 */
export function policyDocumentSize(stack: Stack, document: iam.PolicyDocument): number {
  return policyJsonSize(stack.resolve(document.toJSON()));
}

/**
 * The size IAM counts for one statement, with every token resolved to its longest possible value. The
 * size of a document of statements is `policyDocumentSizeOf` of their sizes: a document is its
 * statements' JSON joined by commas in a fixed envelope, so each statement is sized once however often
 * policies are split.
 */
export function statementSize(stack: Stack, statement: iam.PolicyStatement): number {
  return unresolvedJsonSize(stack, statement.toStatementJson());
}

/**
 * `policyJsonSize(stack.resolve(json))`, without resolving `json` as a whole: only its tokens are
 * resolved, each once per stack. A cluster's statements hold the same few tokens (partition, region,
 * account, the cluster's names) hundreds of times; resolving every statement whole was most of the
 * CPU time and memory the library's construction took (issue 21). A string holding tokens is its
 * literal text with each token's value put in its place, as `Fn::Join` makes it; anything the
 * resolver treats specially (a list token, a token as a key that is not a string) is resolved whole,
 * as before. test/private/policy-size.test.ts checks that both give the same size for every statement of
 * the fullest configuration in every partition.
 */
export function unresolvedJsonSize(stack: Stack, json: unknown): number {
  return jsonSize(forSizing(stack, json));
}

// The size IAM counts for a plain JSON value: its JSON without whitespace.
function jsonSize(value: unknown): number {
  return JSON.stringify(value ?? {}).replace(/\s/g, '').length;
}

// `value` as `evaluateIntrinsics(stack.resolve(value), LONGEST_PSEUDO_PARAMETERS, ...)` renders it.
function forSizing(stack: Stack, value: unknown): unknown {
  if (typeof value === 'string') {
    if (value.includes(LIST_TOKEN_MARKER)) {
      return resolvedForSizing(stack, value);
    }
    if (!value.includes(STRING_TOKEN_MARKER)) {
      return value;
    }
    return Tokenization.reverseString(value)
      .mapTokens({ mapToken: (token) => tokenForSizing(stack, token) })
      .join({ join: (left: unknown, right: unknown) => `${left}${right}` });
  }
  if (typeof value === 'number') {
    return Token.isUnresolved(value) ? resolvedForSizing(stack, value) : value;
  }
  if (Array.isArray(value)) {
    return value.some((element) => typeof element === 'string' && element.includes(LIST_TOKEN_MARKER))
      ? resolvedForSizing(stack, value)
      : value.map((element) => forSizing(stack, element)).filter((element) => element !== undefined);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (Tokenization.isResolvable(value)) {
    return tokenForSizing(stack, value);
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    // An intrinsic written out as an object: evaluated as it is once resolved.
    return resolvedForSizing(stack, value);
  }
  const result: Record<string, unknown> = {};
  for (const [key, element] of Object.entries(value)) {
    // A key may hold tokens only if they resolve to a string: anything else is resolved whole (and
    // refused, as the template would be).
    const resolvedKey = key.includes(STRING_TOKEN_MARKER) || key.includes(LIST_TOKEN_MARKER) ? stack.resolve(key) : key;
    if (typeof resolvedKey !== 'string') {
      return resolvedForSizing(stack, value);
    }
    const sizedKey = resolvedKey === key ? key : String(atLongest(resolvedKey));
    const sized = forSizing(stack, element);
    if (sized !== undefined) {
      result[sizedKey] = sized;
    }
  }
  return result;
}

// One token's value, resolved and evaluated once per stack.
function tokenForSizing(stack: Stack, token: IResolvable): unknown {
  let tokens = TOKEN_VALUES.get(stack);
  if (tokens === undefined) {
    tokens = new Map();
    TOKEN_VALUES.set(stack, tokens);
  }
  if (!tokens.has(token)) {
    tokens.set(token, resolvedForSizing(stack, token));
  }
  return tokens.get(token);
}

function resolvedForSizing(stack: Stack, value: unknown): unknown {
  return atLongest(stack.resolve(value));
}

// A resolved value with every pseudo parameter and reference at its longest, as IAM may count it.
function atLongest(resolved: unknown): unknown {
  return evaluateIntrinsics(resolved, LONGEST_PSEUDO_PARAMETERS, () => 'x'.repeat(UNKNOWN_REFERENCE_LENGTH));
}

const TOKEN_VALUES = new WeakMap<Stack, Map<IResolvable, unknown>>();

// `{"Statement":[],"Version":"2012-10-17"}`, as `iam.PolicyDocument.toJSON()` renders it.
const DOCUMENT_ENVELOPE_SIZE = policyJsonSize({ Statement: [], Version: '2012-10-17' });

/** The size of a policy document holding statements of these sizes (from `statementSize`). */
export function policyDocumentSizeOf(statementSizes: number[]): number {
  if (statementSizes.length === 0) {
    return policyJsonSize(undefined);
  }
  return DOCUMENT_ENVELOPE_SIZE + statementSizes.reduce((sum, size) => sum + size, 0) + statementSizes.length - 1;
}

// Policy documents resolved by the quota validation of the current synthesis, with their statement
// count then and their size once computed, for the permissions report that follows it in the same synthesis.
const RESOLVED_DOCUMENTS = new WeakMap<iam.PolicyDocument, { readonly statementCount: number; readonly resolved: any; size?: number }>();

/**
 * `document` resolved as the template will hold it (merged and post-processed as aws-cdk-lib does when
 * the stack's feature flags say so), remembered for `rememberedPolicyDocument`.
 */
export function resolvePolicyDocument(stack: Stack, document: iam.PolicyDocument): any {
  const resolved = stack.resolve(document);
  RESOLVED_DOCUMENTS.set(document, { statementCount: document.statementCount, resolved });
  return resolved;
}

/**
 * `document` as `resolvePolicyDocument` last resolved it, if its statements have not changed since;
 * otherwise resolved now. Validation runs before the files are written in a synthesis, so the report
 * reuses what the validation resolved instead of resolving every policy again.
 */
export function rememberedPolicyDocument(stack: Stack, document: iam.PolicyDocument): any {
  const remembered = RESOLVED_DOCUMENTS.get(document);
  return remembered !== undefined && remembered.statementCount === document.statementCount
    ? remembered.resolved
    : resolvePolicyDocument(stack, document);
}

/**
 * `policyJsonSize(rememberedPolicyDocument(stack, document))`, computed once per resolution: the quota
 * validation and the permissions report size the same document in a synthesis (sizing walks every string
 * of every statement, a third of what the report cost; issue 21).
 */
export function rememberedPolicyDocumentSize(stack: Stack, document: iam.PolicyDocument): number {
  const resolved = rememberedPolicyDocument(stack, document);
  const remembered = RESOLVED_DOCUMENTS.get(document)!;
  remembered.size ??= policyJsonSize(resolved);
  return remembered.size;
}

/**
 * The `policyDocument` of a library policy's `CfnManagedPolicy`: `document`, resolved once per
 * synthesis instead of once per pass. aws-cdk-lib resolves a resource's properties in the reference
 * search, the template and the tree metadata, and the quota validation and the permissions report
 * resolve the policy too; rendering a policy document (freezing, merging and post-processing its
 * statements, and resolving the tokens in its ARNs) is most of that work. The quota validation's
 * result is what the template holds (`rememberedPolicyDocument`: resolved again if statements were
 * added since), so the template and the tree metadata take it from there.
 *
 * The reference search (`context.preparing`) gets the document's tokens (`tokensIn`), so that aws-cdk-lib
 * still sees every token in it (cross-stack references included); a resolution from another stack gets
 * `document` itself.
 */
export class RememberedPolicyDocument implements IResolvable {
  public readonly creationStack: string[] = [];
  private resource?: CfnResource;

  constructor(private readonly stack: Stack, public readonly document: iam.PolicyDocument) {}

  /** Tells the document which resource holds it, for `resolve` to see that resource's overrides. */
  public heldBy(resource: CfnResource): this {
    this.resource = resource;
    return this;
  }

  public resolve(context: IResolveContext): any {
    if (Stack.of(context.scope) !== this.stack) {
      return this.document;
    }
    if (context.preparing) {
      // The reference search only records the tokens it meets; what they resolve to is discarded. Handing
      // it the document's distinct tokens alone spares it a walk through every string of every statement
      // and a resolution of every ARN, and it still sees each token, nested ones included, since it
      // resolves them in turn.
      return tokensIn(this.document.toJSON());
    }
    if (this.writtenOutOnly(context.documentPath)) {
      // The template and the tree metadata only write the document out as JSON, and aws-cdk-lib resolves
      // each of them twice: they get one resolution as it is (`AsResolved`), instead of walking every
      // string of every statement again to copy it, which was a third of the template's CPU time and
      // much of a synthesis's garbage (issue 21).
      return new AsResolved(rememberedPolicyDocument(this.stack, this.document));
    }
    return rememberedPolicyDocument(this.stack, this.document);
  }

  // Where aws-cdk-lib resolves a resource's properties to write them out: the template
  // (`Resources/<logical id>/Properties/...`, Stack._toCloudFormation) and the tree metadata (the
  // `inspect` attribute of every generated `Cfn*` class, when the context asks for the library's properties:
  // tree-properties.ts), both unchanged from 2.88 to current releases.
  // A resource with overrides (`addOverride`, `addPropertyOverride`) has them merged into its properties
  // after they are resolved: its document is resolved as any other value.
  private writtenOutOnly(path: string[]): boolean {
    if (path[0] === TREE_PROPERTIES) {
      return true;
    }
    if (path[0] !== 'Resources' || path[2] !== 'Properties' || this.resource === undefined) {
      return false;
    }
    return Object.keys((this.resource as unknown as { rawOverrides?: object }).rawOverrides ?? {}).length === 0;
  }

  public toString(): string {
    return Token.asString(this);
  }
}

/**
 * A value that is already resolved, in a form aws-cdk-lib's resolver hands on as it is instead of copying
 * it key by key: the resolver passes `Date`s through untouched (core/lib/private/resolve.ts, 2.88 to
 * current releases), and `JSON.stringify` writes this one as the value it holds. Only for values that
 * are only ever written out as JSON (`RememberedPolicyDocument`): tests compare the template and
 * tree.json with what `iam.ManagedPolicy` and `iam.Role` write, at the floor and the newest aws-cdk-lib.
 */
export class AsResolved extends Date {
  constructor(private readonly value: unknown) {
    super(0);
  }

  public toJSON(): any {
    return this.value;
  }
}

/**
 * Every distinct token in `value` (unresolved JSON, as `iam.PolicyDocument.toJSON()` renders it), each
 * once, in a form that resolves it as it resolves in place: the tokens of a string (key or value) and
 * number tokens as the token objects they encode, a list token in a list of its own, a token object as
 * it is. The reference search records the tokens it resolves and discards the values: a cluster's
 * policies hold the same few tokens in hundreds of ARNs, and resolving each ARN again was most of that
 * search's CPU time (issue 21).
 */
export function tokensIn(value: unknown): unknown[] {
  const tokens = new Set<unknown>();
  collectTokens(value, tokens);
  return [...tokens];
}

function collectTokens(value: unknown, tokens: Set<unknown>): void {
  if (typeof value === 'string') {
    if (value.includes(LIST_TOKEN_MARKER)) {
      tokens.add([value]);
    } else if (value.includes(STRING_TOKEN_MARKER)) {
      Tokenization.reverseString(value).tokens.forEach((token) => tokens.add(token));
    }
  } else if (typeof value === 'number') {
    const token = Tokenization.reverseNumber(value);
    if (token !== undefined) {
      tokens.add(token);
    }
  } else if (Array.isArray(value)) {
    for (const element of value) {
      collectTokens(element, tokens);
    }
  } else if (typeof value === 'object' && value !== null) {
    if (Tokenization.isResolvable(value)) {
      tokens.add(value);
    } else {
      for (const [key, element] of Object.entries(value)) {
        collectTokens(key, tokens);
        collectTokens(element, tokens);
      }
    }
  }
}

// How aws-cdk-lib encodes a token in a string and in a list of strings.
const STRING_TOKEN_MARKER = '${Token[';
const LIST_TOKEN_MARKER = '#{Token[';

/** The size IAM counts for an already-resolved policy document. */
export function policyJsonSize(resolved: any): number {
  return jsonSize(atLongest(resolved ?? {}));
}
