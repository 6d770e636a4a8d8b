/*
 * Writes the completed configurations of the repository's example configuration files (and of any
 * cluster files given on the command line) to a directory, so that CI can load them with
 * ParallelCluster's own schema (scripts/pcluster-schema-check.py):
 *
 *   ts-node --project tsconfig.dev.json scripts/completed-configs.ts OUT_DIR [cluster.yaml ...]
 *
 * Each file is synthesized in a stack with a concrete account and region, so every ARN is known and
 * written as text. OUT_DIR/cluster/<name>.yaml are completed cluster configurations, and
 * OUT_DIR/image/<name>.yaml (examples/image-config.yaml, with the example cluster) the completed
 * build-image configuration. scripts/schema-check-inputs.ts calls writeCompletedConfigs in the one
 * process that writes all of the schema check's inputs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, IamAccessMode, ImageConfiguration, ParallelClusterIam, Scheduler } from '../src';
import { runWriter, withScratchApp } from './lib/config-writers';

/** Writes the completed configurations into outDir and returns the files written. */
export function writeCompletedConfigs(outDir: string, given: string[] = []): string[] {
  const examples = path.join(__dirname, '..', 'examples');
  const files = given.length > 0 ? given : [path.join(examples, 'cluster-config.yaml')];
  for (const kind of ['cluster', 'image']) {
    fs.mkdirSync(path.join(outDir, kind), { recursive: true });
  }
  const written: string[] = [];
  for (const file of files) {
    const config = ClusterConfiguration.fromFile(file);
    withScratchApp('completed-configs', (app, assembly) => {
      const stack = new Stack(app, 'Cluster', { env: { account: '123456789012', region: config.region ?? 'us-east-1' } });
      // ParallelCluster creates AWS Batch clusters' roles itself, so their user needs IAM rights.
      // The example cluster also gets the example build-image configuration.
      const withImage = given.length === 0;
      new ParallelClusterIam(stack, 'Iam', {
        configuration: config,
        imageConfiguration: withImage ? ImageConfiguration.fromFile(path.join(examples, 'image-config.yaml')) : undefined,
        iamAccessMode: config.scheduler === Scheduler.AWS_BATCH ? IamAccessMode.privileged() : undefined,
      });
      app.synth();
      const target = path.join(outDir, 'cluster', path.basename(file));
      fs.copyFileSync(path.join(assembly, 'Cluster.pcluster-config.yaml'), target);
      written.push(target);
      if (withImage) {
        const image = path.join(outDir, 'image', 'image-config.yaml');
        fs.copyFileSync(path.join(assembly, 'Cluster.pcluster-image-config.yaml'), image);
        written.push(image);
      }
    });
  }
  return written;
}

if (require.main === module) {
  runWriter(__filename, writeCompletedConfigs);
}
