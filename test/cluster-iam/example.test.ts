import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { sharedCompiledCopy } from '../support/transpile';

/*
 * The README's main job: `npx projen example` runs examples/app.ts. This runs the same command offline
 * (no AWS credentials in its environment) into a temporary directory and checks what it prints and writes.
 */
describe('the example app', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  let printed = '';

  beforeAll(() => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, EXAMPLE_OUTDIR: outdir };
    // As JavaScript compiled from the current source (test/support/transpile.ts), not with ts-node, which
    // would also type-check it (about 13 s of CPU): `npx projen typecheck` does that.
    printed = execFileSync(process.execPath, [path.join(sharedCompiledCopy(), 'examples', 'app.js')],
      { cwd: path.join(__dirname, '..', '..'), env, encoding: 'utf-8' });
  }, 120_000);

  test('prints where the template, the config fragments and the report were written', () => {
    expect(printed).toContain(`Synthesized ParallelClusterIamExample (account 111122223333, us-east-1) into ${outdir}/`);
    for (const file of ['template.json', 'pcluster-config.yaml', 'pcluster-image-config.yaml', 'iam-report.md']) {
      const written = path.join(outdir, `ParallelClusterIamExample.${file}`);
      expect(printed).toContain(written);
      expect(fs.existsSync(written)).toBe(true);
    }
  });

  test('prints one summary row per role, every one within IAM quotas', () => {
    const rows = printed.split('\n').filter((line) => /^ {2}\S+\s+\d+ \/ 10\s+\d+\s+/.test(line));
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual([
      'ComputeNodeRole-cpu/Role',
      'ComputeNodeRole-gpu/Role',
      'HeadNodeRole/Role',
      'LoginNodeRole-login/Role',
      'LambdaFunctionsRole/Role',
      'ImageBuilderRoles/InstanceRole',
      'ImageBuilderRoles/CleanupLambdaRole',
      'UserRole/Role',
    ]);
    for (const row of rows) {
      const [, count, size] = /(\d+) \/ 10\s+\d+\s+(\d+) \/ 6144/.exec(row)!;
      expect(Number(count)).toBeLessThanOrEqual(10);
      expect(Number(size)).toBeLessThanOrEqual(6144);
    }
  });

  test('the cluster fragment has both queues, the login pool, the boundary and known ARNs', () => {
    const config = parse(fs.readFileSync(path.join(outdir, 'ParallelClusterIamExample.pcluster-config.yaml'), 'utf-8'));
    expect(config.Iam.PermissionsBoundary).toBe('arn:aws:iam::111122223333:policy/HpcBoundary');
    expect(config.Scheduling.SlurmQueues.map((q: any) => q.Name)).toEqual(['cpu', 'gpu']);
    expect(config.LoginNodes.Pools.map((p: any) => p.Name)).toEqual(['login']);
    expect(JSON.stringify(config)).not.toContain('${');
    expect(printed).toContain(fs.readFileSync(path.join(outdir, 'ParallelClusterIamExample.pcluster-config.yaml'), 'utf-8')
      .trimEnd().split('\n').map((l) => '  ' + l).join('\n'));
  });
});
