#!/usr/bin/env node
/*
 * cdk-parallelcluster-iam: least-privilege IAM for a ParallelCluster configuration file, for IAM
 * administrators who do not write CDK. It builds a CDK app in memory, synthesizes it and writes the
 * CloudFormation template, the completed configuration(s) and the permissions report to a directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterIam } from '../cluster-iam/parallel-cluster-iam';
import { PermissionsReport } from '../cluster-iam/permissions-report';
import { ClusterConfiguration, ImageConfiguration } from '../config/cluster-configuration';
import { IamAccessMode } from '../iam-access-mode';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { Scheduler } from '../scheduler';

const USAGE = `Usage: cdk-parallelcluster-iam --cluster-config FILE [options]

Creates least-privilege IAM roles for a ParallelCluster 3 cluster configuration and writes, to --out:
  <stack>.template.json          CloudFormation template (aws cloudformation deploy --capabilities CAPABILITY_NAMED_IAM)
  <stack>.pcluster-config.yaml   the configuration with its Iam sections filled in (needs --account)
  <stack>.pcluster-image-config.yaml   the same for --image-config
  <stack>.iam-report.md          what every role grants

Options:
  --cluster-config FILE   the cluster configuration (required)
  --image-config FILE     a build-image configuration: also create the image build's roles
  --mode MODE             restricted (default), privileged, or boundary=POLICY_ARN
  --account ID            the AWS account (12 digits); without it the role ARNs, and so the completed
                          configuration, are only known after deployment
  --region REGION         the cluster's region (default: the file's Region)
  --version RELEASE       the ParallelCluster release, for example 3.16 (default: the newest revision)
  --stack-name NAME       the CloudFormation stack name (default: from the file name)
  --out DIR               output directory (default: pcluster-iam.out)
  --allow-external-roles  accept roles the file names that are off the cluster path or in another account
  --help                  this text
`;

/** A bad command line or input: printed as one line, exit code 1 (2 for usage). */
class CliError extends Error {
  constructor(message: string, public readonly exitCode = 1) {
    super(message);
  }
}

interface Options {
  readonly clusterConfig: string;
  readonly imageConfig?: string;
  readonly mode: string;
  readonly account?: string;
  readonly region?: string;
  readonly version?: string;
  readonly stackName?: string;
  readonly out: string;
  readonly allowExternalRoles?: boolean;
}

const FLAGS: Record<string, keyof Options> = {
  '--cluster-config': 'clusterConfig',
  '--image-config': 'imageConfig',
  '--mode': 'mode',
  '--account': 'account',
  '--region': 'region',
  '--version': 'version',
  '--stack-name': 'stackName',
  '--out': 'out',
};

function parseArgs(args: string[]): Options | undefined {
  const values: Partial<Record<keyof Options, string>> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      return undefined;
    }
    if (arg === '--allow-external-roles') {
      (values as Record<string, unknown>).allowExternalRoles = true;
      continue;
    }
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = FLAGS[flag];
    if (key === undefined) {
      throw new CliError(`unknown argument '${arg}' (see --help)`, 2);
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '') {
      throw new CliError(`${flag} needs a value (see --help)`, 2);
    }
    values[key] = value;
  }
  if (values.clusterConfig === undefined) {
    throw new CliError('--cluster-config FILE is required (see --help)', 2);
  }
  return { mode: 'restricted', out: 'pcluster-iam.out', ...values } as Options;
}

function accessMode(stack: Stack, mode: string): IamAccessMode {
  if (mode === 'restricted') {
    return IamAccessMode.restricted();
  }
  if (mode === 'privileged') {
    return IamAccessMode.privileged();
  }
  const boundary = /^boundary=(arn:[\w-]+:iam::\d{12}:policy\/[\w+=,.@/-]+)$/.exec(mode);
  if (boundary) {
    return IamAccessMode.permissionsBoundary(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'ModeBoundary', boundary[1]));
  }
  throw new CliError(`--mode '${mode}' is not restricted, privileged or boundary=<policy ARN>`, 2);
}

/** What a run wrote. */
export interface CliResult {
  readonly files: string[];
  readonly summary: string;
  readonly warnings: string[];
}

