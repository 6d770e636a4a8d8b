/*
 * Writes the completed configurations of the repository's example configuration files (and of any
 * files given on the command line) to a directory, so that CI can load them with ParallelCluster's own
 * schema (scripts/pcluster-schema-check.py):
 *
 *   ts-node --project tsconfig.dev.json scripts/completed-configs.ts OUT_DIR [cluster.yaml ...]
 *
 * Each file is synthesized in a stack with a concrete account and region, so every ARN is known and
 * written as text; the completed file is `<name>.completed.yaml` in OUT_DIR.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, IamAccessMode, ParallelClusterIam, Scheduler } from '../src';

const [outDir, ...given] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: completed-configs.ts OUT_DIR [cluster-config.yaml ...]');
  process.exit(2);
}
const files = given.length > 0 ? given : [path.join(__dirname, '..', 'examples', 'cluster-config.yaml')];
fs.mkdirSync(outDir, { recursive: true });
for (const file of files) {
  const config = ClusterConfiguration.fromFile(file);
  const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'completed-configs-'));
  try {
    const app = new App({ outdir: assembly });
    const stack = new Stack(app, 'Cluster', { env: { account: '123456789012', region: config.region ?? 'us-east-1' } });
    // ParallelCluster creates AWS Batch clusters' roles itself, so their user needs IAM rights.
    new ParallelClusterIam(stack, 'Iam', {
      configuration: config,
      iamAccessMode: config.scheduler === Scheduler.AWS_BATCH ? IamAccessMode.privileged() : undefined,
    });
    app.synth();
    const target = path.join(outDir, `${path.basename(file).replace(/\.ya?ml$/, '')}.completed.yaml`);
    fs.copyFileSync(path.join(assembly, 'Cluster.pcluster-config.yaml'), target);
    console.log(target);
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}
