/** The job scheduler of a ParallelCluster cluster (`Scheduling/Scheduler` in its configuration). */
export enum Scheduler {
  /** Slurm, ParallelCluster's default. */
  SLURM = 'slurm',
  /** AWS Batch. */
  AWS_BATCH = 'awsbatch',
}
