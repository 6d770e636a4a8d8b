// One whole process of `npx projen bench`: a cluster with N Slurm queues, a login node pool, FSx for Lustre,
// image builds and a permissions boundary imported by name, built with the compiled library (lib/) as a
// user's app would, and synthesized into OUTDIR. It names no bucket and no secret: the library then loads
// aws-cdk-lib core and aws-iam only, as the raw app does (src/private/lazy-modules.ts).
// Usage: node synth-library.js <lib/index.js> <queues> <outdir>
// Prints its own CPU time (user + system, microseconds) as the last line.
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const [lib, queues, outdir] = process.argv.slice(2);
const { IamAccessMode, ParallelClusterIam } = require(lib);

const app = new App({ outdir });
const stack = new Stack(app, 'ParallelClusterIamExample', { env: { account: '111122223333', region: 'us-east-1' } });
new ParallelClusterIam(stack, 'Cluster', {
  slurmQueues: Array.from({ length: Number(queues) }, (_, i) => `q${i}`),
  loginNodePools: ['login'],
  enableFsxLustre: true,
  enableImageBuilder: true,
  iamAccessMode: IamAccessMode.permissionsBoundary(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary')),
  clusterName: 'hpc',
});
app.synth();

const cpu = process.cpuUsage();
console.log(cpu.user + cpu.system);
