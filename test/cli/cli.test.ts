import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLE = path.join(ROOT, 'examples', 'cluster-config.yaml');

/** Runs the command line tool as a user does: a separate Node.js process, no CDK app. */
function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register', path.join(ROOT, 'src', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf-8',
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: '1' },
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
  const run = cli(['--cluster-config', EXAMPLE, '--account', '123456789012', '--version', '3.16', '--out', out]);
  expect(run.stderr).toBe('');
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
});

test('with an image configuration and a boundary mode, writes the completed image configuration', () => {
  const image = path.join(dir, 'image.yaml');
  fs.writeFileSync(image, 'Build:\n  InstanceType: c5.xlarge\n  ParentImage: ami-0123456789abcdef0\n');
  const boundary = 'arn:aws:iam::123456789012:policy/HpcBoundary';
  const config = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(config, fs.readFileSync(EXAMPLE, 'utf-8').replace('Region: us-east-1\n', `Region: us-east-1\nIam:\n  PermissionsBoundary: ${boundary}\n`));
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', config, '--image-config', image, `--mode=boundary=${boundary}`, '--account', '123456789012', '--out', out]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const completed = parse(fs.readFileSync(path.join(out, 'pcluster-iam-cluster.pcluster-image-config.yaml'), 'utf-8'));
  expect(completed.Build.Iam.PermissionsBoundary).toBe(boundary);
  expect(completed.Build.Iam.InstanceRole).toMatch(/^arn:aws:iam::123456789012:role\/parallelcluster\//);
});

test('without --account: the template and report, and a note that the completed configuration needs the account', () => {
  const out = path.join(dir, 'out');
  const run = cli(['--cluster-config', EXAMPLE, '--out', out]);
  expect(run.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['pcluster-iam-cluster-config.iam-report.md', 'pcluster-iam-cluster-config.template.json']);
  expect(run.stdout).toContain('give --account');
});

test.each<[string, (d: string) => string[], number, RegExp]>([
  ['invalid YAML', (d) => ['--cluster-config', write(d, 'bad.yaml', 'Scheduling:\n  Scheduler: [slurm\n')], 1, /bad\.yaml:\d+:\d+: invalid YAML/],
  ['a bad queue name', (d) => ['--cluster-config', write(d, 'bad.yaml', fs.readFileSync(EXAMPLE, 'utf-8').replace('Name: highmem', 'Name: High_Mem'))],
    1, /bad\.yaml:\d+: Scheduling\/SlurmQueues\[2\]\/Name 'High_Mem' is not a valid queue name/],
  ['a missing file', (d) => ['--cluster-config', path.join(d, 'none.yaml')], 1, /Cannot read the cluster configuration file/],
  ['no --cluster-config', () => [], 2, /--cluster-config FILE is required/],
  ['an unknown mode', () => ['--cluster-config', EXAMPLE, '--mode', 'admin'], 2, /--mode 'admin' is not restricted, privileged or boundary=<policy ARN>/],
  ['a bad account', () => ['--cluster-config', EXAMPLE, '--account', '12345'], 1, /--account '12345' is not a 12-digit AWS account id/],
  ['a region other than the file\'s', () => ['--cluster-config', EXAMPLE, '--region', 'eu-west-1', '--account', '123456789012'], 1,
    /Region is 'us-east-1' but the stack .* is in 'eu-west-1'/],
  ['AWS Batch on 3.16', (d) => ['--cluster-config', write(d, 'batch.yaml', 'Region: us-east-1\nScheduling:\n  Scheduler: awsbatch\n'), '--version', '3.16', '--mode', 'privileged'],
    1, /'awsbatch', which ParallelCluster 3.16 no longer supports/],
  ['an unknown argument', () => ['--cluster-config', EXAMPLE, '--cluster', 'x'], 2, /unknown argument '--cluster'/],
])('%s: one-line error and a non-zero exit', (_name, args, status, error) => {
  const run = cli(args(dir));
  expect(run.status).toBe(status);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^cdk-parallelcluster-iam: [^\n]+\n$/);
  expect(run.stderr).toMatch(error);
});

test('--help prints the usage', () => {
  const run = cli(['--help']);
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('Usage: cdk-parallelcluster-iam --cluster-config FILE');
});

function write(d: string, name: string, text: string): string {
  const file = path.join(d, name);
  fs.writeFileSync(file, text);
  return file;
}
