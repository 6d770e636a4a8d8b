import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  imageBuilderCleanupLambdaAwsManagedPolicies,
  imageBuilderInstanceAwsManagedPolicies,
} from './policies/aws-managed-policies';
import { imageBuilderCleanupLambdaStatements, imageBuilderInstanceStatements } from './policies/image-builder-policies';
import { policyBlock, policyContextFor } from './policies/policy-block';
import { ParallelClusterPolicyOptions } from './policy-options';
import { clusterIamPath, createInstanceRole, createLambdaRole } from './private/node-role';
import { DEFAULT_IAM_PATH } from './private/validation';

/** Properties of `ImageBuilderRoles`. */
export interface ImageBuilderRolesProps extends ParallelClusterPolicyOptions {
  /**
   * More managed policies to attach to the build instance's role, for example to read custom
   * components from S3. ParallelCluster refuses `Build/Iam/AdditionalIamPolicies` together with a
   * custom `InstanceRole`, so attach them here.
   *
   * @default - none
   */
  readonly additionalIamPolicies?: iam.IManagedPolicy[];

  /**
   * A permissions boundary for both roles. `iam.PermissionsBoundary.of(scope).apply(...)` also
   * reaches them.
   *
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The IAM path of both roles and the instance profile: the ParallelCluster user may only pass roles
   * and instance profiles on the cluster path. Must start and end with `/` and not be `/`.
   *
   * The cleanup role's permissions to delete the build's roles and instance profiles stay on
   * `/parallelcluster/` whatever this is: ParallelCluster always creates them there for an image build.
   *
   * @default '/parallelcluster/' - the path ParallelCluster's user policies expect cluster roles on
   */
  readonly iamPath?: string;

  /**
   * Attach `AmazonSSMManagedInstanceCore` to the build instance's role. EC2 Image Builder runs the
   * build's components through the SSM Agent, which needs this policy's permissions: turn it off only
   * when `additionalIamPolicies` grant the same.
   *
   * @default true
   */
  readonly enableSessionManager?: boolean;

  /**
   * Whether the build's Lambda function runs in a VPC (`DeploymentSettings/LambdaFunctionsVpcConfig`
   * of the image configuration). The cleanup role then also gets
   * `service-role/AWSLambdaVPCAccessExecutionRole`.
   *
   * @default false
   */
  readonly lambdaFunctionsInVpc?: boolean;
}

/**
 * The roles of `pcluster build-image`: the EC2 Image Builder instance role with its instance profile
 * (`Build/Iam/InstanceRole` or `InstanceProfile`) and the cleanup Lambda role
 * (`Build/Iam/CleanupLambdaRole`), as the seed doc's "Custom Image configuration" describes them.
 *
 * As an `iam.IGrantable` it stands for the build instance's role.
 */
export class ImageBuilderRoles extends Construct implements iam.IGrantable {
  /** The role of the build instance. */
  public readonly instanceRole: iam.IRole;

  /** The instance profile holding the instance role, on the same path (`Build/Iam/InstanceProfile`). */
  public readonly instanceProfile: iam.IInstanceProfile;

  /** The role of the cleanup Lambda function. */
  public readonly cleanupLambdaRole: iam.IRole;

  /** The instance role's ARN (`Build/Iam/InstanceRole`). */
  public readonly instanceRoleArn: string;

  /** The instance profile's ARN (`Build/Iam/InstanceProfile`). */
  public readonly instanceProfileArn: string;

  /** The cleanup role's ARN (`Build/Iam/CleanupLambdaRole`). */
  public readonly cleanupLambdaRoleArn: string;

  /** The customer managed policies this construct created, instance role's first, then the cleanup role's. */
  public readonly managedPolicies: iam.IManagedPolicy[];

  /** The IAM path of the roles and the instance profile. */
  public readonly iamPath: string;

  /** The principal that grants go to: the build instance's role. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: ImageBuilderRolesProps = {}) {
    super(scope, id);
    this.iamPath = clusterIamPath(props.iamPath);
    const instanceCtx = policyContextFor(this, this.iamPath, props);
    // The doc's `/parallelcluster/` patterns, not `iamPath`: see the cleanup role's statements below.
    const cleanupCtx = policyContextFor(this, DEFAULT_IAM_PATH, props);
    const instance = createInstanceRole(this, {
      roleId: 'InstanceRole',
      policyId: 'InstanceRolePolicy',
      description: 'AWS ParallelCluster image build instance',
      iamPath: this.iamPath,
      permissionsBoundary: props.permissionsBoundary,
      awsManagedPolicyNames: imageBuilderInstanceAwsManagedPolicies(props.enableSessionManager ?? true),
      additionalIamPolicies: props.additionalIamPolicies,
      statements: policyBlock(instanceCtx, 'imageBuilder.instanceRole', imageBuilderInstanceStatements(instanceCtx)),
    }, 'InstanceProfile');
    const cleanup = createLambdaRole(this, {
      roleId: 'CleanupLambdaRole',
      policyId: 'CleanupLambdaRolePolicy',
      description: 'AWS ParallelCluster image build cleanup Lambda function',
      iamPath: this.iamPath,
      permissionsBoundary: props.permissionsBoundary,
      awsManagedPolicyNames: imageBuilderCleanupLambdaAwsManagedPolicies(props.lambdaFunctionsInVpc ?? false),
      // The doc's `/parallelcluster/` patterns, not `iamPath`: the image build stack creates its
      // instance profile (and, without a custom instance role, the role) on ParallelCluster's fixed
      // path, with no `ResourcePrefix` (aws/aws-parallelcluster#6929), and this role deletes them.
      statements: policyBlock(cleanupCtx, 'imageBuilder.cleanupLambda', imageBuilderCleanupLambdaStatements(cleanupCtx)),
    });

    this.instanceRole = instance.role;
    this.instanceRoleArn = instance.role.roleArn;
    this.instanceProfile = instance.instanceProfile;
    this.instanceProfileArn = instance.instanceProfile.instanceProfileArn;
    this.cleanupLambdaRole = cleanup.role;
    this.cleanupLambdaRoleArn = cleanup.role.roleArn;
    this.managedPolicies = [...instance.managedPolicies, ...cleanup.managedPolicies];
    this.grantPrincipal = instance.role;
  }
}
