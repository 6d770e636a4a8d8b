import { Construct, iam, RemovalPolicy, ResourceEnvironment, Stack } from './cdk';
import { typeOnlyInTree } from './tree-properties';

/**
 * The instance profile of a cluster role: the `AWS::IAM::InstanceProfile` that `iam.InstanceProfile`
 * writes (construct id `Resource` under it, so the logical ID and the template are the same), without
 * the L2's machinery. `iam.InstanceProfile` wraps its name and ARN in cross-environment references (a
 * class and a `Reference` per attribute, resolved again by every pass of the synthesis: reference search,
 * template, tree metadata, the library's report); here they are the `CfnInstanceProfile`'s own `Ref` and
 * `Fn::GetAtt`, which resolve to the same expressions in the stack and in other stacks of the same
 * environment. One is created per cluster node role, so at 50 queues this is 50 fewer L2 resources.
 *
 * Unlike `iam.InstanceProfile`, a stack in another account or region that refers to the ARN gets a
 * cross-stack reference error instead of an ARN built from a generated name: CloudFormation cannot
 * export across environments, and the library never refers to it from another stack.
 */
export class ClusterInstanceProfile extends Construct implements iam.IInstanceProfile {
  public readonly instanceProfileName: string;
  public readonly instanceProfileArn: string;
  public readonly role: iam.IRole;
  public readonly stack: Stack;
  public readonly env: ResourceEnvironment;
  private readonly resource: iam.CfnInstanceProfile;

  constructor(scope: Construct, id: string, props: { readonly role: iam.IRole; readonly path: string }) {
    super(scope, id);
    this.role = props.role;
    this.stack = Stack.of(this);
    this.env = { account: this.stack.account, region: this.stack.region };
    this.resource = new iam.CfnInstanceProfile(this, 'Resource', { roles: [props.role.roleName], path: props.path });
    typeOnlyInTree(this.resource);
    this.node.defaultChild = this.resource;
    this.instanceProfileName = this.resource.ref;
    this.instanceProfileArn = this.resource.attrArn;
  }

  public applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}
