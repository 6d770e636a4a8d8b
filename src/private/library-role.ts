import { Construct, DependencyGroup, iam, IPostProcessor, IResolvable, IResolveContext, Resource, Token } from './cdk';
import { typeOnlyInTree } from './tree-properties';

/** What the library's role wiring gives a role (src/private/node-role.ts, src/roles/user-role.ts). */
export interface LibraryRoleProps {
  readonly assumedBy: iam.IPrincipal;
  readonly roleName?: string;
  readonly path?: string;
  readonly permissionsBoundary?: iam.IManagedPolicy;
  readonly description?: string;
}

/** A role the library created: `LibraryRole`, or `iam.Role` under `iam.Role.customizeRoles`. */
export type OwnRole = LibraryRole | iam.Role;

/** aws-cdk-lib's context key of `iam.Role.customizeRoles`. */
export const CUSTOMIZE_ROLES_CONTEXT_KEY = '@aws-cdk/iam:customizeRoles';

/**
 * A role of the library: a `LibraryRole`, or an `iam.Role` when the app uses `iam.Role.customizeRoles`
 * (precreated roles), which changes what `iam.Role` synthesizes (a report of the roles to create, or no
 * resource at all).
 */
export function createOwnRole(scope: Construct, id: string, props: LibraryRoleProps): OwnRole {
  return scope.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT_KEY) !== undefined ? new iam.Role(scope, id, props) : new LibraryRole(scope, id, props);
}

/** Whether `role` is a role created in this app (by the library or by the user), whose `CfnRole` can be read. */
export function isOwnRole(role: unknown): role is OwnRole {
  return role instanceof iam.Role || role instanceof LibraryRole;
}

/**
 * The `CfnRole` of a role created in this app, whose path can be read; undefined for an imported role and for
 * a precreated one (`iam.Role.customizeRoles`), which has none.
 */
export function cfnRoleOf(role: iam.IRole): iam.CfnRole | undefined {
  const resource = isOwnRole(role) ? role.node.defaultChild : undefined;
  return resource instanceof iam.CfnRole ? resource : undefined;
}

/**
 * An IAM role the library creates: a `CfnRole` (construct id `Resource`, as under `iam.Role`, so the logical
 * ids and the template are the same) behind `iam.IRole`, the type every public property already has.
 *
 * `iam.Role` builds, for every role, an imported copy of itself (`Import<id>`, for `iam.Role.customizeRoles`),
 * an aspect that splits its default policy, and its ARN and name as cross-environment references, resolved
 * again in each pass of the synthesis (reference search, template, tree metadata, the library's report). A
 * cluster has a role per queue, so at 50 queues that is 50 of each. Here the ARN and name are the `CfnRole`'s own
 * `Fn::GetAtt` and `Ref`, which resolve to the same expressions in the stack and in other stacks of the same
 * environment.
 *
 * What users do with a role still works as on `iam.Role`: `addManagedPolicy`, `addToPrincipalPolicy` and the
 * grants (statements go to a `DefaultPolicy`, an `iam.Policy` attached to the role, as `iam.Role` does),
 * `attachInlinePolicy`, `grantPassRole`, `grantAssumeRole`, `node.defaultChild` (the `CfnRole`), and
 * `iam.PermissionsBoundary.of(...)`. Unlike `iam.Role`, a default policy past IAM's inline quota is not split
 * into overflow policies (the library's permissions report shows the inline total against the quota), and a
 * stack in another account or region that refers to the role gets a cross-stack reference error instead of
 * an ARN built from a literal name: CloudFormation cannot export across environments.
 */
export class LibraryRole extends Resource implements iam.IRole {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly principalAccount: string | undefined = this.env.account;
  public readonly assumeRoleAction: string = 'sts:AssumeRole';
  /** The trust policy. */
  public readonly assumeRolePolicy: iam.PolicyDocument;
  public readonly roleArn: string;
  public readonly roleName: string;
  /** The role's stable, unique id (`Fn::GetAtt RoleId`). */
  public readonly roleId: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  /** The permissions boundary given at creation. */
  public readonly permissionsBoundary?: iam.IManagedPolicy;
  // The name `managedPolicies` is the one of `iam.Role`, which role-quotas.ts reads on both.
  private readonly managedPolicies: iam.IManagedPolicy[] = [];
  private readonly attachedPolicies: iam.Policy[] = [];
  private defaultPolicy?: iam.Policy;
  // The list token the CfnRole's `managedPolicyArns` starts with (`managedPolicyArnsResolvedBy`).
  private readonly managedPolicyArnList: string[];

