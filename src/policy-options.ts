import { ParallelClusterVersion } from './parallelcluster-version';

/**
 * The options every construct of this library accepts to choose which policies it writes: the
 * ParallelCluster release they are for and, optionally, the one region they work in.
 */
export interface ParallelClusterPolicyOptions {
  /**
   * The ParallelCluster release the policies are for: each revision grants what its releases need
   * (see `ParallelClusterVersion`). Choose the revision of the ParallelCluster version you run.
   *
   * @default ParallelClusterVersion.LATEST - the newest revision the library knows
   */
  readonly parallelClusterVersion?: ParallelClusterVersion;

  /**
   * The one region the cluster runs in, like the `Region` parameter of ParallelCluster's own policies
   * template: statements of regional services that would otherwise work in any region get an
   * `aws:RequestedRegion` condition, and ARNs with any region (`*`) get this one. It is also the
   * doc's `<REGION>` in the node roles. It must be in the stack's partition.
   *
   * @default - the policies work in every region of the partition, and `<REGION>` is the stack's region
   */
  readonly region?: string;
}
