import { execFileSync } from 'child_process';
import * as path from 'path';
import { sharedCompiledCopy } from '../support/transpile';

/*
 * Loading the library loads aws-cdk-lib core and aws-iam only (src/private/lazy-modules.ts): a user who
 * passes no configuration file, bucket name or secret ARN does not pay for aws-s3, aws-secretsmanager
 * (and the aws-ec2, aws-lambda, aws-kms... they pull in) or the yaml package. Each case runs in a fresh
 * Node.js process, since jest's module registry hides what a real `require` loads: the library as JavaScript
 * compiled from the current source (test/support/transpile.ts), in the layout of the repository.
 */

/** The aws-cdk-lib submodules, `yaml` for the library's own yaml package, and the library's `src/config/*` and `src/cluster/*` modules that loading the library and running `script` load. */
function loadedBy(script: string): string[] {
  const program = `
    const before = new Set(Object.keys(require.cache));
    const lib = require('./src');
    ${script}
    // The library's own (bundled) yaml package, not the copy aws-cdk-lib bundles for itself.
    const ownYaml = require('path').dirname(require.resolve('yaml/package.json')) + '/';
    const loaded = new Set();
    for (const file of Object.keys(require.cache)) {
      if (before.has(file)) continue;
      if (file.startsWith(ownYaml)) { loaded.add('yaml'); continue; }
      const m = file.match(/node_modules\\/aws-cdk-lib\\/([^/]+)\\//);
      if (m && m[1] !== 'node_modules') loaded.add('aws-cdk-lib/' + m[1]);
      const own = file.match(/\\/src\\/((?:config|cluster)\\/[a-z-]+)\\.[jt]s$/);
      if (own) loaded.add('src/' + own[1]);
    }
    process.stdout.write(JSON.stringify([...loaded].sort()));
  `;
  // The test file's process.env: its TMPDIR (temp-dirs-per-file.ts).
  const out = execFileSync(process.execPath, ['-e', program], { cwd: sharedCompiledCopy(), env: { ...process.env }, encoding: 'utf-8' });
  return JSON.parse(out);
}

// aws-cdk-lib's core, the modules it loads for itself, and aws-iam.
const CORE = /^aws-cdk-lib\/(core|aws-iam|cx-api|region-info|cloud-assembly-schema)$/;

describe('loading the library', () => {
  test('loads no aws-cdk-lib module beyond core and aws-iam, and not the yaml package', () => {
    const loaded = loadedBy('new lib.ParallelClusterIam(new (require("aws-cdk-lib").Stack)(), "C", { slurmQueues: ["q"], clusterName: "c" });');
    const extra = loaded.filter((m) => !m.startsWith('src/') && !CORE.test(m));
    expect(extra).toEqual([]);
    expect(loaded).toContain('aws-cdk-lib/aws-iam');
  });

  test("the library's own modules for configuration files (the reader and the derivation) and the ParallelCluster construct load on first use", () => {
    const plain = loadedBy('new lib.ParallelClusterIam(new (require("aws-cdk-lib").Stack)(), "C", { slurmQueues: ["q"], clusterName: "c" });');
    expect(plain).not.toContain('src/config/model');
    expect(plain).not.toContain('src/config/source');
    expect(plain).not.toContain('src/config/derive');
    expect(plain).not.toContain('src/config/completed');
    expect(plain).not.toContain('src/cluster/provider');
    expect(plain).not.toContain('src/cluster/provider-role');
    expect(plain).not.toContain('src/cluster/serialize');
    const cluster = loadedBy(`
      const { App, Stack } = require('aws-cdk-lib');
      const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
      new lib.ParallelCluster(stack, 'P', { clusterName: 'c', configuration: lib.ClusterConfiguration.fromFile(${JSON.stringify(path.join(__dirname, '..', 'cluster', 'cluster.yaml'))}) });
    `);
    expect(cluster).toEqual(expect.arrayContaining([
      'src/config/derive', 'src/config/model', 'src/config/source', 'src/cluster/provider', 'src/cluster/provider-role', 'src/cluster/serialize',
    ]));
  });

  test('a configuration file loads yaml, and a bucket named in it loads aws-s3, on first use', () => {
    const loaded = loadedBy(`
      const fs = require('fs'); const os = require('os'); const p = require('path');
      const dir = fs.mkdtempSync(p.join(os.tmpdir(), 'lazy-'));
      const file = p.join(dir, 'c.yaml');
      fs.writeFileSync(file, require('fs').readFileSync('examples/cluster-config.yaml'));
      try {
        const { App, Stack } = require('aws-cdk-lib');
        const stack = new Stack(new App({ outdir: p.join(dir, 'out') }), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
        new lib.ParallelClusterIam(stack, 'C', { configuration: lib.ClusterConfiguration.fromFile(file) });
      } finally { fs.rmSync(dir, { recursive: true, force: true }); }
    `);
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('aws-cdk-lib/aws-s3');
  });
});
