import type { ClusterScope } from './cluster-scope';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { ArnFormat, iam, IConstruct, Stack } from '../private/cdk';
import { ec2PassedToServiceNames } from '../private/partition';
import { CLOUDFORMATION_SERVICE, DEFAULT_IAM_PATH } from '../private/pcluster-rules';

/** Options of a `PolicyContext` beyond the IAM path. */
export interface PolicyContextOptions {
  /** The policy revision to build. @default ParallelClusterVersion.LATEST */
  readonly version?: ParallelClusterVersion;
  /** The one region the policies should work in. @default - every region */
  readonly region?: string;
  /** The cluster(s) the policies are scoped to (see cluster-scope.ts). @default - any cluster */
  readonly clusterScope?: ClusterScope;
}

/**
 * What the statement factories need to know about where their policies are deployed: partition, region
 * and account come from the stack; the IAM path is the one the cluster roles live on.
 *
 * Every ARN is built with `Stack.formatArn`, so the partition is the stack's (`aws`, `aws-cn`,
 * `aws-us-gov`, ...) and never a literal.
 */
export class PolicyContext {
  public readonly stack: Stack;

  /** The path of the cluster roles and instance profiles, e.g. `/parallelcluster/`. */
  public readonly iamPath: string;

  /** `iam:PassedToService` values for EC2 in the stack's possible partitions. */
  public readonly ec2ServiceNames: string[];

  /** The ParallelCluster policy revision to build (see `policyBlock`). */
  public readonly version: ParallelClusterVersion;

  /**
   * The one region the policies are scoped to (the official policies template's `Region` parameter),
   * or undefined for every region.
   */
  public readonly scopeRegion?: string;

  /** The cluster(s) the policies are scoped to, or undefined for any cluster (see cluster-scope.ts). */
  public readonly clusterScope?: ClusterScope;

  constructor(scope: IConstruct, iamPath: string = DEFAULT_IAM_PATH, options: PolicyContextOptions = {}) {
    this.stack = Stack.of(scope);
    this.iamPath = iamPath;
    this.ec2ServiceNames = ec2PassedToServiceNames(scope);
    this.version = options.version ?? ParallelClusterVersion.LATEST;
    this.scopeRegion = options.region;
    this.clusterScope = options.clusterScope;
  }

  /**
   * The doc's `<REGION>`: the cluster's region, which is the `region` option when set and otherwise
   * the region the stack is deployed to.
   */
  public get region(): string {
    return this.scopeRegion ?? this.stack.region;
  }

  /** The doc's `<AWS ACCOUNT ID>`. */
  public get account(): string {
    return this.stack.account;
  }

  /** `arn:P:iam::ACCOUNT:<resource>/<name>`. */
  public iam(resource: string, resourceName: string): string {
    return this.stack.formatArn({ service: 'iam', region: '', resource, resourceName });
  }

  /** Every role on the cluster path: `arn:P:iam::ACCOUNT:role/parallelcluster/*`. */
  public get rolesOnPath(): string {
    return this.iam('role', `${this.pathWithoutLeadingSlash}*`);
  }

  /** Every instance profile on the cluster path. */
  public get instanceProfilesOnPath(): string {
    return this.iam('instance-profile', `${this.pathWithoutLeadingSlash}*`);
  }

  /** The roles on the cluster path whose names match `namePattern`, e.g. `ParallelClusterImage-*`. */
  public roleOnPath(namePattern: string): string {
    return this.iam('role', `${this.pathWithoutLeadingSlash}${namePattern}`);
  }

  /** The instance profiles on the cluster path whose names match `namePattern`. */
  public instanceProfileOnPath(namePattern: string): string {
    return this.iam('instance-profile', `${this.pathWithoutLeadingSlash}${namePattern}`);
  }

  /** Customer managed policies on the cluster path. */
  public get policiesOnPath(): string {
    return this.iam('policy', `${this.pathWithoutLeadingSlash}*`);
  }

  /** `arn:P:iam::aws:policy/<name>`. */
  public awsManagedPolicy(name: string): string {
    return this.stack.formatArn({ service: 'iam', region: '', account: 'aws', resource: 'policy', resourceName: name });
  }

  /** `arn:P:s3:::<bucketAndKey>`. */
  public s3(bucketAndKey: string): string {
    return this.stack.formatArn({ service: 's3', region: '', account: '', resource: bucketAndKey });
  }

  /**
   * An ARN of a regional service in the stack's account: `arn:P:<service>:<region>:ACCOUNT:<resource>`.
   * `resource` is written as it appears in the ARN (`table/parallelcluster-*`, `function:pcluster-*`).
   *
   * @param region `'*'` for the doc's "any region", otherwise a region (usually `this.region`)
   */
  public arn(service: string, region: string, resource: string, account: string = this.account): string {
    return this.stack.formatArn({ service, region, account, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  }

  private get pathWithoutLeadingSlash(): string {
    return this.iamPath.substring(1);
  }
}

/** An Allow statement with a Sid. Every statement the library writes has one, unique in its role. */
export function allow(
  sid: string,
  actions: string[],
  resources: string[],
  conditions?: Record<string, Record<string, unknown>>,
): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid, effect: iam.Effect.ALLOW, actions, resources, conditions });
}

/**
 * The condition of a grant that only CloudFormation needs: the request is one CloudFormation makes with
 * the caller's credentials while it creates, updates or deletes a stack (`aws:CalledVia` holds
 * `cloudformation.amazonaws.com`; see CLOUDFORMATION_SERVICE in ../private/pcluster-rules.ts). The same
 * request made directly is refused. `ForAnyValue` is false when the key is absent (a direct call).
 */
export function throughCloudFormation(): Record<string, Record<string, unknown>> {
  return { 'ForAnyValue:StringEquals': { 'aws:CalledVia': [CLOUDFORMATION_SERVICE] } };
}
