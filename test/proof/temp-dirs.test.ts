import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RUN_DIR_ENV } from '../support/temp-dirs-global-setup';

/*
 * Test runs leave no temporary directories behind (test/support/temp-dirs-*.ts): each test file works in
 * its own directory under the run's, which is removed after the file; the global teardown fails the run
 * if the run's directory is not empty at the end.
 */
describe('temporary directories of the tests', () => {
  test("os.tmpdir() reads the real environment's TMPDIR at each call, not a test file's copy of process.env", () => {
    const script = 'const os = require("os"); const a = os.tmpdir(); process.env.TMPDIR = "/elsewhere"; console.log(a, os.tmpdir())';
    const printed = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: '/first' }, encoding: 'utf-8' });
    expect(printed.trim()).toBe('/first /elsewhere');
    // In a test file, process.env is a copy: the per-file setup makes os.tmpdir() follow it.
    const saved = process.env.TMPDIR;
    try {
      process.env.TMPDIR = path.join(saved ?? '/tmp', 'elsewhere');
      expect(os.tmpdir()).toBe(process.env.TMPDIR);
    } finally {
      process.env.TMPDIR = saved;
    }
  });

  test("each test file's temporary directory is its own, inside the run's", () => {
    const runDir = process.env[RUN_DIR_ENV];
    expect(runDir).toBeDefined();
    expect(path.dirname(os.tmpdir())).toBe(runDir);
    expect(path.basename(os.tmpdir())).toMatch(/^file-/);
    expect(fs.existsSync(os.tmpdir())).toBe(true);
  });

  test('an App without outdir synthesizes into the test file\'s directory', () => {
    const app = new App();
    const stack = new Stack(app, 'Scratch');
    new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    const assembly = app.synth();
    expect(fs.realpathSync(path.dirname(assembly.directory))).toBe(fs.realpathSync(os.tmpdir()));
    expect(path.basename(assembly.directory)).toMatch(/^cdk\.out/);
  });
});
