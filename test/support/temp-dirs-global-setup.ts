/*
 * jest globalSetup: every test run gets one fresh temporary directory, set as TMPDIR (and TEMP/TMP) before
 * the test workers start, so that everything a test creates with os.tmpdir() lands in it: the cdk.out*
 * directory of each `new App()` without `outdir`, scratch directories, the files of child processes.
 * temp-dirs-global-teardown.ts checks that the run left it empty. See temp-dirs-per-file.ts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const RUN_DIR_ENV = 'PCLUSTER_IAM_TEST_TMPDIR';
export const ORIGINAL_TMPDIR_ENV = 'PCLUSTER_IAM_ORIGINAL_TMPDIR';
/** The entry of the run's directory that test files share: the compiled source (transpile.ts, sharedCompiledCopy). */
export const SHARED_COPY = 'compiled-source';

export default function globalSetup(): void {
  const original = os.tmpdir();
  const runDir = fs.mkdtempSync(path.join(original, 'pcluster-iam-jest-'));
  process.env[ORIGINAL_TMPDIR_ENV] = original;
  process.env[RUN_DIR_ENV] = runDir;
  for (const name of ['TMPDIR', 'TEMP', 'TMP']) {
    process.env[name] = runDir;
  }
}
