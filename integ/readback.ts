/**
 * Helpers of the local deploy test (integ/deploy.test.ts): run the CDK CLI against the emulator,
 * read a deployed stack back through the CloudFormation and IAM APIs, and evaluate the synthesized
 * template with the deployed values so that both can be compared.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand, Stack as CfnStack } from '@aws-sdk/client-cloudformation';
import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
} from '@aws-sdk/client-iam';
import { INTEG_STACK_NAME } from './constants';
import { evaluateIntrinsics } from '../src/private/intrinsics';

export const ROOT = path.resolve(__dirname, '..');

/** The run's work directory, made and removed by scripts/integ-local.sh. */
export function workDir(): string {
  const dir = process.env.INTEG_WORK_DIR;
  if (!dir || !process.env.AWS_ENDPOINT_URL) {
    throw new Error('Run the deploy test with `npx projen integ:local` (scripts/integ-local.sh): it starts the emulator and sets AWS_ENDPOINT_URL.');
  }
  return dir;
}

/** What the stack is deployed in: the emulator's us-east-1, partition `aws`. */
export const REGION = 'us-east-1';
export const PARTITION = 'aws';
export const URL_SUFFIX = 'amazonaws.com';

/** The deploy app, run by the CLI; transpile-only because the type check is tsc's job (tsconfig.dev.json). */
const APP = 'npx ts-node --transpile-only --project tsconfig.dev.json integ/deploy-app.ts';

/** The cluster deploy test's app (integ/cluster-app.ts). */
export const CLUSTER_APP = 'npx ts-node --transpile-only --project tsconfig.dev.json integ/cluster-app.ts';

const CDK_OPTIONS = {
  cwd: ROOT,
  encoding: 'utf8' as const,
  timeout: 5 * 60_000,
  maxBuffer: 64 * 1024 * 1024,
};

function cdkArgs(args: string[], app: string): string[] {
  return [...args, '--app', app, '--no-notices', '--ci'];
}

