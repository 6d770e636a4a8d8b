#!/usr/bin/env node
/*
 * cdk-parallelcluster-iam: least-privilege IAM for a ParallelCluster configuration file, for IAM
 * administrators who do not write CDK. It builds a CDK app in memory, synthesizes it and writes the
 * CloudFormation template, the completed configuration(s) and the permissions report to a directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ParallelClusterIam } from '../cluster-iam/parallel-cluster-iam';
import { PermissionsReport } from '../cluster-iam/permissions-report';
import { ClusterConfiguration, ImageConfiguration } from '../config/cluster-configuration';
import { clusterModelOf } from '../config/registry';
import { IamAccessMode } from '../iam-access-mode';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { App, DefaultStackSynthesizer, iam, Stack } from '../private/cdk';
import { s3Lib } from '../private/lazy-modules';
import { LAST_AWS_BATCH_REVISION } from '../private/pcluster-rules';
import { validateClusterName, validateIamPath } from '../private/validation';
import { Scheduler } from '../scheduler';

const TOOL = 'cdk-parallelcluster-iam';

/** The ID prefix of the library's warnings; `--ack` takes the ID with or without it. */
const ID_PREFIX = 'cdk-parallelcluster-iam:';

/** The CLI's own warning: a policy ARN of the configuration names another account than `--account`. */
export const POLICY_IN_OTHER_ACCOUNT_WARNING = `${ID_PREFIX}policyInOtherAccount`;

const USAGE = `Usage: ${TOOL} --cluster-config FILE [options]

Creates least-privilege IAM roles for a ParallelCluster 3 cluster configuration and writes, to --out:
  <stack>.template.json          CloudFormation template (aws cloudformation deploy --capabilities CAPABILITY_NAMED_IAM)
  <stack>.pcluster-config.yaml   the configuration with its Iam sections filled in (needs --account)
  <stack>.pcluster-image-config.yaml   the same for --image-config
  <stack>.iam-report.md          what every role grants
Files of an earlier run of the same stack in --out are removed first; other files are left alone.

Options:
  --cluster-config FILE    the cluster configuration (required); - reads it from standard input
  --image-config FILE      a build-image configuration: also create the image build's roles (- for stdin)
  --cluster-name NAME      the cluster's name (pcluster create-cluster --cluster-name): limits the node, Lambda
                           and user roles to that cluster. Without it the roles reach every cluster of the
                           account, with a warning (ID noClusterName)
  --mode MODE              the user role's IAM access: restricted (default), privileged, or boundary=POLICY_ARN
  --account ID             the AWS account (12 digits); without it the role ARNs, and so the completed
                           configuration, are only known after deployment
  --region REGION          the cluster's region (default: the file's Region)
  --parallelcluster-version RELEASE
                           the ParallelCluster release, for example 3.16 (default: the newest revision)
  --user-principal WHO     who may assume the user role: an account ID (111122223333) or an IAM ARN
                           (arn:<partition>:iam::111122223333:role/hpc-admins) (default: the --account's root, so
                           that IAM policies in the account decide)
  --iam-path PATH          the IAM path of the cluster roles (default: /parallelcluster/)
  --allow-external-roles   accept roles the file names that are off the cluster path or in another account (the
                           user may then pass them: to EC2 for node roles, to Lambda for the Lambda role)
  --log-export-bucket NAME a bucket the user may export logs to (pcluster export-cluster-logs and
                           export-image-logs --bucket NAME); repeatable, or a comma list
  --stack-name NAME        the CloudFormation stack name (default: pcluster-iam-<file name>)
  --out DIR                output directory (default: pcluster-iam.out)
  --ack ID                 acknowledge a warning by its ID (repeatable, or a comma list): it is not printed
  --strict                 fail (exit 1, nothing written) on any warning not acknowledged
  --quiet                  no progress line on standard error
  --version                print the tool's version
  --help                   this text

Examples:
  ${TOOL} --cluster-config cluster.yaml --cluster-name genomics --account 111122223333 --out iam
  cat cluster.yaml | ${TOOL} --cluster-config - --stack-name pcluster-iam-genomics --account 111122223333
  ${TOOL} --cluster-config cluster.yaml --account 111122223333 --ack noClusterName
  ${TOOL} --cluster-config batch.yaml --parallelcluster-version 3.15 --mode boundary=arn:<partition>:iam::111122223333:policy/HpcBoundary
`;

