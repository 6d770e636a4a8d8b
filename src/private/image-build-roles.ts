import { Construct } from './cdk';
import { ClusterRoleResources, InstanceRoleResources, createInstanceRole, createLambdaRole } from './node-role';
import { DEFAULT_IAM_PATH } from './pcluster-rules';
import {
  imageBuilderCleanupLambdaAwsManagedPolicies,
  imageBuilderInstanceAwsManagedPolicies,
} from '../policies/aws-managed-policies';
import { imageBuilderCleanupLambdaStatements, imageBuilderInstanceStatements } from '../policies/image-builder-policies';
import { policyBlock, policyContextFor } from '../policies/policy-block';
import type { ImageBuilderRolesProps } from '../roles/image-builder-roles';

/*
 * The two roles of `pcluster build-image`, each on its own: `ImageBuilderRoles` creates both, and
 * `ParallelClusterIam` only the one a build-image file does not name (issue 19 section 4: a role created
 * but not used would still be on the path the user may pass roles from).
 */

/** The build instance's role and instance profile (`Build/Iam/InstanceRole`), in `scope`. */
export function createImageBuildInstanceRole(scope: Construct, iamPath: string, props: ImageBuilderRolesProps): InstanceRoleResources {
  const ctx = policyContextFor(scope, iamPath, props);
  return createInstanceRole(scope, {
    roleId: 'InstanceRole',
    policyId: 'InstanceRolePolicy',
    description: 'AWS ParallelCluster image build instance',
    iamPath,
    roleName: props.instanceRoleName,
    permissionsBoundary: props.permissionsBoundary,
    awsManagedPolicyNames: imageBuilderInstanceAwsManagedPolicies(props.enableSessionManager ?? true),
    additionalIamPolicies: props.additionalIamPolicies,
    statements: policyBlock(ctx, 'imageBuilder.instanceRole', imageBuilderInstanceStatements(ctx)),
    managedPolicyKnobs: { additionalIamPolicies: true, optionalAwsManagedPolicyProps: ['enableSessionManager'] },
  }, 'InstanceProfile');
}

/** The cleanup Lambda function's role (`Build/Iam/CleanupLambdaRole`), in `scope`. */
export function createImageCleanupLambdaRole(scope: Construct, iamPath: string, props: ImageBuilderRolesProps): ClusterRoleResources {
  // The doc's `/parallelcluster/` patterns, not `iamPath`: the image build stack creates its instance
  // profile (and, without a custom instance role, the role) on ParallelCluster's fixed path, with no
  // `ResourcePrefix` (aws/aws-parallelcluster#6929), and this role deletes them.
  const ctx = policyContextFor(scope, DEFAULT_IAM_PATH, props);
  return createLambdaRole(scope, {
    roleId: 'CleanupLambdaRole',
    policyId: 'CleanupLambdaRolePolicy',
    description: 'AWS ParallelCluster image build cleanup Lambda function',
    iamPath,
    roleName: props.cleanupLambdaRoleName,
    permissionsBoundary: props.permissionsBoundary,
    awsManagedPolicyNames: imageBuilderCleanupLambdaAwsManagedPolicies(props.lambdaFunctionsInVpc ?? false),
    statements: policyBlock(ctx, 'imageBuilder.cleanupLambda', imageBuilderCleanupLambdaStatements(ctx)),
    managedPolicyKnobs: { additionalIamPolicies: false, optionalAwsManagedPolicyProps: [] },
  });
}