function cdkFailed(label: string, args: string[], e: any): Error {
  const logFile = path.join(workDir(), `${label}.log`);
  const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`;
  fs.writeFileSync(logFile, output);
  const tail = output.split('\n').filter((l) => l.trim() && !/NodeVersion|node >=22|a\.co\/|upgrade to node|trace-warnings|versions published/.test(l)).slice(-25).join('\n');
  return new Error(`cdk ${args[0]} (${label}) failed; full output in ${logFile}:\n${tail}`);
}

const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');

/** Runs the CDK CLI with the app; its output goes to `<work>/<label>.log`, and its tail into the error when it fails. */
export function cdk(label: string, args: string[], app: string = APP): void {
  try {
    const out = execFileSync(CDK, cdkArgs(args, app), { ...CDK_OPTIONS, stdio: ['ignore', 'pipe', 'pipe'] });
    fs.writeFileSync(path.join(workDir(), `${label}.log`), out);
  } catch (e: any) {
    throw cdkFailed(label, args, e);
  }
}

/**
 * `cdk`, without blocking the test's event loop: for a test that answers requests while the CLI deploys
 * (the stand-in provider of integ/cluster-deploy.test.ts).
 */
export async function cdkAsync(label: string, args: string[], app: string = APP): Promise<void> {
  try {
    const { stdout } = await promisify(execFile)(CDK, cdkArgs(args, app), CDK_OPTIONS);
    fs.writeFileSync(path.join(workDir(), `${label}.log`), stdout);
  } catch (e: any) {
    throw cdkFailed(label, args, e);
  }
}

export interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: any; Metadata?: any }>;
  readonly Outputs?: Record<string, { Value: any; Description?: string }>;
}

/** Deploys a variant of integ/deploy-app.ts and returns its synthesized template. */
export function deploy(variant: string): Template {
  const out = path.join(workDir(), `${variant}.out`);
  cdk(`deploy-${variant}`, ['deploy', '--context', `integ:variant=${variant}`, '--output', out, '--require-approval', 'never']);
  return JSON.parse(fs.readFileSync(path.join(out, `${INTEG_STACK_NAME}.template.json`), 'utf8'));
}

/** The construct path of a template resource, without the stack's name and the trailing `/Resource`. */
export function constructPath(template: Template, logicalId: string): string {
  const full: string = template.Resources[logicalId].Metadata?.['aws:cdk:path'] ?? `Stack/${logicalId}`;
  return full.split('/').slice(1).join('/').replace(/\/Resource$/, '');
}

/** Synthesizes the example app (examples/app.ts) into the work directory and returns its template. */
export function synthesizeExample(): Template {
  const out = path.join(workDir(), 'example.out');
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', '--project', 'tsconfig.dev.json', 'examples/app.ts'], {
    cwd: ROOT,
    // Path metadata, which the CLI switches on for the deploy app, names the example's resources too.
    env: { ...process.env, EXAMPLE_OUTDIR: out, CDK_CONTEXT_JSON: JSON.stringify({ 'aws:cdk:enable-path-metadata': true }) },
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 5 * 60_000,
  });
  const [template] = fs.readdirSync(out).filter((f) => f.endsWith('.template.json'));
  return JSON.parse(fs.readFileSync(path.join(out, template), 'utf8'));
}

/** The logical ids of the template's resources of one type, by construct path. */
export function resourcesOfType(template: Template, type: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === type) {
      result[constructPath(template, id)] = id;
    }
  }
  return result;
}

export interface RoleState {
  readonly name: string;
  readonly arn: string;
  readonly roleId: string;
  readonly path: string;
  readonly description?: string;
  readonly trust: any;
  readonly boundary?: string;
  readonly attached: string[];
  readonly inline: Record<string, any>;
}

export interface ProfileState {
  readonly name: string;
  readonly arn: string;
  readonly path: string;
  readonly roles: string[];
}

export interface PolicyState {
  readonly arn: string;
  readonly name: string;
  readonly path: string;
  readonly description?: string;
  readonly defaultVersionId: string;
  readonly document: any;
}

/** A deployed stack as the CloudFormation and IAM APIs report it. */
export interface Deployed {
  readonly template: Template;
  readonly stack: CfnStack;
  readonly account: string;
  /** Logical id → physical id, and each resource's status. */
  readonly physical: Record<string, string>;
  readonly status: Record<string, string>;
  /** By logical id. */
  readonly roles: Record<string, RoleState>;
  readonly profiles: Record<string, ProfileState>;
  readonly policies: Record<string, PolicyState>;
}

export const cfn = () => new CloudFormationClient({ region: REGION });
export const iamClient = () => new IAMClient({ region: REGION });

/** IAM returns policy documents URL-encoded (the emulator sometimes does not). */
export function parseDocument(document: string | undefined): any {
  if (document === undefined) {
    return undefined;
  }
  return JSON.parse(document.trim().startsWith('{') ? document : decodeURIComponent(document));
}

export async function readStack(stackName: string): Promise<CfnStack | undefined> {
  try {
    const { Stacks } = await cfn().send(new DescribeStacksCommand({ StackName: stackName }));
    return Stacks?.[0];
  } catch (e: any) {
    if (/does not exist/.test(String(e.message))) {
      return undefined;
    }
    throw e;
  }
}

export async function readRole(iam: IAMClient, name: string): Promise<RoleState> {
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: name }));
  const attached: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker }));
    attached.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn!));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const inline: Record<string, any> = {};
  const { PolicyNames } = await iam.send(new ListRolePoliciesCommand({ RoleName: name }));
  for (const policyName of PolicyNames ?? []) {
    const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
    inline[policyName] = parseDocument(PolicyDocument);
  }
  return {
    name,
    arn: Role!.Arn!,
    roleId: Role!.RoleId!,
    path: Role!.Path!,
    description: Role!.Description || undefined,
    trust: parseDocument(Role!.AssumeRolePolicyDocument),
    boundary: Role!.PermissionsBoundary?.PermissionsBoundaryArn,
    attached: attached.sort(),
    inline,
  };
}

export async function readProfile(iam: IAMClient, name: string): Promise<ProfileState> {
  const { InstanceProfile } = await iam.send(new GetInstanceProfileCommand({ InstanceProfileName: name }));
  return {
    name,
    arn: InstanceProfile!.Arn!,
    path: InstanceProfile!.Path!,
    roles: (InstanceProfile!.Roles ?? []).map((r) => r.RoleName!).sort(),
  };
}

export async function readPolicy(iam: IAMClient, arn: string): Promise<PolicyState> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy!.DefaultVersionId! }));
  return {
    arn,
    name: Policy!.PolicyName!,
    path: Policy!.Path!,
    description: Policy!.Description || undefined,
    defaultVersionId: Policy!.DefaultVersionId!,
    document: parseDocument(PolicyVersion!.Document),
  };
}

/** Reads the stack and every IAM role, instance profile and managed policy in it. */
export async function readDeployed(template: Template): Promise<Deployed> {
  const stack = await readStack(INTEG_STACK_NAME);
  if (!stack) {
    throw new Error(`Stack ${INTEG_STACK_NAME} does not exist after the deploy`);
  }
  const account = stack.StackId!.split(':')[4];
  const physical: Record<string, string> = {};
  const status: Record<string, string> = {};
  let token: string | undefined;
  do {
    const page = await cfn().send(new ListStackResourcesCommand({ StackName: INTEG_STACK_NAME, NextToken: token }));
    for (const r of page.StackResourceSummaries ?? []) {
      physical[r.LogicalResourceId!] = r.PhysicalResourceId!;
      status[r.LogicalResourceId!] = r.ResourceStatus!;
    }
    token = page.NextToken;
  } while (token);

  const iam = iamClient();
  const roles: Record<string, RoleState> = {};
  const profiles: Record<string, ProfileState> = {};
  const policies: Record<string, PolicyState> = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!physical[id]) {
      continue; // reported by the test that every resource was created
    }
    if (resource.Type === 'AWS::IAM::Role') {
      roles[id] = await readRole(iam, physical[id]);
    } else if (resource.Type === 'AWS::IAM::InstanceProfile') {
      profiles[id] = await readProfile(iam, physical[id]);
    } else if (resource.Type === 'AWS::IAM::ManagedPolicy') {
      policies[id] = await readPolicy(iam, physical[id]);
    }
  }
  return { template, stack, account, physical, status, roles, profiles, policies };
}

/**
 * Evaluates a template value with the deployed values: pseudo parameters of the stack's
 * environment, `Ref` and `Fn::GetAtt` of its IAM resources as IAM reports them.
 */
export function evaluator(deployed: Deployed): (value: any) => any {
  const pseudo: Record<string, string> = {
    'AWS::Partition': PARTITION,
    'AWS::Region': REGION,
    'AWS::AccountId': deployed.account,
    'AWS::URLSuffix': URL_SUFFIX,
    'AWS::StackName': INTEG_STACK_NAME,
    'AWS::StackId': deployed.stack.StackId!,
  };
  const attribute = (id: string, name: string): string | undefined => {
    const role = deployed.roles[id];
    const profile = deployed.profiles[id];
    const policy = deployed.policies[id];
    if (name === 'Arn') {
      return role?.arn ?? profile?.arn;
    }
    if (name === 'RoleId') {
      return role?.roleId;
    }
    if (name === 'PolicyArn') {
      return policy?.arn;
    }
    return undefined;
  };
  return (value: any) => evaluateIntrinsics(value, pseudo, (expression: any) => {
    if (typeof expression.Ref === 'string' && deployed.physical[expression.Ref]) {
      return deployed.physical[expression.Ref];
    }
    const getAtt = expression['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const result = attribute(getAtt[0], getAtt[1]);
      if (result !== undefined) {
        return result;
      }
    }
    throw new Error(`The test cannot evaluate ${JSON.stringify(expression)}: add it to integ/readback.ts`);
  });
}

/** Every role, instance profile and customer managed policy whose name carries the stack's name. */
export async function leftovers(names: { roles: string[]; profiles: string[]; policies: string[] }): Promise<string[]> {
  const iam = iamClient();
  const found: string[] = [];
  const isOurs = (name: string | undefined, known: string[]) => !!name && (name.startsWith(INTEG_STACK_NAME) || known.includes(name));
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    found.push(...(page.Roles ?? []).filter((r) => isOurs(r.RoleName, names.roles)).map((r) => `role ${r.Arn}`));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(new ListInstanceProfilesCommand({ Marker: marker }));
    found.push(...(page.InstanceProfiles ?? []).filter((p) => isOurs(p.InstanceProfileName, names.profiles)).map((p) => `instance profile ${p.Arn}`));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  do {
    const page = await iam.send(new ListPoliciesCommand({ Scope: 'Local', Marker: marker }));
    found.push(...(page.Policies ?? []).filter((p) => isOurs(p.PolicyName, []) || names.policies.includes(p.Arn!)).map((p) => `policy ${p.Arn}`));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return found.sort();
}
