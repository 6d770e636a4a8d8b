import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HeadNodeRole, ImageBuilderRoles, LambdaFunctionsRole, ParallelClusterIam } from '../../src';
import { awsStack } from '../support/stacks';

/*
 * More than 10 managed policies on a role fails synthesis; the fix it suggests is in the props of the
 * construct the user created: ParallelClusterIam has no prop to turn an AWS managed policy off, the
 * standalone node roles do, and the Lambda roles take no additional policies at all.
 */
function extra(stack: ReturnType<typeof awsStack>, count: number): iam.IManagedPolicy[] {
  return Array.from({ length: count }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `extra-${i}`));
}

function synthError(stack: ReturnType<typeof awsStack>): string {
  try {
    Template.fromStack(stack);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synthesis did not fail');
}

describe('the fix suggested for more than 10 managed policies on a role', () => {
  test('a node role of ParallelClusterIam: its additionalIamPolicies, and no AWS managed policy switch it does not have', () => {
    const stack = awsStack();
    new ParallelClusterIam(stack, 'Cluster', { additionalIamPolicies: extra(stack, 8) });
    const message = synthError(stack);
    expect(message).toMatch(/Role TestStack\/Cluster\/HeadNodeRole\/Role has 1\d managed policies, more than the 10 IAM allows per role by default\. Pass fewer additionalIamPolicies to ParallelClusterIam \(merge them into one managed policy\): each node role gets all of them, or attach fewer managed policies to this role yourself\./);
    expect(message).not.toMatch(/enableSessionManager|optional AWS managed policy/);
  });

  test("a Lambda role of ParallelClusterIam: only the policies attached to it by hand, which are the user's", () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster');
    extra(stack, 10).forEach((p) => cluster.lambdaFunctionsRole.role.addManagedPolicy(p));
    expect(synthError(stack)).toMatch(/Role TestStack\/Cluster\/LambdaFunctionsRole\/Role has 1\d managed policies, more than the 10 IAM allows per role by default\. Attach fewer managed policies to this role yourself\.$/m);
  });

  test('a standalone HeadNodeRole: its additionalIamPolicies, or its own switches for the optional AWS managed policies', () => {
    const stack = awsStack();
    new HeadNodeRole(stack, 'Head', { additionalIamPolicies: extra(stack, 8) });
    expect(synthError(stack)).toMatch(/Role TestStack\/Head\/Role has 1\d managed policies, more than the 10 IAM allows per role by default\. Pass fewer additionalIamPolicies \(merge them into one managed policy\), or turn off an optional AWS managed policy \(enableSessionManager: false, enableCloudWatchAgent: false\), or attach fewer managed policies to this role yourself\./);
  });

  test('a standalone LambdaFunctionsRole, which takes no additional policies', () => {
    const stack = awsStack();
    const lambda = new LambdaFunctionsRole(stack, 'Lambda');
    extra(stack, 10).forEach((p) => lambda.role.addManagedPolicy(p));
    expect(synthError(stack)).toMatch(/Role TestStack\/Lambda\/Role has 1\d managed policies, more than the 10 IAM allows per role by default\. Attach fewer managed policies to this role yourself\.$/m);
  });

  test("a standalone ImageBuilderRoles' instance role: its additionalIamPolicies or enableSessionManager", () => {
    const stack = awsStack();
    new ImageBuilderRoles(stack, 'Image', { additionalIamPolicies: extra(stack, 9) });
    expect(synthError(stack)).toMatch(/Role TestStack\/Image\/InstanceRole has 1\d managed policies, .* Pass fewer additionalIamPolicies \(merge them into one managed policy\), or turn off an optional AWS managed policy \(enableSessionManager: false\), or attach fewer managed policies to this role yourself\./);
  });
});
