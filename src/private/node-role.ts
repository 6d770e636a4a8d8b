import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, iam, Stack, Token } from './cdk';
import { validateManagedPolicies, validatePermissionsBoundary } from './input-validation';
import { ClusterInstanceProfile } from './instance-profile';
import { OwnRole, createOwnRole } from './library-role';
import { DEFAULT_IAM_PATH } from './pcluster-rules';
import { RememberedPolicyDocument } from './policy-size';
import { ManagedPolicyKnobs, managedPolicyHint, validateManagedPolicyCount } from './role-quotas';
import { SharedPolicies } from './shared-policies';
import { LibraryManagedPolicy, createSizedManagedPolicies } from './sized-policies';
import { validateIamPath, validateRoleName } from './validation';

/**
 * Wiring shared by the cluster's and the image build's roles (head, compute, image-builder instance,
 * Lambda): the role on the cluster IAM path, its trust policy, permissions boundary, AWS managed
 * policies, the library's statements as sized customer managed policies, the caller's additional
 * policies, and for EC2 roles an instance profile on the same path. The policy content comes from the
 * statement factories in ../policies; this file only decides how it is attached.
 */

export interface ClusterRoleOptions {
  /** Construct id of the role. */
  readonly roleId: string;
  /** Construct id of the first customer managed policy (the next ones get `2`, `3`, ...). */
  readonly policyId: string;
  /** Description of the role, shown in the IAM console. */
  readonly description: string;
  /** A validated IAM path (see `clusterIamPath`). */
  readonly iamPath: string;
  readonly roleName?: string;
  readonly permissionsBoundary?: iam.IManagedPolicy;
  /** Names for `iam.ManagedPolicy.fromAwsManagedPolicyName`, from ../policies/aws-managed-policies.ts. */
  readonly awsManagedPolicyNames: string[];
  readonly additionalIamPolicies?: iam.IManagedPolicy[];
  /** The library's statements for this role, put in customer managed policies sized for IAM. */
  readonly statements: iam.PolicyStatement[];
  /** What the role's construct offers to reduce its managed policies, for the quota error's fix. */
  readonly managedPolicyKnobs: ManagedPolicyKnobs;
  /**
   * Whether roles with identical statements share one set of policies, kept in the enclosing
   * `SharedPolicies` pool (compute node roles of a `ParallelClusterIam`). Without a pool, the role gets
   * its own.
   */
  readonly sharePolicies?: { readonly policyId: string };
}

export interface ClusterRoleResources {
  readonly role: OwnRole;
  /** The customer managed policies created for `statements`, in order. */
  readonly managedPolicies: LibraryManagedPolicy[];
}

export interface InstanceRoleResources extends ClusterRoleResources {
  readonly instanceProfile: iam.IInstanceProfile;
}

/** The IAM path of a cluster construct: the given one, checked, or `/parallelcluster/`. */
export function clusterIamPath(iamPath: string | undefined): string {
  const path = iamPath ?? DEFAULT_IAM_PATH;
  // `/` is refused: the statement factories build patterns such as `role/<path>*` from it.
  validateIamPath('iamPath', path, false);
  return path;
}

/**
 * An EC2 instance role and its instance profile on the same path. The trust is `ec2.<URL suffix>`, as
 * ParallelCluster writes it: `ec2.amazonaws.com.cn` in China, whatever CDK's principal tables say.
 */
export function createInstanceRole(scope: Construct, options: ClusterRoleOptions, instanceProfileId = 'InstanceProfile'): InstanceRoleResources {
  const created = createRole(scope, new Ec2Principal(), options);
  const instanceProfile = new ClusterInstanceProfile(scope, instanceProfileId, {
    role: created.role,
    // The same path as the role: the user's PassRole and the head node's PassRole are scoped to
    // `instance-profile/<path>*`.
    path: options.iamPath,
  });
  return { ...created, instanceProfile };
}

