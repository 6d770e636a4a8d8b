import { Construct, iam, IConstruct } from './cdk';
import { LibraryManagedPolicy, createSizedManagedPolicies } from './sized-policies';

/**
 * Where the compute node roles of one `ParallelClusterIam` keep the customer managed policies they
 * share. Queues without permissions of their own (S3 access, secrets) get the same statements: one
 * set of policies attached to every such queue's role, instead of a copy per queue, keeps a cluster of
 * 50 queues 49 resources smaller and its synthesis faster. A role whose statements differ gets its own
 * set here. Roles created outside a `ParallelClusterIam` keep their policies under themselves.
 */
export class SharedPolicies extends Construct {
  /** The construct id under the `ParallelClusterIam` that owns the pool. */
  public static readonly ID = 'SharedPolicies';

  /** The pool of the nearest enclosing construct that has one, if any. */
  public static of(scope: IConstruct): SharedPolicies | undefined {
    for (const ancestor of [...scope.node.scopes].reverse()) {
      const child = ancestor.node.tryFindChild(SharedPolicies.ID);
      if (child instanceof SharedPolicies) {
        return child;
      }
    }
    return undefined;
  }

  private readonly byStatements = new Map<string, LibraryManagedPolicy[]>();
  private readonly idsUsed = new Map<string, number>();

  /**
   * The sized managed policies holding exactly `statements`: created the first time, the same ones
   * afterwards. The first set of a `policyId` keeps that id (stable logical ids for the common case of
   * one shared set); other sets get `<policyId>-2`, `-3`, ... in creation order.
   */
  public sizedPolicies(policyId: string, description: string, statements: iam.PolicyStatement[]): LibraryManagedPolicy[] {
    const key = `${policyId}\n${description}\n${JSON.stringify(statements.map((s) => s.toStatementJson()))}`;
    const existing = this.byStatements.get(key);
    if (existing !== undefined) {
      return existing;
    }
    const count = (this.idsUsed.get(policyId) ?? 0) + 1;
    this.idsUsed.set(policyId, count);
    const created = createSizedManagedPolicies(this, count === 1 ? policyId : `${policyId}-${count}`, description, statements);
    this.byStatements.set(key, created);
    return created;
  }
}
