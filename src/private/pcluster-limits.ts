import { ParallelClusterVersion } from '../parallelcluster-version';

/*
 * What `pcluster` refuses in a configuration, for the values the library's props write, as data. Checked
 * against the 3.16.1 wheel: pcluster/constants.py, pcluster/validators/cluster_validators.py
 * (NameValidator, DuplicateNameValidator, MaxCountValidator) and pcluster/config/cluster_config.py, which
 * registers them. `npx projen upstream:diff <release>` shows when these files change.
 */

/** `MAX_NUMBER_OF_QUEUES`: Slurm queues per cluster. */
export const MAX_SLURM_QUEUES = 50;

/** `MAX_NUMBER_OF_LOGIN_NODE_POOLS`: login node pools per cluster. */
export const MAX_LOGIN_NODE_POOLS = 10;

/** `NAME_REGEX` of queue and login node pool names. */
export const QUEUE_NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** `NAME_MAX_LENGTH` of queue and login node pool names. */
export const QUEUE_NAME_MAX_LENGTH = 25;

/** A queue or pool name `NameValidator` refuses whatever its form. */
export const RESERVED_QUEUE_NAME = 'default';

/** The newest revision whose ParallelCluster releases have the AWS Batch scheduler (3.16.0 removed it). */
export const LAST_AWS_BATCH_REVISION = ParallelClusterVersion.V3_15;

/**
 * Throws when `version` is for a ParallelCluster release without AWS Batch.
 *
 * @param what the prop that asked for AWS Batch, as the user wrote it
 */
export function checkAwsBatchSupported(what: string, version: ParallelClusterVersion): void {
  if (version.isAtLeast(LAST_AWS_BATCH_REVISION) && version !== LAST_AWS_BATCH_REVISION) {
    throw new Error(
      `${what} asks for AWS Batch, but parallelClusterVersion is ${version}: ParallelCluster 3.16.0 removed the AWS Batch ` +
      `scheduler. Set parallelClusterVersion to ParallelClusterVersion.${LAST_AWS_BATCH_REVISION} (the last revision with ` +
      'AWS Batch) for a cluster of ParallelCluster 3.15 or earlier, or use Scheduler.SLURM.',
    );
  }
}

/**
 * Throws when a cluster has more queues or pools than `pcluster` accepts.
 *
 * @param kind 'Slurm queue' or 'login node pool'
 */
export function checkCount(prop: string, kind: string, names: string[], max: number): void {
  if (names.length > max) {
    throw new Error(
      `${prop} has ${names.length} ${kind}s, but ParallelCluster accepts at most ${max} per cluster ` +
      `(MaxCountValidator). Merge ${kind}s, or split them over several clusters (one ParallelClusterIam each).`,
    );
  }
}
