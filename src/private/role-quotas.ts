import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MANAGED_POLICIES_PER_ROLE_QUOTA } from './policy-size';

/**
 * Fails synthesis when `role` ends up with more managed policies than IAM's default quota of 10.
 *
 * It runs at validation time, so it also counts policies the user attaches after construction.
 */
export function validateManagedPolicyCount(role: iam.Role, hint: string): void {
  role.node.addValidation({
    validate: () => {
      const cfnRole = role.node.defaultChild as iam.CfnRole;
      const arns: unknown = Stack.of(role).resolve(cfnRole.managedPolicyArns) ?? [];
      const count = Array.isArray(arns) ? arns.length : 0;
      return count <= MANAGED_POLICIES_PER_ROLE_QUOTA ? [] : [
        `Role ${role.node.path} has ${count} managed policies, more than the ${MANAGED_POLICIES_PER_ROLE_QUOTA} ` +
        `IAM allows per role by default. ${hint}`,
      ];
    },
  });
}