// `ec2.${AWS::URLSuffix}` as one token holding the expression, shared by every instance role.
const EC2_SERVICE = Token.asString({ 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::URLSuffix' }]] });

/**
 * The EC2 service principal of instance roles, written as `ec2.<URL suffix>` in every stack: the trust
 * policy `iam.ServicePrincipal(`ec2.${stack.urlSuffix}`)` gives, without its per-resolution lookup of
 * the region's service principal fact (which leaves a token unchanged anyway).
 */
class Ec2Principal extends iam.PrincipalBase {
  public readonly policyFragment = new iam.PrincipalPolicyFragment({ Service: [EC2_SERVICE] });

  public toString(): string {
    return 'ServicePrincipal(ec2.${AWS::URLSuffix})';
  }

  public dedupeString(): string | undefined {
    return 'ServicePrincipal:ec2.${AWS::URLSuffix}';
  }
}

/** A role for Lambda functions (`lambda.amazonaws.com` is its principal in every partition). */
export function createLambdaRole(scope: Construct, options: ClusterRoleOptions): ClusterRoleResources {
  return createRole(scope, new iam.ServicePrincipal('lambda.amazonaws.com'), options);
}

function createRole(scope: Construct, assumedBy: iam.IPrincipal, options: ClusterRoleOptions): ClusterRoleResources {
  validateRoleName('roleName', options.roleName);
  validatePermissionsBoundary(scope, 'permissionsBoundary', options.permissionsBoundary);
  validateManagedPolicies(scope, 'additionalIamPolicies', options.additionalIamPolicies);
  const role = createOwnRole(scope, options.roleId, {
    assumedBy,
    roleName: options.roleName,
    path: options.iamPath,
    permissionsBoundary: options.permissionsBoundary,
    description: options.description,
  });
  // The trust policy rendered once per synthesis (reference search aside), not once per pass. A precreated
  // role (iam.Role.customizeRoles) has no CfnRole.
  const resource = role.node.defaultChild;
  if (resource instanceof iam.CfnRole) {
    resource.assumeRolePolicyDocument = new RememberedPolicyDocument(Stack.of(scope), role.assumeRolePolicy!).heldBy(resource);
  }
  validateManagedPolicyCount(role, managedPolicyHint(role, options.managedPolicyKnobs));
  for (const name of options.awsManagedPolicyNames) {
    role.addManagedPolicy(awsManagedPolicy(name));
  }
  const pool = options.sharePolicies ? SharedPolicies.of(scope) : undefined;
  const managedPolicies = pool && options.sharePolicies
    ? pool.sizedPolicies(options.sharePolicies.policyId, options.description, options.statements)
    : createSizedManagedPolicies(scope, options.policyId, options.description, options.statements);
  managedPolicies.forEach((policy) => role.addManagedPolicy(policy));
  (options.additionalIamPolicies ?? []).forEach((policy) => role.addManagedPolicy(policy));
  return { role, managedPolicies };
}

// One object per AWS managed policy for the whole process: they hold no construct and no stack.
const AWS_MANAGED_POLICIES = new Map<string, iam.IManagedPolicy>();

/**
 * `iam.ManagedPolicy.fromAwsManagedPolicyName(name)`, with the same ARN in the template
 * (`{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/<name>"]]}`), but as one
 * token holding that expression rather than a string with the partition token inside: every resolution
 * of the role (validation, references, template, tree metadata, report) then skips splitting the string
 * and rebuilding the join. The ARN keeps the partition reference rather than the stack's partition as a
 * literal, so that cdk-nag findings (`Policy::arn:<AWS::Partition>:iam::aws:policy/...`) and users'
 * suppressions of them do not change.
 */
export function awsManagedPolicy(name: string): iam.IManagedPolicy {
  let policy = AWS_MANAGED_POLICIES.get(name);
  if (policy === undefined) {
    const arn = Token.asString({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::aws:policy/${name}`]] });
    policy = { managedPolicyArn: arn };
    AWS_MANAGED_POLICIES.set(name, policy);
  }
  return policy;
}

/**
 * The ARNs that match the given secrets in a policy (the doc's `<SECRET_ID>`). A secret imported by
 * name has no complete ARN, and Secrets Manager appends `-` and six random characters to the name, so
 * it is matched with `-??????` (as `ISecret.grantRead` does).
 */
export function secretArnsForPolicies(secrets: secretsmanager.ISecret[] | undefined): string[] {
  return (secrets ?? []).map((secret) => secret.secretFullArn ?? `${secret.secretArn}-??????`);
}
