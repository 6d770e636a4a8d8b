/*
 * What the schema check's configuration writers (scripts/completed-configs.ts, scripts/cluster-resource-config.ts)
 * share: each synthesizes an app per configuration file into a scratch directory, and each also runs on its own
 * from the command line.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';

/**
 * Runs `use` with an app whose cloud assembly goes to a new scratch directory (named after `prefix`, in the
 * system's temporary directory), and removes that directory afterwards, also when `use` throws.
 */
export function withScratchApp<T>(prefix: string, use: (app: App, assembly: string) => T): T {
  const assembly = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  try {
    return use(new App({ outdir: assembly }), assembly);
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}

/**
 * The command line of a writer `write(OUT_DIR, files)`: `ts-node SCRIPT OUT_DIR [cluster-config.yaml ...]`. It
 * prints each file written, and exits 2 without OUT_DIR.
 */
export function runWriter(script: string, write: (outDir: string, given: string[]) => string[]): void {
  const [outDir, ...given] = process.argv.slice(2);
  if (!outDir) {
    console.error(`usage: ${path.basename(script)} OUT_DIR [cluster-config.yaml ...]`);
    process.exit(2);
  }
  for (const file of write(outDir, given)) {
    console.log(file);
  }
}
