// One whole process of `npx projen bench`: the example cluster (examples/example-cluster.ts, transpiled by
// scripts/bench.ts to use the compiled library in lib/) with N Slurm queues, synthesized into OUTDIR.
// Usage: node synth-library.js <example-cluster.js> <queues> <outdir>
// Prints its own CPU time (user + system, microseconds) as the last line.
const { App, Stack } = require('aws-cdk-lib');
const [example, queues, outdir] = process.argv.slice(2);
const { addExampleCluster } = require(example);

const app = new App({ outdir });
const stack = new Stack(app, 'ParallelClusterIamExample', { env: { account: '111122223333', region: 'us-east-1' } });
addExampleCluster(stack, { slurmQueues: Array.from({ length: Number(queues) }, (_, i) => (i === 0 ? 'cpu' : i === 1 ? 'gpu' : `q${i}`)) });
app.synth();

const cpu = process.cpuUsage();
console.log(cpu.user + cpu.system);
