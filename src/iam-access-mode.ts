import { iam } from './private/cdk';

/**
 * How much IAM a ParallelCluster user may do: the doc's three "IAM access modes".
 *
 * An enum-like class (use the static factories) so that the boundary mode can carry its policy.
 */
export class IamAccessMode {
  /**
   * Privileged mode: ParallelCluster creates the cluster's roles itself, on the cluster IAM path,
   * and may attach only the allow-listed policies to them.
   */
  public static privileged(): IamAccessMode {
    return new IamAccessMode('privileged');
  }

  /**
   * Restricted mode: the user has no IAM rights beyond passing roles; an administrator pre-creates the
   * cluster's roles (see `HeadNodeRole`, `ComputeNodeRole`, `LambdaFunctionsRole`) and the cluster
   * configuration names them. AWS Batch clusters cannot be created in this mode.
   */
  public static restricted(): IamAccessMode {
    return new IamAccessMode('restricted');
  }

  /**
   * Permissions-boundary mode: like privileged mode, but every role the user creates or changes must
   * carry `boundary` as its permissions boundary (the cluster configuration then sets
   * `Iam/PermissionsBoundary` to it).
   */
  public static permissionsBoundary(boundary: iam.IManagedPolicy): IamAccessMode {
    return new IamAccessMode('permissionsBoundary', boundary);
  }

  /** The mode's name: `privileged`, `restricted` or `permissionsBoundary`. */
  public readonly name: string;

  /** The permissions boundary cluster roles must carry (permissions-boundary mode only). */
  public readonly boundary?: iam.IManagedPolicy;

  private constructor(name: string, boundary?: iam.IManagedPolicy) {
    this.name = name;
    this.boundary = boundary;
  }

  /** Whether the user may create and change roles on the cluster path (privileged and boundary modes). */
  public get grantsIamRights(): boolean {
    return this.name !== 'restricted';
  }
}