/** Runs the tool; throws a CliError (or the library's error) on bad input. */
export function run(options: Options): CliResult {
  const configuration = ClusterConfiguration.fromFile(options.clusterConfig);
  const imageConfiguration = options.imageConfig ? ImageConfiguration.fromFile(options.imageConfig) : undefined;
  const region = options.region ?? configuration.region;
  if (region === undefined) {
    throw new CliError(`${options.clusterConfig} has no Region: give --region`);
  }
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    throw new CliError(`--account '${options.account}' is not a 12-digit AWS account id`);
  }
  let version: ParallelClusterVersion | undefined;
  if (options.version !== undefined) {
    try {
      version = ParallelClusterVersion.forRelease(options.version);
    } catch (e) {
      throw new CliError(`--version: ${(e as Error).message}`);
    }
    if (configuration.scheduler === Scheduler.AWS_BATCH && Number(options.version.split('.')[1]) >= 16) {
      throw new CliError(`${options.clusterConfig}: Scheduling/Scheduler is 'awsbatch', which ParallelCluster ${options.version} no longer supports (removed in 3.16)`);
    }
  }
  const stackName = options.stackName ?? `pcluster-iam-${path.basename(options.clusterConfig).replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9-]/g, '-')}`;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new CliError(`stack name '${stackName}' is not a CloudFormation stack name: give --stack-name`);
  }

  const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-parallelcluster-iam-'));
  try {
    const app = new App({ outdir: assembly });
    const stack = new Stack(app, stackName, {
      env: { account: options.account, region },
      // A plain template, deployable without `cdk bootstrap`: it has no assets.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description: `IAM roles for the ParallelCluster cluster of ${path.basename(options.clusterConfig)} (cdk-parallelcluster-iam)`,
    });
    const cluster = new ParallelClusterIam(stack, 'Iam', {
      configuration,
      imageConfiguration,
      iamAccessMode: accessMode(stack, options.mode),
      parallelClusterVersion: version,
      allowExternalRoles: options.allowExternalRoles,
    });
    const warnings = app.synth().getStackArtifact(stack.artifactId).messages
      .filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    fs.mkdirSync(options.out, { recursive: true });
    const files: string[] = [];
    for (const file of fs.readdirSync(assembly).sort()) {
      if (file.endsWith('.template.json')) {
        // Without whitespace: `aws cloudformation deploy --template-file` takes at most 51,200 bytes.
        fs.writeFileSync(path.join(options.out, file), JSON.stringify(JSON.parse(fs.readFileSync(path.join(assembly, file), 'utf-8'))));
        files.push(path.join(options.out, file));
      } else if (/\.(pcluster-config\.yaml|pcluster-image-config\.yaml|iam-report\.md)$/.test(file)) {
        fs.copyFileSync(path.join(assembly, file), path.join(options.out, file));
        files.push(path.join(options.out, file));
      }
    }
    // The roles the user may pass (issue 18, finding 1): the cluster path, and the roles the file names.
    const passable = [`every role on ${cluster.iamPath} (to EC2, Lambda and Spot Fleet)`,
      ...cluster.userRole.passableRoleArns.map((arn) => String(stack.resolve(arn)))];
    return { files, summary: `${summaryTable(cluster)}\n\nThe user may pass:\n${passable.map((r) => `  ${r}`).join('\n')}`, warnings };
  } finally {
    fs.rmSync(assembly, { recursive: true, force: true });
  }
}

function summaryTable(cluster: ParallelClusterIam): string {
  const rows = PermissionsReport.summarize(cluster).map((r) => [
    r.constructPath.replace(`${cluster.node.path}/`, '').replace(/\/Role(\/Resource)?$/, ''),
    r.roleArn,
    `${r.managedPolicyCount}/10`,
    `${r.largestPolicySize.toLocaleString('en-US')}/6,144`,
  ]);
  const header = ['Role', 'ARN', 'Managed policies', 'Largest policy'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The command line entry point; returns the exit code. */
export function main(argv: string[]): number {
  try {
    const options = parseArgs(argv);
    if (options === undefined) {
      process.stdout.write(USAGE);
      return 0;
    }
    const result = run(options);
    result.warnings.forEach((w) => process.stderr.write(`warning: ${w}\n`));
    process.stdout.write(`${result.summary}\n\nWrote:\n${result.files.map((f) => `  ${f}`).join('\n')}\n`);
    if (!result.files.some((f) => f.endsWith('.pcluster-config.yaml'))) {
      process.stdout.write('The completed configuration was not written: give --account so that the role ARNs are known.\n');
    }
    return 0;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    process.stderr.write(`cdk-parallelcluster-iam: ${message}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
