import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { sharedCompiledCopy } from '../support/transpile';

/*
 * examples/from-config-file.ts, run as a user runs it: the example configuration in, the completed one out. As
 * JavaScript compiled from the current source (test/support/transpile.ts): `npx projen typecheck` type-checks it.
 */
test('the config-file example app writes the completed configuration of examples/cluster-config.yaml', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-example-'));
  try {
    const root = path.join(__dirname, '..', '..');
    const printed = execFileSync(process.execPath, [path.join(sharedCompiledCopy(), 'examples', 'from-config-file.js')], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CONFIG_EXAMPLE_OUTDIR: outdir },
      encoding: 'utf-8',
    });
    const file = path.join(outdir, 'GenomicsClusterIam.pcluster-config.yaml');
    expect(printed.trim()).toBe(`Completed configuration: ${file}`);
    const completed = parse(fs.readFileSync(file, 'utf-8'));
    const original = parse(fs.readFileSync(path.join(root, 'examples', 'cluster-config.yaml'), 'utf-8'));
    expect(completed.Scheduling.SlurmQueues.map((q: any) => q.Name)).toEqual(original.Scheduling.SlurmQueues.map((q: any) => q.Name));
    for (const queue of completed.Scheduling.SlurmQueues) {
      expect(queue.Iam).toEqual({ InstanceRole: expect.stringMatching(/^arn:aws:iam::123456789012:role\/parallelcluster\/GenomicsClusterIam-Iam-Queue-/) });
    }
    expect(fs.existsSync(path.join(outdir, 'GenomicsClusterIam.template.json'))).toBe(true);
    expect(fs.existsSync(path.join(outdir, 'GenomicsClusterIam.iam-report.md'))).toBe(true);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
