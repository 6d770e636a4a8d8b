/*
 * jest setupFilesAfterEnv: each test file gets its own temporary directory, which is removed with
 * everything in it once the file's tests have run.
 *
 * A test file sees a copy of process.env, while Node's os.tmpdir() reads the real environment of the
 * worker (test/proof/temp-dirs.test.ts shows both), so setting TMPDIR here alone would not move anything.
 * For the duration of the file, os.tmpdir() therefore returns the file's TMPDIR, read at each call as
 * Node does. aws-cdk-lib, which each test file loads afresh, takes its temporary directory from
 * os.tmpdir() on first use: every `new App()` without `outdir` synthesizes into the file's directory.
 * Child processes inherit TMPDIR. temp-dirs-global-teardown.ts fails the run if anything is left over.
 */
import * as fs from 'fs';
import * as path from 'path';

// The module object itself (an `import * as` binding is a read-only copy of its properties).
const os: typeof import('os') = jest.requireActual('os');
const names = ['TMPDIR', 'TEMP', 'TMP'];
const previous = names.map((name) => process.env[name]);
const nodeTmpdir = os.tmpdir;
const fileDir = fs.mkdtempSync(path.join(nodeTmpdir(), 'file-'));
names.forEach((name) => (process.env[name] = fileDir));
os.tmpdir = () => process.env.TMPDIR || nodeTmpdir();

afterAll(() => {
  os.tmpdir = nodeTmpdir;
  names.forEach((name, i) => {
    if (previous[i] === undefined) delete process.env[name];
    else process.env[name] = previous[i];
  });
  fs.rmSync(fileDir, { recursive: true, force: true });
});