/** A bad command line or input: printed as one line, exit code 1 (2 for usage). */
class CliError extends Error {
  constructor(message: string, public readonly exitCode = 1) {
    super(message);
  }
}

/** The parsed command line. */
export interface Options {
  readonly clusterConfig: string;
  readonly imageConfig?: string;
  readonly mode: string;
  readonly account?: string;
  readonly region?: string;
  readonly parallelClusterVersion?: string;
  readonly clusterName?: string;
  readonly userPrincipal?: string;
  readonly iamPath?: string;
  readonly stackName?: string;
  readonly out: string;
  readonly allowExternalRoles: boolean;
  readonly logExportBuckets: string[];
  readonly ack: string[];
  readonly strict: boolean;
  readonly quiet: boolean;
  /** Standard input's text, for `-` (tests pass it; the command line reads it). */
  readonly stdin?: () => string;
}

type ValueKey = 'clusterConfig' | 'imageConfig' | 'mode' | 'account' | 'region' | 'parallelClusterVersion' | 'clusterName'
| 'userPrincipal' | 'iamPath' | 'stackName' | 'out';

const FLAGS: Record<string, ValueKey> = {
  '--cluster-config': 'clusterConfig',
  '--image-config': 'imageConfig',
  '--mode': 'mode',
  '--account': 'account',
  '--region': 'region',
  '--parallelcluster-version': 'parallelClusterVersion',
  '--cluster-name': 'clusterName',
  '--user-principal': 'userPrincipal',
  '--iam-path': 'iamPath',
  '--stack-name': 'stackName',
  '--out': 'out',
};

type Parsed = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: Options };

function parseArgs(args: string[]): Parsed {
  const values: Partial<Record<ValueKey, string>> = {};
  const ack: string[] = [];
  const logExportBuckets: string[] = [];
  let allowExternalRoles = false;
  const clusterNames: string[] = [];
  let strict = false;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') {
      return { kind: 'help' };
    }
    if (arg === '--version' || arg === '-V') {
      // The release flag used to be spelled --version: say so rather than print a version and stop.
      if (args[i + 1] !== undefined && /^3\.\d+/.test(args[i + 1])) {
        throw new CliError(`--version prints this tool's version: give the ParallelCluster release as --parallelcluster-version ${args[i + 1]}`, 2);
      }
      return { kind: 'version' };
    }
    if (arg === '--allow-external-roles') {
      allowExternalRoles = true;
      continue;
    }
    if (arg === '--strict' || arg === '--quiet') {
      strict = strict || arg === '--strict';
      quiet = quiet || arg === '--quiet';
      continue;
    }
    const [flag, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1)] : [arg, undefined];
    const key = flag === '--ack' ? 'ack' : flag === '--log-export-bucket' ? 'logExportBucket' : FLAGS[flag];
    if (key === undefined) {
      throw new CliError(`unknown argument '${arg}' (see --help)`, 2);
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw new CliError(`${flag} needs a value (see --help)`, 2);
    }
    if (key === 'logExportBucket') {
      logExportBuckets.push(...value.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    } else if (key === 'ack') {
      ack.push(...value.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    } else if (key === 'clusterName') {
      clusterNames.push(...value.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    } else if (values[key] !== undefined) {
      throw new CliError(`${flag} is given twice (see --help)`, 2);
    } else {
      values[key] = value;
    }
  }
  if (values.clusterConfig === undefined) {
    throw new CliError('--cluster-config FILE is required (see --help)', 2);
  }
  if (values.clusterConfig === '-' && values.imageConfig === '-') {
    throw new CliError('--cluster-config and --image-config cannot both read standard input (-): give one of them as a file', 2);
  }
  if (clusterNames.length > 1) {
    throw new CliError(
      `--cluster-name names ${clusterNames.length} clusters (${clusterNames.join(', ')}): the roles of one template serve one cluster ` +
      '(one head node, one role per queue). Run the tool once per cluster, each with its own --stack-name.', 2);
  }
  return {
    kind: 'run',
    options: {
      mode: 'restricted',
      out: 'pcluster-iam.out',
      ...values,
      clusterConfig: values.clusterConfig,
      clusterName: clusterNames[0],
      ack,
      strict,
      quiet,
      allowExternalRoles,
      logExportBuckets,
    },
  };
}

const BOUNDARY_MODE = /^boundary=(arn:[\w-]+:iam::\d{12}:policy\/[\w+=,.@/-]+)$/;

function accessMode(stack: Stack, mode: string): IamAccessMode {
  if (mode === 'restricted') {
    return IamAccessMode.restricted();
  }
  if (mode === 'privileged') {
    return IamAccessMode.privileged();
  }
  const boundary = BOUNDARY_MODE.exec(mode);
  if (boundary) {
    return IamAccessMode.permissionsBoundary(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'ModeBoundary', boundary[1]));
  }
  throw new CliError(`--mode '${mode}' is not restricted, privileged or boundary=<policy ARN>`, 2);
}