  constructor(scope: Construct, id: string, props: LibraryRoleProps) {
    super(scope, id);
    // As iam.Role: one statement trusting the principal (with the principal's own conditions).
    const trust = new iam.PolicyStatement();
    trust.addPrincipals(props.assumedBy);
    trust.addActions(props.assumedBy.assumeRoleAction);
    this.assumeRolePolicy = new iam.PolicyDocument({ statements: [trust] });
    this.permissionsBoundary = props.permissionsBoundary;
    if (props.description !== undefined && props.description.length > 1000) {
      throw new Error(`Role description must be no longer than 1000 characters, got ${props.description.length}.`);
    }
    this.managedPolicyArnList = Token.asList(new UniqueList(() => this.managedPolicies.map((policy) => policy.managedPolicyArn)));
    const resource = new iam.CfnRole(this, 'Resource', {
      assumeRolePolicyDocument: this.assumeRolePolicy,
      managedPolicyArns: this.managedPolicyArnList,
      path: props.path,
      permissionsBoundary: props.permissionsBoundary?.managedPolicyArn,
      roleName: props.roleName,
      description: props.description || undefined,
    });
    typeOnlyInTree(resource);
    this.roleArn = resource.attrArn;
    this.roleName = resource.ref;
    this.roleId = resource.attrRoleId;
    this.policyFragment = new iam.ArnPrincipal(this.roleArn).policyFragment;
  }

  /** The role's name and ARN, as newer aws-cdk-lib versions read them from a role (`IRoleRef`). */
  public get roleRef(): { readonly roleName: string; readonly roleArn: string } {
    return { roleName: this.roleName, roleArn: this.roleArn };
  }

  /**
   * The role's managed policy ARNs as the template holds them, each ARN resolved by `resolveArn`; undefined
   * when the `CfnRole`'s `managedPolicyArns` was replaced. A cluster's roles share most of their policies
   * (the compute node policy, the AWS managed ones): the permissions report resolves each ARN once for
   * all of them, instead of each role's whole list, which was half of what the report cost at 50 queues.
   */
  public managedPolicyArnsResolvedBy(resolveArn: (arn: string) => unknown): unknown[] | undefined {
    if ((this.node.defaultChild as iam.CfnRole).managedPolicyArns !== this.managedPolicyArnList) {
      return undefined;
    }
    return uniqueByValue(this.managedPolicies.map((policy) => resolveArn(policy.managedPolicyArn)));
  }

  /** Attaches a managed policy (once: a policy with the same ARN is not attached twice), as `iam.Role` does. */
  public addManagedPolicy(policy: iam.IManagedPolicy): void {
    if (!this.managedPolicies.some((attached) => attached.managedPolicyArn === policy.managedPolicyArn)) {
      this.managedPolicies.push(policy);
    }
  }

  /** Adds a statement to the role's default policy (an `iam.Policy` with construct id `DefaultPolicy`), as `iam.Role` does. */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (this.defaultPolicy === undefined) {
      this.defaultPolicy = new iam.Policy(this, 'DefaultPolicy');
      this.attachInlinePolicy(this.defaultPolicy);
    }
    this.defaultPolicy.addStatements(statement);
    return { statementAdded: true, policyDependable: new DependencyGroup(this.defaultPolicy) };
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  /** Attaches a policy to the role (refused when another policy of the same name is attached), as `iam.Role` does. */
  public attachInlinePolicy(policy: iam.Policy): void {
    if (this.attachedPolicies.includes(policy)) {
      return;
    }
    if (this.attachedPolicies.some((attached) => attached.policyName === policy.policyName)) {
      throw new Error(`A policy named "${policy.policyName}" is already attached to role ${this.node.path}`);
    }
    this.attachedPolicies.push(policy);
    policy.attachToRole(this);
  }

  // No `scope`: aws-cdk-lib never read it (2.88 included), and newer releases print a deprecation warning for it.
  public grant(grantee: iam.IPrincipal, ...actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.roleArn] });
  }

  public grantPassRole(grantee: iam.IPrincipal): iam.Grant {
    return this.grant(grantee, 'iam:PassRole');
  }

  public grantAssumeRole(grantee: iam.IPrincipal): iam.Grant {
    return this.grant(grantee, 'sts:AssumeRole');
  }
}

/**
 * A list whose duplicates (by their resolved value) are removed after resolution, and which is left out when
 * empty: what `iam.Role` writes for `ManagedPolicyArns`.
 */
class UniqueList implements IResolvable, IPostProcessor {
  public readonly creationStack: string[] = [];

  constructor(private readonly produce: () => string[]) {}

  public resolve(context: IResolveContext): unknown {
    context.registerPostProcessor(this);
    return this.produce();
  }

  public postProcess(input: unknown): unknown {
    if (!Array.isArray(input)) {
      return input;
    }
    return input.length === 0 ? undefined : uniqueByValue(input);
  }

  public toString(): string {
    return Token.asString(this);
  }
}

// Resolved values without duplicates (by their JSON), in order: what `ManagedPolicyArns` holds.
function uniqueByValue(values: unknown[]): unknown[] {
  const unique = new Map<string, unknown>();
  for (const value of values) {
    unique.set(JSON.stringify(value), value);
  }
  return [...unique.values()];
}
