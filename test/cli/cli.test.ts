import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { sharedCompiledCopy } from '../support/transpile';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'cluster-config.yaml');

// A run synthesizes in a separate process: slow on a busy machine.
jest.setTimeout(300_000);

const PROGRESS = /^cdk-parallelcluster-iam: synthesizing the roles for .* \(stack [\w-]+\); this takes a few seconds\.\.\.$/;

// The tool as JavaScript, as the package installs it (lib/cli/main.js), but compiled from the current source
// (test/support/transpile.ts, shared by the test files of the run): a run starts in about 1 s, against about 4 s
// with ts-node.
let compiled: string;
beforeAll(() => {
  compiled = sharedCompiledCopy();
});

/** Runs the command line tool as a user does: a separate Node.js process, no CDK app. */
function cli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(compiled, 'src', 'cli', 'main.js'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf-8',
    // The test file's process.env: its TMPDIR (temp-dirs-per-file.ts), where the tool synthesizes.
    env: { ...process.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('writes the template, the completed configuration and the report, and prints the summary', () => {
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', EXAMPLE, '--account', '123456789012', '--parallelcluster-version', '3.16', '--cluster-name', 'genomics', '--out', out]);
  // Only the progress line: no warning with --cluster-name.
  expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(PROGRESS)]);
  expect(run.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual([
    'pcluster-iam-cluster-config.iam-report.md',
    'pcluster-iam-cluster-config.pcluster-config.yaml',
    'pcluster-iam-cluster-config.template.json',
  ]);
  // The summary table: one row per role.
  expect(run.stdout).toMatch(/^Role +ARN +Managed policies +Largest policy$/m);
  for (const role of ['HeadNodeRole', 'ComputeNodeRole-cpu', 'ComputeNodeRole-gpu-spot', 'ComputeNodeRole-highmem', 'LoginNodeRole-login', 'UserRole']) {
    expect(run.stdout).toMatch(new RegExp(`^${role} +arn:aws:iam::123456789012:role/`, 'm'));
  }
  // A plain CloudFormation template: IAM resources only, no bootstrap version rule or asset parameters.
  const templateText = fs.readFileSync(path.join(out, 'pcluster-iam-cluster-config.template.json'), 'utf-8');
  // Deployable with `aws cloudformation deploy --template-file` (at most 51,200 bytes, no S3 bucket).
  expect(templateText.length).toBeLessThan(51_200);
  const template = JSON.parse(templateText);
  const types = new Set(Object.values<any>(template.Resources).map((r) => r.Type));
  expect([...types].every((t) => t.startsWith('AWS::IAM::'))).toBe(true);
  expect(template.Rules).toBeUndefined();
  expect(template.Parameters).toBeUndefined();
  // The completed configuration names the template's roles.
  const completed = parse(fs.readFileSync(path.join(out, 'pcluster-iam-cluster-config.pcluster-config.yaml'), 'utf-8'));
  const roleNames = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role').map((r) => r.Properties.RoleName);
  expect(roleNames).toContain(completed.HeadNode.Iam.InstanceRole.split('/').pop());
  expect(roleNames).toContain(completed.Scheduling.SlurmQueues[1].Iam.InstanceRole.split('/').pop());
  const report = fs.readFileSync(path.join(out, 'pcluster-iam-cluster-config.iam-report.md'), 'utf-8');
  expect(report).toContain('## Derived from the configuration');
  // --cluster-name scopes the roles: the user role may create this cluster's stack only.
  const user = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
    .map((r) => JSON.stringify(r.Properties.PolicyDocument)).join('\n');
  expect(user).toContain('stack/genomics/*');
  expect(user).not.toMatch(/stack\/\*\//);

  // A second run of the same stack without --account: the older completed configuration is removed,
  // files of other stacks and unrelated files stay.
  fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
  fs.writeFileSync(path.join(out, 'pcluster-iam-other.pcluster-config.yaml'), 'other stack');
  const again = cli(['--cluster-config', EXAMPLE, '--cluster-name', 'genomics', '--quiet', '--out', out]);
  expect(again.stderr).toBe('');
  expect(again.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual([
    'notes.txt',
    'pcluster-iam-cluster-config.iam-report.md',
    'pcluster-iam-cluster-config.template.json',
    'pcluster-iam-other.pcluster-config.yaml',
  ]);
});

test('with an image configuration and a boundary mode, writes the completed image configuration', () => {
  const image = path.join(dir, 'image.yaml');
  fs.writeFileSync(image, 'Build:\n  InstanceType: c5.xlarge\n  ParentImage: ami-0123456789abcdef0\n');
  const boundary = 'arn:aws:iam::123456789012:policy/HpcBoundary';
  const config = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(config, fs.readFileSync(EXAMPLE, 'utf-8').replace('Region: us-east-1\n', `Region: us-east-1\nIam:\n  PermissionsBoundary: ${boundary}\n`));
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', config, '--image-config', image, `--mode=boundary=${boundary}`, '--account', '123456789012', '--out', out,
    '--user-principal', 'arn:aws:iam::123456789012:role/hpc-admins', '--iam-path', '/hpc/', '--ack', 'noClusterName', '--quiet']);
  // The unscoped warning is acknowledged.
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const template = JSON.parse(fs.readFileSync(path.join(out, 'pcluster-iam-cluster.template.json'), 'utf-8'));
  const roles = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
  const user = roles.find((r) => r.Properties.Path !== '/hpc/');
  expect(user.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::123456789012:role/hpc-admins' });
  expect(roles.filter((r) => r.Properties.Path === '/hpc/')).toHaveLength(roles.length - 1);
  const completed = parse(fs.readFileSync(path.join(out, 'pcluster-iam-cluster.pcluster-image-config.yaml'), 'utf-8'));
  expect(completed.Build.Iam.PermissionsBoundary).toBe(boundary);
  // --iam-path puts the cluster roles on /hpc/.
  expect(completed.Build.Iam.InstanceRole).toMatch(/^arn:aws:iam::123456789012:role\/hpc\//);
});

test('without --cluster-name: the unscoped warning says how to scope or acknowledge it in flags', () => {
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', EXAMPLE, '--out', out]);
  expect(run.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['pcluster-iam-cluster-config.iam-report.md', 'pcluster-iam-cluster-config.template.json']);
  expect(run.stdout).toContain('give --account');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(PROGRESS);
  expect(lines.slice(1)).toEqual([expect.stringMatching(
    /^warning: --cluster-name is not set: .*every cluster in the account.* Set --cluster-name to .* \(acknowledge with --ack noClusterName\)$/)]);
  expect(run.stderr).not.toMatch(/\[ack:|clusterName/);
});

test('stdin, a policy of another account, and --strict: every warning, one error, nothing written', () => {
  const out = path.join(dir, 'out');
  const text = fs.readFileSync(EXAMPLE, 'utf-8').replace('  Iam:\n',
    '  Iam:\n    AdditionalIamPolicies:\n      - Policy: arn:aws:iam::444455556666:policy/Boundary\n');
  const line = text.split('\n').findIndex((l) => l.includes('444455556666')) + 1;
  const run = cli(['--cluster-config', '-', '--stack-name', 'from-stdin', '--account', '123456789012', '--mode', 'privileged', '--strict', '--quiet', '--out', out], text);
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  expect(fs.existsSync(out)).toBe(false);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines).toEqual(expect.arrayContaining([
    expect.stringMatching(new RegExp(`^warning: <stdin>:${line}: the policy arn:aws:iam::444455556666:policy/Boundary is in account 444455556666, ` +
      'not --account 123456789012: .*\\(acknowledge with --ack policyInOtherAccount\\)$')),
    expect.stringMatching(/^warning: --mode privileged: .*\(acknowledge with --ack privilegedMode\)$/),
    expect.stringMatching(/^warning: --cluster-name is not set: .*\(acknowledge with --ack noClusterName\)$/),
  ]));
  expect(lines[lines.length - 1]).toMatch(/^cdk-parallelcluster-iam: --strict: 3 warnings not acknowledged; nothing was written/);
});

test('--ack takes a comma list and full IDs: --strict then passes', () => {
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', EXAMPLE, '--mode', 'privileged', '--strict', '--quiet', '--out', out,
    '--ack', 'noClusterName,cdk-parallelcluster-iam:privilegedMode']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(fs.readdirSync(out)).toContain('pcluster-iam-cluster-config.template.json');
});

test('--version prints the tool\'s version from package.json', () => {
  const run = cli(['--version']);
  expect(run.status).toBe(0);
  expect(run.stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version}\n`);
});

test.each<[string, (d: string) => string[], number, RegExp]>([
  ['invalid YAML', (d) => ['--cluster-config', write(d, 'bad.yaml', 'Region: us-east-1\nScheduling:\n  Scheduler: [slurm\nHeadNode: {}\n')], 1,
    /bad\.yaml:3: invalid YAML: .*\(line 3: "Scheduler: \[slurm"\)/],
  ['a bad queue name', (d) => ['--cluster-config', write(d, 'bad.yaml', fs.readFileSync(EXAMPLE, 'utf-8').replace('Name: highmem', 'Name: High_Mem'))],
    1, /bad\.yaml:\d+: Scheduling\/SlurmQueues\[2\]\/Name 'High_Mem' is not a valid queue name/],
  ['a missing file', (d) => ['--cluster-config', path.join(d, 'none.yaml')], 1, /Cannot read the cluster configuration file/],
  ['no --cluster-config', () => [], 2, /--cluster-config FILE is required/],
  ['an unknown mode', () => ['--cluster-config', EXAMPLE, '--mode', 'admin'], 2, /--mode 'admin' is not restricted, privileged or boundary=<policy ARN>/],
  ['a bad account', () => ['--cluster-config', EXAMPLE, '--account', '12345'], 1, /--account '12345' is not a 12-digit AWS account id/],
  ['a region other than the file\'s', () => ['--cluster-config', EXAMPLE, '--region', 'eu-west-1', '--account', '123456789012'], 1,
    /cluster-config\.yaml:\d+: Region is 'us-east-1' but --region is 'eu-west-1'/],
  ['AWS Batch on 3.16', (d) => ['--cluster-config', batch(d), '--parallelcluster-version', '3.16', '--mode', 'privileged'],
    1, /batch\.yaml:3: Scheduling\/Scheduler is 'awsbatch', but ParallelCluster 3\.16 has no AWS Batch \(removed in 3\.16; 3\.15 is the last release with it\): .*give --parallelcluster-version 3\.15/],
  ['AWS Batch without a release', (d) => ['--cluster-config', batch(d), '--mode', 'privileged'],
    1, /batch\.yaml:3: .*ParallelCluster 3\.16 \(the default\) has no AWS Batch.*--parallelcluster-version 3\.15/],
  ['AWS Batch in restricted mode', (d) => ['--cluster-config', batch(d), '--parallelcluster-version', '3.15'],
    1, /batch\.yaml:3: .*--mode restricted \(the default\) forbids: give --mode boundary=<policy ARN> .* or --mode privileged\n$/],
  ['a boundary of another account', (d) => ['--cluster-config', write(d, 'foreign.yaml', fs.readFileSync(EXAMPLE, 'utf-8').replace('Region: us-east-1\n',
    'Region: us-east-1\nIam:\n  PermissionsBoundary: arn:aws:iam::444455556666:policy/Boundary\n')), '--account', '123456789012'],
  1, /foreign\.yaml:7: the permissions boundary arn:aws:iam::444455556666:policy\/Boundary is in account 444455556666, not --account 123456789012/],
  ['Os: alinux2 on 3.16', (d) => ['--cluster-config', write(d, 'al2.yaml', fs.readFileSync(EXAMPLE, 'utf-8').replace(/Os: \w+/, 'Os: alinux2'))],
    1, /al2\.yaml:\d+: Image\/Os is 'alinux2'.* or set --parallelcluster-version 3\.15 for a cluster of ParallelCluster 3\.15 or earlier/],
  ['the old --version RELEASE', () => ['--cluster-config', EXAMPLE, '--version', '3.16'], 2, /--version prints this tool's version: .*--parallelcluster-version 3\.16/],
  ['a bad cluster name', () => ['--cluster-config', EXAMPLE, '--cluster-name', 'Team_A'], 1, /--cluster-name 'Team_A' is not a valid ParallelCluster cluster name/],
  ['two cluster names', () => ['--cluster-config', EXAMPLE, '--cluster-name', 'a,b'], 2, /--cluster-name names 2 clusters \(a, b\): .*once per cluster/],
  ['a bad IAM path', () => ['--cluster-config', EXAMPLE, '--iam-path', '/'], 1, /--iam-path '\/' would make every role in the account a cluster role/],
  ['a wildcard principal', () => ['--cluster-config', EXAMPLE, '--user-principal', 'arn:aws:iam::*:root'], 1, /--user-principal 'arn:aws:iam::\*:root' is not an account ID/],
  ['stdin twice', () => ['--cluster-config', '-', '--image-config', '-'], 2, /cannot both read standard input/],
  ['an unknown argument', () => ['--cluster-config', EXAMPLE, '--cluster', 'x'], 2, /unknown argument '--cluster'/],
])('%s: one-line error and a non-zero exit', (_name, args, status, error) => {
  const run = cli(args(dir));
  expect(run.status).toBe(status);
  expect(run.stdout).toBe('');
  // Errors found while building the roles come after the progress line.
  const stderr = run.stderr.replace(/^cdk-parallelcluster-iam: synthesizing [^\n]*\n/, '');
  expect(stderr).toMatch(/^cdk-parallelcluster-iam: [^\n]+\n$/);
  expect(stderr).toMatch(error);
});

test('--help prints the usage, every flag and examples', () => {
  const run = cli(['--help']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Usage: cdk-parallelcluster-iam --cluster-config FILE');
  const source = fs.readFileSync(path.join(ROOT, 'src', 'cli', 'main.ts'), 'utf-8');
  const flags = new Set([...source.matchAll(/'(--[a-z-]+)'/g)].map((m) => m[1]));
  expect(flags.size).toBeGreaterThan(15);
  for (const flag of flags) {
    expect(run.stdout).toMatch(new RegExp(`^  ${flag}\\b`, 'm'));
  }
  expect(run.stdout).toMatch(/^Examples:\n  cdk-parallelcluster-iam --cluster-config /m);
});

test('an error in a configuration read from stdin names <stdin> and the line', () => {
  const run = cli(['--cluster-config', '-'], 'Region: us-east-1\nScheduling:\n  Scheduler: pbs\n');
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/^cdk-parallelcluster-iam: <stdin>:3: Scheduling\/Scheduler is 'pbs'/);
});

function batch(d: string): string {
  return write(d, 'batch.yaml', 'Region: us-east-1\nScheduling:\n  Scheduler: awsbatch\n');
}

function write(d: string, name: string, text: string): string {
  const file = path.join(d, name);
  fs.writeFileSync(file, text);
  return file;
}
