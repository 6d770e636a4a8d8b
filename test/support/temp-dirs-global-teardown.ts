/*
 * jest globalTeardown: fails the run when a test left anything in the run's temporary directory (see
 * temp-dirs-global-setup.ts), then removes it. Each test file's directory is removed by
 * temp-dirs-per-file.ts, so anything left here escaped that cleanup.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ORIGINAL_TMPDIR_ENV, RUN_DIR_ENV, SHARED_COPY } from './temp-dirs-global-setup';

export default function globalTeardown(): void {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir === undefined || !fs.existsSync(runDir)) {
    return;
  }
  // The one entry the test files share on purpose (transpile.ts), not left over by any of them.
  fs.rmSync(path.join(runDir, SHARED_COPY), { recursive: true, force: true });
  const left = fs.readdirSync(runDir);
  fs.rmSync(runDir, { recursive: true, force: true });
  const original = process.env[ORIGINAL_TMPDIR_ENV];
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) {
    process.env[name] = original;
  }
  if (left.length > 0) {
    throw new Error(`The tests left ${left.length} entries in their temporary directory ${runDir}: ${left.slice(0, 10).join(', ')}`);
  }
}
