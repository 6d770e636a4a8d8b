/*
 * Synthesizes every app scripts/lint-policies.sh lints, in one process, so that ts-node compiles the
 * library once instead of once per app (each compile is most of an app's synthesis time):
 *
 *   ts-node --project tsconfig.dev.json scripts/lint-apps.ts <fullest out dir>
 *
 * - examples/app.ts, the IAM example, into EXAMPLE_OUTDIR (its own default, example.out);
 * - examples/cluster.ts, the ParallelCluster example, into CLUSTER_EXAMPLE_OUTDIR (its own default,
 *   cluster-example.out);
 * - the fullest configuration (scripts/fullest-app.ts) into <fullest out dir>.
 *
 * The examples run as they do on their own (they synthesize when loaded); each app has its own App.
 */
import * as fs from 'fs';
import * as path from 'path';
import { synthFullest } from './fullest-app';

const fullestOut = process.argv[2];
if (!fullestOut) {
  console.error('usage: lint-apps.ts <fullest out dir>');
  process.exit(2);
}

for (const example of ['app.ts', 'cluster.ts']) {
  const file = path.join(__dirname, '..', 'examples', example);
  if (fs.existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(file);
  } else {
    console.log(`examples/${example} does not exist, skipped`);
  }
}

synthFullest(fullestOut);
