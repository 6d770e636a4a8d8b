import { Construct, iam, Stack } from './cdk';
import { CUSTOMIZE_ROLES_CONTEXT_KEY } from './library-role';
import {
  MANAGED_POLICY_SIZE_QUOTA, RememberedPolicyDocument, policyDocumentSizeOf, rememberedPolicyDocumentSize, resolvePolicyDocument, statementSize,
} from './policy-size';
import { typeOnlyInTree } from './tree-properties';

/**
 * Creates customer managed policies that hold `statements` (first fit, in order: few policies, deterministic),
 * each within IAM's 6,144-character quota after every token is resolved to its longest value in any partition.
 *
 * The first policy has construct id `id`, the following ones `${id}2`, `${id}3`, ... so that a policy
 * keeps its id (and CloudFormation does not replace it) while statements are added after it.
 * The library never relies on CDK's automatic `OverflowPolicy` splitting, which only applies to a
 * role's default policy and happens after the size is known to be too large.
 */
export function createSizedManagedPolicies(
  scope: Construct,
  id: string,
  description: string,
  statements: iam.PolicyStatement[],
): LibraryManagedPolicy[] {
  const stack = Stack.of(scope);
  // Each statement is resolved and sized once; a group's size follows from its statements' sizes. First fit:
  // a statement goes into the first policy it still fits in (in the order of the statements, so the result is
  // deterministic), and opens a new one only when it fits in none, so that no policy is left half empty when
  // a long statement does not fit at its end (a cluster-scoped user role's statements vary widely in size).
  const groups: iam.PolicyStatement[][] = [];
  const groupSizes: number[][] = [];
  for (const statement of statements) {
    const size = statementSize(stack, statement);
    if (policyDocumentSizeOf([size]) > MANAGED_POLICY_SIZE_QUOTA) {
      throw new Error(
        `Statement '${statement.sid}' of ${scope.node.path} is ${policyDocumentSizeOf([size])} characters long once its ARNs are resolved, ` +
        `more than the ${MANAGED_POLICY_SIZE_QUOTA} characters IAM allows in one managed policy. ` +
        'It grows with the number of resources passed in (additional policies, secrets, buckets, custom roles): pass fewer of them.',
      );
    }
    const index = groupSizes.findIndex((sizes) => policyDocumentSizeOf([...sizes, size]) <= MANAGED_POLICY_SIZE_QUOTA);
    if (index >= 0) {
      groups[index].push(statement);
      groupSizes[index].push(size);
    } else {
      groups.push([statement]);
      groupSizes.push([size]);
    }
  }
  // `iam.Role.customizeRoles` (precreated roles) changes what `iam.ManagedPolicy` synthesizes (the report
  // of policies to create, or no resource at all): the policies stay `iam.ManagedPolicy` then.
  const customizeRoles = scope.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT_KEY) !== undefined;
  return groups.map((group, index) => {
    const policyId = index === 0 ? id : `${id}${index + 1}`;
    const policyDescription = groups.length === 1 ? description : `${description} (part ${index + 1} of ${groups.length})`;
    const document = new iam.PolicyDocument({ statements: group });
    if (!customizeRoles) {
      return new SizedManagedPolicy(scope, policyId, policyDescription, document);
    }
    const policy = new iam.ManagedPolicy(scope, policyId, { description: policyDescription, document });
    const resource = policy.node.tryFindChild('Resource');
    if (resource instanceof iam.CfnManagedPolicy) {
      resource.policyDocument = new RememberedPolicyDocument(stack, policy.document).heldBy(resource);
    }
    policy.node.addValidation({ validate: () => quotaErrors(stack, policy) });
    return policy;
  });
}

/** A customer managed policy `createSizedManagedPolicies` created. */
export type LibraryManagedPolicy = SizedManagedPolicy | iam.ManagedPolicy;

/** Whether `policy` is a managed policy created in this app (by the library or by the user), whose statements can be read. */
export function isOwnManagedPolicy(policy: unknown): policy is LibraryManagedPolicy {
  return policy instanceof iam.ManagedPolicy || policy instanceof SizedManagedPolicy;
}

/**
 * The quota error of a library policy, if any. The document is resolved again, as the template will
 * hold it: statements may have been added, or tokens changed, after creation. The permissions report
 * reuses the result.
 */
function quotaErrors(stack: Stack, policy: { readonly document: iam.PolicyDocument } & Construct): string[] {
  resolvePolicyDocument(stack, policy.document);
  const size = rememberedPolicyDocumentSize(stack, policy.document);
  return size <= MANAGED_POLICY_SIZE_QUOTA ? [] : [
    `Managed policy ${policy.node.path} is ${size} characters long once its ARNs are resolved, more than the ` +
    `${MANAGED_POLICY_SIZE_QUOTA} characters IAM allows. Statements added to it after creation are not split: ` +
    'attach them in a policy of your own instead.',
  ];
}

/**
 * A customer managed policy the library sized: a `CfnManagedPolicy` (construct id `Resource`, as under
 * `iam.ManagedPolicy`, so the logical id is the same) behind `iam.IManagedPolicy`, which is all the public
 * API gives out. `iam.ManagedPolicy` adds what these policies never use, at a cost in every synthesis: an
 * ARN and a name wrapped in cross-environment references (its name split out of the ARN with
 * `Fn::Select`/`Fn::Split`), lazy `Roles`/`Users`/`Groups` lists resolved in each pass, and a deep check of
 * its props. The template is the same: the roles list these policies in `ManagedPolicyArns`, by `Ref`.
 *
 * The quota validation resolves the document as the template will hold it (statements may have been
 * added, or tokens changed, since it was sized); the template and the tree metadata reuse that
 * (`RememberedPolicyDocument`), and so does the permissions report. The identity-policy checks of
 * `iam.ManagedPolicy` (no principals, at least one resource) run there too.
 */
export class SizedManagedPolicy extends Construct implements iam.IManagedPolicy {
  /** The policy's ARN (`Ref` of its `CfnManagedPolicy`). */
  public readonly managedPolicyArn: string;

  /** The policy's statements. */
  public readonly document: iam.PolicyDocument;

  constructor(scope: Construct, id: string, description: string, document: iam.PolicyDocument) {
    super(scope, id);
    const stack = Stack.of(scope);
    this.document = document;
    const policyDocument = new RememberedPolicyDocument(stack, document);
    const resource = new iam.CfnManagedPolicy(this, 'Resource', {
      policyDocument,
      description,
      path: '/', // as iam.ManagedPolicy writes it
    });
    policyDocument.heldBy(resource);
    typeOnlyInTree(resource);
    this.managedPolicyArn = resource.ref;
    this.node.addValidation({
      validate: () => {
        // As iam.ManagedPolicy validates itself, then the quota.
        const errors = document.isEmpty ? ['Managed Policy is empty. You must add statements to the policy'] : [];
        errors.push(...document.validateForIdentityPolicy());
        return [...errors, ...quotaErrors(stack, this)];
      },
    });
  }

  /** Adds statements to the policy, as `iam.ManagedPolicy.addStatements` does (not split: see the validation). */
  public addStatements(...statements: iam.PolicyStatement[]): void {
    this.document.addStatements(...statements);
  }
}