/** `--user-principal`: an account ID or an IAM ARN (root, role, user). */
function userPrincipal(value: string): iam.IPrincipal {
  if (/^\d{12}$/.test(value)) {
    return new iam.AccountPrincipal(value);
  }
  if (/^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]+)$/.test(value)) {
    return new iam.ArnPrincipal(value);
  }
  throw new CliError(
    `--user-principal '${value}' is not an account ID (12 digits) or the ARN of an account root, role or user ` +
    '(for example arn:<partition>:iam::111122223333:role/hpc-admins); wildcards are refused: anyone they match could assume the role');
}

/** A warning of a run: its text and, if it has one, the ID that `--ack` takes. */
export interface CliWarning {
  readonly id?: string;
  readonly message: string;
}

/** What a run wrote. */
export interface CliResult {
  readonly files: string[];
  readonly summary: string;
  /** The warnings not acknowledged with `--ack`. */
  readonly warnings: CliWarning[];
}

function readConfig<T>(file: string, options: Options, fromYaml: (text: string, name: string) => T, fromFile: (file: string) => T): T {
  if (file !== '-') {
    return fromFile(file);
  }
  const text = options.stdin ? options.stdin() : fs.readFileSync(0, 'utf-8');
  return fromYaml(text, '<stdin>');
}

/** The 1-based line of a key path of the cluster configuration. */
function lineOf(configuration: ClusterConfiguration, yamlPath: string[]): number {
  return clusterModelOf(configuration).source.line(yamlPath);
}

