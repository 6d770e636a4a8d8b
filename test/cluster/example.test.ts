import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sharedCompiledCopy } from '../support/transpile';

// examples/cluster.ts runs as documented and synthesizes the nested provider and the cluster resource. As
// JavaScript compiled from the current source (test/support/transpile.ts): `npx projen typecheck` type-checks it.
test('examples/cluster.ts synthesizes', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-example-'));
  try {
    const root = path.join(__dirname, '..', '..');
    const run = spawnSync(process.execPath, [path.join(sharedCompiledCopy(), 'examples', 'cluster.js')], {
      cwd: root, env: { ...process.env, CLUSTER_EXAMPLE_OUTDIR: out }, encoding: 'utf-8',
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const template = JSON.parse(fs.readFileSync(path.join(out, 'GenomicsHpc.template.json'), 'utf-8'));
    const types = Object.values<any>(template.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::CloudFormation::Stack');
    const [resource] = Object.values<any>(template.Resources).filter((r) => r.Type === 'Custom::PclusterCluster');
    expect(resource.Properties.ClusterName).toBe('genomics-1');
    expect(resource.Properties.DeletionPolicy).toBe('Retain');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 120_000);
