/*
 * A whole ParallelCluster cluster with `cdk deploy`: the cluster of examples/cluster-config.yaml, created
 * by ParallelCluster's own CloudFormation custom resource, whose provider runs under this library's
 * least-privilege role. Synthesize it offline with
 * `npx ts-node --project tsconfig.dev.json examples/cluster.ts` (writes `cluster-example.out/`, or
 * CLUSTER_EXAMPLE_OUTDIR); deploy it with `cdk deploy --app 'npx ts-node --project tsconfig.dev.json
 * examples/cluster.ts'` after replacing the account, subnets and secrets in the configuration file.
 */
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, ClusterDeletionPolicy, ParallelCluster } from '../src';

const app = new App({ outdir: process.env.CLUSTER_EXAMPLE_OUTDIR ?? 'cluster-example.out' });
const stack = new Stack(app, 'GenomicsHpc', {
  env: { account: '123456789012', region: 'us-east-1' },
  // The stack holds a running cluster: make deleting it a deliberate act.
  terminationProtection: true,
});
const cluster = new ParallelCluster(stack, 'Cluster', {
  configuration: ClusterConfiguration.fromFile(path.join(__dirname, 'cluster-config.yaml')),
  clusterName: 'genomics-1',
  // Deleting the stack (after lifting termination protection) leaves the cluster running.
  deletionPolicy: ClusterDeletionPolicy.RETAIN,
});
new CfnOutput(stack, 'HeadNode', { value: cluster.headNodeInstanceId });
app.synth();