/** Runs the tool; throws a CliError (or the library's error) on bad input. */
export function run(options: Options, progress: (line: string) => void = () => undefined): CliResult {
  const configuration = readConfig(options.clusterConfig, options, ClusterConfiguration.fromYaml, ClusterConfiguration.fromFile);
  const imageConfiguration = options.imageConfig === undefined ? undefined
    : readConfig(options.imageConfig, options, ImageConfiguration.fromYaml, ImageConfiguration.fromFile);
  const file = configuration.fileName;
  const region = options.region ?? configuration.region;
  if (region === undefined) {
    throw new CliError(`${file}: the file has no Region: add one, or give --region`);
  }
  if (options.region !== undefined && configuration.region !== undefined && options.region !== configuration.region) {
    throw new CliError(`${file}:${lineOf(configuration, ['Region'])}: Region is '${configuration.region}' but --region is '${options.region}': ` +
      'leave --region out or make them equal');
  }
  if (options.account !== undefined && !/^\d{12}$/.test(options.account)) {
    throw new CliError(`--account '${options.account}' is not a 12-digit AWS account id`);
  }
  let version: ParallelClusterVersion | undefined;
  if (options.parallelClusterVersion !== undefined) {
    try {
      version = ParallelClusterVersion.forRelease(options.parallelClusterVersion);
    } catch (e) {
      throw new CliError(`--parallelcluster-version: ${cliTerms((e as Error).message)}`);
    }
  }
  if (configuration.scheduler === Scheduler.AWS_BATCH) {
    const where = `${file}:${lineOf(configuration, ['Scheduling', 'Scheduler'])}: Scheduling/Scheduler is 'awsbatch'`;
    const last = LAST_AWS_BATCH_REVISION.version;
    if (version === undefined || (version.isAtLeast(LAST_AWS_BATCH_REVISION) && version !== LAST_AWS_BATCH_REVISION)) {
      throw new CliError(`${where}, but ParallelCluster ${options.parallelClusterVersion ?? `${ParallelClusterVersion.LATEST.version} (the default)`} has no AWS Batch ` +
        `(removed in 3.16; ${last} is the last release with it): for a cluster of ParallelCluster ${last} or earlier give ` +
        `--parallelcluster-version ${last} (or the release you run), otherwise use Scheduler: slurm`);
    }
    if (options.mode === 'restricted') {
      throw new CliError(`${where}: ParallelCluster creates the AWS Batch roles itself, which --mode restricted (the default) forbids: ` +
        'give --mode boundary=<policy ARN> (the roles the user creates must carry that boundary) or --mode privileged');
    }
  }
  if (options.clusterName !== undefined) {
    cliCheck(() => validateClusterName('--cluster-name', options.clusterName!));
  }
  if (options.iamPath !== undefined) {
    cliCheck(() => validateIamPath('--iam-path', options.iamPath!, false));
  }
  const principal = options.userPrincipal === undefined ? undefined : userPrincipal(options.userPrincipal);
  if (!/^(restricted|privileged)$/.test(options.mode) && !BOUNDARY_MODE.test(options.mode)) {
    throw new CliError(`--mode '${options.mode}' is not restricted, privileged or boundary=<policy ARN>`, 2);
  }
  const baseName = options.clusterConfig === '-' ? 'stdin' : path.basename(options.clusterConfig);
  const stackName = options.stackName ?? `pcluster-iam-${baseName.replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9-]/g, '-')}`;
  if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName)) {
    throw new CliError(`stack name '${stackName}' is not a CloudFormation stack name: give --stack-name`);
  }
  const ownWarnings = foreignPolicyWarnings(configuration, imageConfiguration, options);

  progress(`${TOOL}: synthesizing the roles for ${file} (stack ${stackName}); this takes a few seconds...`);
  const assembly = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-parallelcluster-iam-'));
  try {
    // The Region is known, so is its partition: aws-cdk-lib writes the Region's partition into the ARNs as text
    // instead of `{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ...]]}`, which keeps the template within
    // the 51,200 bytes `aws cloudformation deploy --template-file` takes without an S3 bucket.
    const app = new App({ outdir: assembly, context: { '@aws-cdk/core:enablePartitionLiterals': true } });
    const stack = new Stack(app, stackName, {
      env: { account: options.account, region },
      // A plain template, deployable without `cdk bootstrap`: it has no assets.
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description: `IAM roles for the ParallelCluster cluster of ${baseName} (cdk-parallelcluster-iam)`,
    });
    const cluster = new ParallelClusterIam(stack, 'Iam', {
      configuration,
      imageConfiguration,
      iamAccessMode: accessMode(stack, options.mode),
      parallelClusterVersion: version,
      clusterName: options.clusterName,
      userPrincipal: principal,
      iamPath: options.iamPath,
      // Without --account the ARNs are only known at deployment: the summary says so, without the library's warning.
      configFragmentFiles: options.account !== undefined,
      allowExternalRoles: options.allowExternalRoles,
      logExportBuckets: options.logExportBuckets.length === 0 ? undefined
        : options.logExportBuckets.map((name, i) => s3Lib().Bucket.fromBucketName(stack, `LogExportBucket${i}`, name)),
    });
    const synthWarnings = app.synth().getStackArtifact(stack.artifactId).messages
      .filter((m) => m.level === 'warning').map((m) => parseWarning(String(m.entry.data)));
    const acked = new Set(options.ack.map(fullId));
    const warnings = [...ownWarnings, ...synthWarnings].filter((w) => w.id === undefined || !acked.has(w.id));
    if (options.strict && warnings.length > 0) {
      throw new StrictError(warnings);
    }
    fs.mkdirSync(options.out, { recursive: true });
    removeEarlierOutputs(options.out, stackName);
    const files: string[] = [];
    for (const name of fs.readdirSync(assembly).sort()) {
      if (name.endsWith('.template.json')) {
        // Without whitespace: `aws cloudformation deploy --template-file` takes at most 51,200 bytes.
        fs.writeFileSync(path.join(options.out, name), JSON.stringify(JSON.parse(fs.readFileSync(path.join(assembly, name), 'utf-8'))));
        files.push(path.join(options.out, name));
      } else if (OUTPUT_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
        fs.copyFileSync(path.join(assembly, name), path.join(options.out, name));
        files.push(path.join(options.out, name));
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

/** The files a run writes for a stack, after `<stack>`. */
const OUTPUT_SUFFIXES = ['.template.json', '.pcluster-config.yaml', '.pcluster-image-config.yaml', '.iam-report.md'];

/** Removes what an earlier run wrote for the same stack (only those names), so that no stale file stays. */
function removeEarlierOutputs(out: string, stackName: string): void {
  for (const suffix of OUTPUT_SUFFIXES) {
    fs.rmSync(path.join(out, `${stackName}${suffix}`), { force: true });
  }
}

/** `--strict` with warnings left: every warning is printed, then one error line. */
class StrictError extends CliError {
  constructor(public readonly warnings: CliWarning[]) {
    super(`--strict: ${warnings.length} warning${warnings.length === 1 ? '' : 's'} not acknowledged; nothing was written. ` +
      'Fix the input, or acknowledge each with --ack ID');
  }
}

/** Runs a library check whose message names a CLI flag, as a CliError. */
function cliCheck(check: () => void): void {
  try {
    check();
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** `noClusterName` or `cdk-parallelcluster-iam:noClusterName` → the full ID. */
function fullId(id: string): string {
  return id.includes(':') ? id : `${ID_PREFIX}${id}`;
}

/** The library's warning text ends with ` [ack: <id>]` (addWarningV2, and the fallback for older aws-cdk-lib). */
function parseWarning(text: string): CliWarning {
  const match = /^([\s\S]*?)\s*\[ack: ([^\]]+)\]\s*$/.exec(text);
  return match ? { id: match[2], message: cliTerms(match[1]) } : { message: cliTerms(text) };
}

/**
 * The library's messages name props and classes; a CLI user knows flags. Known names become their flags,
 * so that the fix a message gives is one the user can type.
 */
function cliTerms(message: string): string {
  return message
    .replace(/IamAccessMode\.privileged\(\)/g, '--mode privileged')
    .replace(/IamAccessMode\.restricted\(\)/g, '--mode restricted')
    .replace(/IamAccessMode\.permissionsBoundary\([^)]*\)(\.\.\.\))?/g, '--mode boundary=<policy ARN>')
    .replace(/the boundary of --mode boundary=<policy ARN>/g, 'the boundary of --mode boundary=')
    .replace(/\bparallelClusterVersion to ParallelClusterVersion\.V(\d+)_(\d+)/g, '--parallelcluster-version $1.$2')
    .replace(/\bParallelClusterVersion\.V(\d+)_(\d+)/g, '--parallelcluster-version $1.$2')
    .replace(/\bparallelClusterVersion\b/g, '--parallelcluster-version')
    .replace(/\bclusterName\b/g, '--cluster-name')
    .replace(/\biamPath\b/g, '--iam-path')
    .replace(/\b(userPrincipal|assumedBy)\b/g, '--user-principal')
    .replace(/Annotations\.of\([^)]*\)\.acknowledgeWarning\([^)]*\)/g, '--ack <ID>');
}

