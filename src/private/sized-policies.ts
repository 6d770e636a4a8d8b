import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  MANAGED_POLICY_SIZE_QUOTA, RememberedPolicyDocument, policyDocumentSizeOf, policyJsonSize, resolvePolicyDocument, statementSize,
} from './policy-size';

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
): iam.ManagedPolicy[] {
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
  return groups.map((group, index) => {
    const policy = new iam.ManagedPolicy(scope, index === 0 ? id : `${id}${index + 1}`, {
      description: groups.length === 1 ? description : `${description} (part ${index + 1} of ${groups.length})`,
      document: new iam.PolicyDocument({ statements: group }),
    });
    (policy.node.defaultChild as iam.CfnManagedPolicy).policyDocument = new RememberedPolicyDocument(stack, policy.document);
    policy.node.addValidation({
      validate: () => {
        // Resolved again, as the template will hold it: statements may have been added, or tokens
        // changed, after creation. The permissions report reuses the result.
        const size = policyJsonSize(resolvePolicyDocument(stack, policy.document));
        return size <= MANAGED_POLICY_SIZE_QUOTA ? [] : [
          `Managed policy ${policy.node.path} is ${size} characters long once its ARNs are resolved, more than the ` +
          `${MANAGED_POLICY_SIZE_QUOTA} characters IAM allows. Statements added to it after creation are not split: ` +
          'attach them in a policy of your own instead.',
        ];
      },
    });
    return policy;
  });
}
