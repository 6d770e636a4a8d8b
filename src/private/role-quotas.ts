import { iam, IConstruct, Stack } from './cdk';
import { OwnRole } from './library-role';
import { MANAGED_POLICIES_PER_ROLE_QUOTA } from './policy-size';

/**
 * Fails synthesis when `role` ends up with more managed policies than IAM's default quota of 10.
 *
 * It runs at validation time, so it also counts policies the user attaches after construction. `hint`
 * (the fix, worded for the construct the user created) is computed then too: see `managedPolicyHint`.
 */
export function validateManagedPolicyCount(role: OwnRole, hint: string | (() => string)): void {
  role.node.addValidation({
    validate: () => {
      const cfnRole = role.node.defaultChild;
      if (!(cfnRole instanceof iam.CfnRole)) {
        return []; // a precreated role (iam.Role.customizeRoles): aws-cdk-lib reports its policies
      }
      // A role that holds at most the quota's number of managed policies is within it (its ARNs, one per
      // policy, are only made unique when resolved): resolving them only to count them was one more pass
      // through every role's tokens in each synthesis. Otherwise the resolved ARNs are counted.
      const held = managedPolicyCountOf(cfnRole);
      const count = held !== undefined && held <= MANAGED_POLICIES_PER_ROLE_QUOTA ? held : resolvedManagedPolicyArns(cfnRole).length;
      return count <= MANAGED_POLICIES_PER_ROLE_QUOTA ? [] : [
        `Role ${role.node.path} has ${count} managed policies, more than the ${MANAGED_POLICIES_PER_ROLE_QUOTA} ` +
        `IAM allows per role by default. ${typeof hint === 'string' ? hint : hint()}`,
      ];
    },
  });
}

// The constructs that create roles for the user from props of their own (ParallelClusterIam): the fix
// for a role under one of them is in that construct's props, not in the role construct's.
const ROLE_OWNERS = new WeakMap<IConstruct, (role: IConstruct) => string | undefined>();

/**
 * Marks `scope` as the construct whose props decide the roles under it; `fix` tells, for one of its
 * roles, what in those props reduces the role's managed policies (undefined when nothing does).
 */
export function markRoleOwner(scope: IConstruct, fix: (role: IConstruct) => string | undefined): void {
  ROLE_OWNERS.set(scope, fix);
}

/** What a role construct offers to reduce its managed policies. */
export interface ManagedPolicyKnobs {
  /** The construct has `additionalIamPolicies`. */
  readonly additionalIamPolicies: boolean;
  /** The props that turn off an optional AWS managed policy of the role, e.g. `enableSessionManager`. */
  readonly optionalAwsManagedPolicyProps: string[];
}

/**
 * The fix for too many managed policies on `role`, in terms of the props of the construct the user
 * created: the nearest ParallelClusterIam above the role, or else the role construct itself.
 */
export function managedPolicyHint(role: IConstruct, knobs: ManagedPolicyKnobs): () => string {
  return () => {
    const owner = [...role.node.scopes].reverse().find((scope) => ROLE_OWNERS.has(scope));
    if (owner !== undefined) {
      const fix = ROLE_OWNERS.get(owner)!(role);
      return fix ? `${fix}, or attach fewer managed policies to this role yourself.` : 'Attach fewer managed policies to this role yourself.';
    }
    const fixes: string[] = [];
    if (knobs.additionalIamPolicies) {
      fixes.push('Pass fewer additionalIamPolicies (merge them into one managed policy)');
    }
    if (knobs.optionalAwsManagedPolicyProps.length > 0) {
      fixes.push(`turn off an optional AWS managed policy (${knobs.optionalAwsManagedPolicyProps.map((p) => `${p}: false`).join(', ')})`);
    }
    fixes.push('attach fewer managed policies to this role yourself');
    const text = fixes.join(', or ');
    return `${text.charAt(0).toUpperCase()}${text.substring(1)}.`;
  };
}

// How many managed policies the role above `cfnRole` holds (`LibraryRole.managedPolicies`, or aws-cdk-lib's
// `Role.managedPolicies`, both private), or undefined when that cannot be told.
function managedPolicyCountOf(cfnRole: iam.CfnRole): number | undefined {
  const policies = (cfnRole.node.scope as any)?.managedPolicies;
  return Array.isArray(policies) ? policies.length : undefined;
}

/** `cfnRole.managedPolicyArns` resolved: the ARNs the template lists (none when it lists none). */
export function resolvedManagedPolicyArns(cfnRole: iam.CfnRole): unknown[] {
  const arns: unknown = Stack.of(cfnRole).resolve(cfnRole.managedPolicyArns);
  return Array.isArray(arns) ? arns : [];
}
