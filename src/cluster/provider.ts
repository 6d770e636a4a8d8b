import { ProviderRole, providerPollingRuleStatement } from './provider-role';
import { Aws, CfnStack, Construct, iam, Stack, Token } from '../private/cdk';
import { PCLUSTER_NAMES, PROVIDER_TEMPLATE_KEY } from '../private/pcluster-rules';
import { TemplateValues } from '../private/synth-outputs';

/**
 * ParallelCluster's CloudFormation custom resource provider, nested as the docs page
 * "cfn-provider-stack" shows, with this library's role as `CustomLambdaRole` (the provider stack then
 * creates no IAM at all: conditions `CustomRoleCondition`/`UsePCPolicies` of the template).
 *
 * One per stack and ParallelCluster release: every `ParallelCluster` of the stack with that release
 * uses it (the provider keeps its state per `ClusterName`, `<ClusterName>/event.json` in its bucket).
 */
export class ParallelClusterProvider extends Construct {
  /** The provider for `release` in the stack of `scope`, created on first use. */
  public static getOrCreate(scope: Construct, release: string, permissionsBoundary?: iam.IManagedPolicy): ParallelClusterProvider {
    const stack = Stack.of(scope);
    const id = `ParallelClusterProvider-${release.replace(/\./g, '-')}`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof ParallelClusterProvider) {
      existing.checkBoundary(permissionsBoundary);
      return existing;
    }
    return new ParallelClusterProvider(stack, id, release, permissionsBoundary);
  }

  /** The ParallelCluster release of the provider template (`parallelcluster/<release>/...`). */
  public readonly release: string;

  /** The nested provider stack. */
  public readonly stack: CfnStack;

  /** The role the provider's functions run as. */
  public readonly providerRole: ProviderRole;

  /** The provider function's ARN (`Outputs.ServiceToken`). */
  public readonly serviceToken: string;

  /** The ARN of the provider function's log group (`Outputs.LogGroupArn`). */
  public readonly logGroupArn: string;

  private readonly clusterNames: string[] = [];

  private constructor(scope: Construct, id: string, release: string, permissionsBoundary?: iam.IManagedPolicy) {
    super(scope, id);
    this.release = release;
    this.providerRole = new ProviderRole(this, 'Role', { permissionsBoundary });
    this.stack = new CfnStack(this, 'Stack', {
      // Partition-correct only with the URL suffix (amazonaws.com.cn in China).
      templateUrl: `https://${Aws.REGION}-${PCLUSTER_NAMES.publicBucketInfix}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}` +
        `/parallelcluster/${release}/${PROVIDER_TEMPLATE_KEY}`,
      parameters: { CustomLambdaRole: this.providerRole.role.roleArn },
    });
    // The functions run with the role until the provider stack is gone (its cleanup function empties
    // the bucket on delete): the role's policies outlive it.
    // (The role itself is referenced by CustomLambdaRole already.)
    this.stack.node.addDependency(this.providerRole.runtimePolicy);
    this.serviceToken = this.stack.getAtt('Outputs.ServiceToken').toString();
    this.logGroupArn = this.stack.getAtt('Outputs.LogGroupArn').toString();
  }

  /**
   * Lets the provider act for one more cluster: its scoped user policies join the provider role, and
   * so does the polling rule of its resource.
   */
  public addCluster(clusterName: string, userPolicies: iam.IManagedPolicy[], resourceLogicalId: string): void {
    if (this.clusterNames.includes(clusterName)) {
      throw new Error(
        `Two ParallelCluster constructs in stack ${Stack.of(this).stackName} are named '${clusterName}': a cluster name ` +
        'is unique per account and region. Give each its own clusterName.',
      );
    }
    this.clusterNames.push(clusterName);
    userPolicies.forEach((p) => this.providerRole.role.addManagedPolicy(p));
    this.providerRole.runtimePolicy.addStatements(providerPollingRuleStatement(Stack.of(this), resourceLogicalId));
  }

  /** The clusters this provider acts for. */
  public get clusters(): string[] {
    return [...this.clusterNames];
  }

  private checkBoundary(boundary?: iam.IManagedPolicy): void {
    const mine = this.providerRole.permissionsBoundary;
    if (mine === boundary) {
      return;
    }
    const values = new TemplateValues(Stack.of(this));
    const show = (p?: iam.IManagedPolicy) => (p ? JSON.stringify(values.render(p.managedPolicyArn).text) : 'none');
    if (show(mine) !== show(boundary) || Token.isUnresolved(show(mine))) {
      throw new Error(
        `The ParallelCluster clusters of stack ${Stack.of(this).stackName} for release ${this.release} share one provider, whose ` +
        `role has permissionsBoundary ${show(mine)}, but this cluster asks for ${show(boundary)}. Give them the same ` +
        'permissionsBoundary, or put the cluster in another stack.',
      );
    }
  }
}