/** Policy ARNs of the files (boundaries, AdditionalIamPolicies, --mode boundary=) in another account than --account. */
function foreignPolicyWarnings(configuration: ClusterConfiguration, image: ImageConfiguration | undefined, options: Options): CliWarning[] {
  if (options.account === undefined) {
    return [];
  }
  const warnings: CliWarning[] = [];
  const check = (where: string, text: string) => {
    for (const match of text.matchAll(/arn:aws[a-z-]*:iam::(\d{12}):policy\/[\w+=,.@/-]+/g)) {
      if (match[1] !== options.account && /PermissionsBoundary\s*:|^boundary=/.test(text)) {
        // IAM refuses a boundary of another account outright: an error, at the line.
        throw new CliError(`${where}: the permissions boundary ${match[0]} is in account ${match[1]}, not --account ${options.account}: ` +
          'a permissions boundary must be a managed policy of the roles\' own account. Create it in this account and name it, or check --account');
      }
      if (match[1] !== options.account) {
        warnings.push({
          id: POLICY_IN_OTHER_ACCOUNT_WARNING,
          message: `${where}: the policy ${match[0]} is in account ${match[1]}, not --account ${options.account}: IAM attaches ` +
            'only policies of the role\'s own account (and AWS managed ones), so the deployment or pcluster would fail. ' +
            'Name the policy of this account, or check --account',
        });
      }
    }
  };
  for (const config of image ? [configuration, image] : [configuration]) {
    config.toYaml().split('\n').forEach((line, index) => check(`${config.fileName}:${index + 1}`, line.replace(/(^|\s)#.*$/, '')));
  }
  check('--mode', options.mode);
  return warnings;
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

/** How a warning is printed: its text, and how to acknowledge it. */
function formatWarning(w: CliWarning): string {
  const ack = w.id === undefined ? '' : ` (acknowledge with --ack ${w.id.startsWith(ID_PREFIX) ? w.id.substring(ID_PREFIX.length) : w.id})`;
  return `warning: ${w.message}${ack}\n`;
}

/** The tool's own version, from its package.json (lib/cli/ and src/cli/ are both two levels down). */
function toolVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version;
}

/** The command line entry point; returns the exit code. */
export function main(argv: string[]): number {
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`${toolVersion()}\n`);
      return 0;
    }
    const options = parsed.options;
    const result = run(options, options.quiet ? undefined : (line) => process.stderr.write(`${line}\n`));
    result.warnings.forEach((w) => process.stderr.write(formatWarning(w)));
    process.stdout.write(`${result.summary}\n\nWrote:\n${result.files.map((f) => `  ${f}`).join('\n')}\n`);
    if (!result.files.some((f) => f.endsWith('.pcluster-config.yaml'))) {
      process.stdout.write('The completed configuration was not written: give --account so that the role ARNs are known.\n');
    }
    return 0;
  } catch (e) {
    if (e instanceof StrictError) {
      e.warnings.forEach((w) => process.stderr.write(formatWarning(w)));
    }
    // The library's messages name props: say them in flags (the CLI's own messages already do).
    const message = cliTerms((e as Error).message.split('\n')[0]);
    process.stderr.write(`${TOOL}: ${message}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
