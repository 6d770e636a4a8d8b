/*
 * The IAM of the cluster described by examples/cluster-config.yaml, derived from the file itself: run
 * it with `npx ts-node --project tsconfig.dev.json examples/from-config-file.ts`. It writes the template,
 * the completed configuration (the same file with its Iam sections filled in) and the permissions
 * report to `config-example.out/` (CONFIG_EXAMPLE_OUTDIR elsewhere), offline.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, ParallelClusterIam } from '../src';

const app = new App({ outdir: process.env.CONFIG_EXAMPLE_OUTDIR ?? 'config-example.out' });
// The account and region make every role ARN known at synthesis, so the completed file is written.
const stack = new Stack(app, 'GenomicsClusterIam', { env: { account: '123456789012', region: 'us-east-1' } });
new ParallelClusterIam(stack, 'Iam', {
  // The name given to `pcluster create-cluster --cluster-name`: the roles reach this cluster's resources only.
  clusterName: 'genomics',
  configuration: ClusterConfiguration.fromFile(path.join(__dirname, 'cluster-config.yaml')),
});
const assembly = app.synth();
console.log(`Completed configuration: ${path.join(assembly.directory, `${stack.artifactId}.pcluster-config.yaml`)}`);
