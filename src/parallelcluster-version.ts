/**
 * The revision of the ParallelCluster IAM policies to create: one per ParallelCluster release that
 * needed different permissions, named after the first release it targets.
 *
 * Each revision grants what its releases need and what every earlier revision grants, so pick the
 * revision of the ParallelCluster version you run (or `forRelease('3.10.1')`). Newer revisions only
 * add what the releases added (plus where upstream narrowed `cloudformation:*`, since `V3_6`, and the
 * image cleanup role's `cloudformation:DeleteStack`, since `V3_14`); `V3_16` drops AWS Batch, which
 * ParallelCluster 3.16 removed. Fixes for changes on the AWS side (tagging, ARN formats) reach every
 * revision that has the feature. See docs/revisions.md for the permissions each revision adds.
 */
export class ParallelClusterVersion {
  /**
   * ParallelCluster 3.2.x: the policies exactly as the seed doc page "AWS Identity and Access
   * Management roles in AWS ParallelCluster 3.x" wrote them (doc commit of 2022-10-03), with the
   * library's documented fixes. Use it only to reproduce the doc.
   */
  public static readonly V3_2 = new ParallelClusterVersion('3.2', 0);

  /**
   * ParallelCluster 3.3.x: EC2 Fleet (`ec2:CreateFleet`) and capacity reservations on the head node,
   * resource groups and tagged log groups for the user; also what 3.2 already needed and the doc
   * missed.
   */
  public static readonly V3_3 = new ParallelClusterVersion('3.3', 1);

  /**
   * ParallelCluster 3.4.x: Lambda functions in a VPC (`DeploymentSettings/LambdaFunctionsVpcConfig`),
   * whose roles get `AWSLambdaVPCAccessExecutionRole`.
   */
  public static readonly V3_4 = new ParallelClusterVersion('3.4', 2);

  /** ParallelCluster 3.5.x: the head node reads compute console output and batch-reads its table. */
  public static readonly V3_5 = new ParallelClusterVersion('3.5', 3);

  /**
   * ParallelCluster 3.6.x: CloudWatch alarms and metric filters; the user's `cloudformation:*`
   * becomes the stack actions ParallelCluster calls.
   */
  public static readonly V3_6 = new ParallelClusterVersion('3.6', 4);

  /** ParallelCluster 3.7.x: login nodes (Auto Scaling groups and Network Load Balancers). */
  public static readonly V3_7 = new ParallelClusterVersion('3.7', 5);

  /** ParallelCluster 3.8.x: the head node's composite alarm. */
  public static readonly V3_8 = new ParallelClusterVersion('3.8', 6);

  /**
   * ParallelCluster 3.9.x and 3.10.x: compute and login nodes write their status to DynamoDB; the user
   * deletes tags when the head node is updated.
   */
  public static readonly V3_9 = new ParallelClusterVersion('3.9', 7);

  /**
   * ParallelCluster 3.11.x and 3.12.x: login node load balancer health checks and the service-linked
   * roles of login nodes. 3.12 changed no role policy (wheel 3.11.1 against 3.12.0).
   */
  public static readonly V3_11 = new ParallelClusterVersion('3.11', 8);

  /**
   * ParallelCluster 3.13.x: the head node reads launch template versions
   * (`ec2:DescribeLaunchTemplateVersions`), since compute nodes get their configuration from their
   * launch template's user data.
   */
  public static readonly V3_13 = new ParallelClusterVersion('3.13', 9);

  /**
   * ParallelCluster 3.14.x: the image build's cleanup role deletes only stacks tagged
   * `parallelcluster:image_id`. Without `Build/Iam/CleanupLambdaRole`, `pcluster build-image` creates an
   * account-wide cleanup role on `/parallelcluster/` with no permissions boundary: pass
   * `ImageBuilderRoles`' cleanup role instead.
   */
  public static readonly V3_14 = new ParallelClusterVersion('3.14', 10);

  /**
   * ParallelCluster 3.15.x: cluster tags become updatable, so the user may remove tags from the
   * cluster's roles, tables, alarms, Auto Scaling groups and load balancers, and read log group tags.
   */
  public static readonly V3_15 = new ParallelClusterVersion('3.15', 11);

  /**
   * ParallelCluster 3.16.x (checked against the 3.16.1 wheel): the user finds login node load balancers
   * with `tag:GetResources`. 3.16.0 removed the AWS Batch scheduler: from this revision on,
   * `Scheduler.AWS_BATCH` and `enableAwsBatch` are refused (use `V3_15` for AWS Batch clusters).
   */
  public static readonly V3_16 = new ParallelClusterVersion('3.16', 12);

  /** The newest revision the library knows (currently `V3_16`). */
  public static readonly LATEST = ParallelClusterVersion.V3_16;

  /** Every revision, oldest first. */
  public static all(): ParallelClusterVersion[] {
    return [...ParallelClusterVersion.ALL];
  }

  /**
   * The revision for a ParallelCluster release: the newest revision whose first release is at or
   * before it. `forRelease('3.10.1')` is `V3_9`; any release after the newest revision gets `LATEST`.
   *
   * @param release a ParallelCluster 3.x release such as `3.10.1` or `3.11`
   */
  public static forRelease(release: string): ParallelClusterVersion {
    const match = /^3\.(\d+)(\.\d+)?([a-z]\d*)?$/.exec(release);
    if (!match) {
      throw new Error(
        `'${release}' is not a ParallelCluster 3.x release: write it as major.minor[.patch], for example '3.10.1'.`,
      );
    }
    const minor = Number(match[1]);
    let result: ParallelClusterVersion | undefined;
    for (const revision of ParallelClusterVersion.ALL) {
      if (revision.minor <= minor) {
        result = revision;
      }
    }
    if (!result) {
      throw new Error(
        `ParallelCluster ${release} is older than the oldest policy revision (${ParallelClusterVersion.V3_2.version}): ` +
        'the library targets ParallelCluster 3.2 and later. Use ParallelClusterVersion.V3_2 if the doc\'s policies suit you.',
      );
    }
    return result;
  }

  private static get ALL(): ParallelClusterVersion[] {
    return [
      ParallelClusterVersion.V3_2,
      ParallelClusterVersion.V3_3,
      ParallelClusterVersion.V3_4,
      ParallelClusterVersion.V3_5,
      ParallelClusterVersion.V3_6,
      ParallelClusterVersion.V3_7,
      ParallelClusterVersion.V3_8,
      ParallelClusterVersion.V3_9,
      ParallelClusterVersion.V3_11,
      ParallelClusterVersion.V3_13,
      ParallelClusterVersion.V3_14,
      ParallelClusterVersion.V3_15,
      ParallelClusterVersion.V3_16,
    ];
  }

  /** The first ParallelCluster release the revision targets, `major.minor` (for example `3.11`). */
  public readonly version: string;

  private readonly order: number;

  private constructor(version: string, order: number) {
    this.version = version;
    this.order = order;
  }

  /** Whether this revision is `other` or newer (so it grants everything `other` grants). */
  public isAtLeast(other: ParallelClusterVersion): boolean {
    return this.order >= other.order;
  }

  /** The revision's name, for example `V3_11`. */
  public toString(): string {
    return `V${this.version.replace('.', '_')}`;
  }

  private get minor(): number {
    return Number(this.version.split('.')[1]);
  }
}
