/*
 * Extracts every IAM policy document from synthesized CloudFormation templates, with its tokens replaced by
 * concrete values, so that policy linters that know nothing about CloudFormation (parliament) can read them.
 *
 *   ts-node --project tsconfig.dev.json scripts/extract-policies.ts <out dir> <cloud assembly dir>...
 *
 * Each document is named `<stack>.<logical id>` (a managed or inline policy resource),
 * `<stack>.<logical id>.<policy name>` (a role's embedded inline policy) or `<stack>.<logical id>.trust`
 * (a role's trust policy); see `writePolicies` for the directory layout.
 *
 * Pseudo parameters take the stack's own values (an environment-agnostic stack is treated as us-east-1);
 * a reference to a resource in the template becomes a plausible ARN or name of that resource type, so that
 * the linter checks the ARN's format, not a placeholder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { evaluateIntrinsics } from '../src/private/intrinsics';

const DEFAULT_ACCOUNT = '123456789012';
const DEFAULT_REGION = 'us-east-1';

interface Environment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;
}

function environment(envString: string | undefined): Environment {
  // aws://<account>/<region>, with unknown-account / unknown-region for an environment-agnostic stack.
  const match = /^aws:\/\/([^/]+)\/(.+)$/.exec(envString ?? '');
  const account = match && /^\d{12}$/.test(match[1]) ? match[1] : DEFAULT_ACCOUNT;
  const region = match && match[2] !== 'unknown-region' ? match[2] : DEFAULT_REGION;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return { partition, region, account, urlSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com' };
}

type Resources = Record<string, { Type: string; Properties?: any }>;

/** A concrete value for `Ref` / `Fn::GetAtt` of a resource in the template. */
function concreteReference(resources: Resources, env: Environment, expression: any): string {
  const [logicalId, attribute] = 'Ref' in expression
    ? [expression.Ref as string, 'Ref']
    : (Array.isArray(expression['Fn::GetAtt']) ? expression['Fn::GetAtt'] : String(expression['Fn::GetAtt']).split('.'));
  const resource = resources[logicalId];
  if (!resource) {
    throw new Error(`cannot resolve ${JSON.stringify(expression)}: ${logicalId} is not a resource of the template`);
  }
  const props = resource.Properties ?? {};
  const iamPath = typeof props.Path === 'string' ? props.Path : '/';
  const iam = (kind: string, name: unknown): string =>
    `arn:${env.partition}:iam::${env.account}:${kind}${iamPath}${typeof name === 'string' ? name : logicalId}`;
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::IAM::Role.Ref': return typeof props.RoleName === 'string' ? props.RoleName : logicalId;
    case 'AWS::IAM::Role.Arn': return iam('role', props.RoleName);
    case 'AWS::IAM::ManagedPolicy.Ref': return iam('policy', props.ManagedPolicyName);
    case 'AWS::IAM::InstanceProfile.Ref': return typeof props.InstanceProfileName === 'string' ? props.InstanceProfileName : logicalId;
    case 'AWS::IAM::InstanceProfile.Arn': return iam('instance-profile', props.InstanceProfileName);
    case 'AWS::S3::Bucket.Ref': return (props.BucketName ?? logicalId).toLowerCase();
    case 'AWS::S3::Bucket.Arn': return `arn:${env.partition}:s3:::${(props.BucketName ?? logicalId).toLowerCase()}`;
    case 'AWS::SecretsManager::Secret.Ref':
      return `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${props.Name ?? logicalId}-AbCdEf`;
    default:
      throw new Error(`cannot resolve ${JSON.stringify(expression)}: no concrete value for ${resource.Type}.${attribute}`);
  }
}

interface Extracted {
  /** The file name, `<stack>.<logical id>[.<policy name>]`, without extension. */
  readonly name: string;
  readonly kind: 'identity' | 'trust' | 'role';
  readonly document: any;
}

/** Every policy document of one template, resolved. */
export function extractPolicies(stackName: string, template: { Resources?: Resources }, envString?: string): Extracted[] {
  const resources = template.Resources ?? {};
  const env = environment(envString);
  const pseudo = {
    'AWS::Partition': env.partition,
    'AWS::Region': env.region,
    'AWS::AccountId': env.account,
    'AWS::URLSuffix': env.urlSuffix,
    'AWS::StackName': stackName,
  };
  const resolve = (document: any): any => evaluateIntrinsics(document, pseudo, (e) => concreteReference(resources, env, e));
  const out: Extracted[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    const base = `${stackName}.${logicalId}`;
    switch (resource.Type) {
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::IAM::Policy':
        out.push({ name: base, kind: 'identity', document: resolve(props.PolicyDocument) });
        break;
      case 'AWS::IAM::Role':
        out.push({ name: `${base}.trust`, kind: 'trust', document: resolve(props.AssumeRolePolicyDocument) });
        for (const inline of props.Policies ?? []) {
          out.push({ name: `${base}.${inline.PolicyName}`, kind: 'identity', document: resolve(inline.PolicyDocument) });
        }
        break;
      default:
        break;
    }
  }
  out.push(...combinedRolePolicies(stackName, resources, out));
  for (const { name, kind, document } of out) {
    const leftover = JSON.stringify(document).match(/"(Ref|Fn::[A-Za-z]+)"/);
    if (leftover) {
      throw new Error(`${name} still holds an unresolved ${leftover[1]}`);
    }
    // Checked here because parliament sees one statement at a time (see splitStatements).
    const sids = statements(document).map((s) => s.Sid).filter((sid) => sid !== undefined);
    const duplicate = sids.find((sid, i) => sids.indexOf(sid) !== i);
    if (duplicate) {
      throw new Error(`${name} has two statements with Sid ${duplicate}`);
    }
    if (kind === 'trust') {
      checkTrustPolicy(name, document);
    }
    if (document.Version !== '2012-10-17') {
      throw new Error(`${name} has Version ${document.Version}, not 2012-10-17`);
    }
  }
  return out;
}

/**
 * For each role, the set of actions its customer managed and inline policies allow, as one statement on
 * `*`. Parliament's privilege-escalation check looks for combinations of actions (iam:PassRole with
 * ec2:RunInstances, ...) that may sit in different policies of one role, and it looks only at actions.
 * Resources and conditions are left out on purpose: parliament stops analysing a document at the first
 * resource it cannot parse (it rejects AWS managed policy ARNs, whose account is `aws`), which would
 * silently skip the check. The statements themselves are linted, resources and all, in `statements/`.
 */
function combinedRolePolicies(stackName: string, resources: Resources, extracted: Extracted[]): Extracted[] {
  const byName = new Map(extracted.map((e) => [e.name, e]));
  const refersTo = (list: any[] | undefined, logicalId: string): boolean => (list ?? []).some((x) => x?.Ref === logicalId);
  const combined: Extracted[] = [];
  for (const [roleId, role] of Object.entries(resources)) {
    if (role.Type !== 'AWS::IAM::Role') continue;
    const attached = Object.entries(resources).filter(([policyId, policy]) =>
      (policy.Type === 'AWS::IAM::ManagedPolicy' &&
        (refersTo(role.Properties?.ManagedPolicyArns, policyId) || refersTo(policy.Properties?.Roles, roleId))) ||
      (policy.Type === 'AWS::IAM::Policy' && refersTo(policy.Properties?.Roles, roleId)));
    const documents = [
      ...attached.map(([policyId]) => byName.get(`${stackName}.${policyId}`)!.document),
      ...(role.Properties?.Policies ?? []).map((p: any) => byName.get(`${stackName}.${roleId}.${p.PolicyName}`)!.document),
    ];
    if (documents.length === 0) continue;
    const allowed = documents.flatMap(statements).filter((st) => st.Effect === 'Allow');
    if (allowed.some((st) => st.NotAction)) {
      throw new Error(`${roleId} has a NotAction statement: its action set cannot be listed`);
    }
    const actions = [...new Set(allowed.flatMap((st) => [st.Action].flat()))].sort();
    combined.push({
      name: `${stackName}.${roleId}.actions`,
      kind: 'role',
      document: { Version: '2012-10-17', Statement: [{ Sid: 'AllowedActions', Effect: 'Allow', Action: actions, Resource: '*' }] },
    });
  }
  return combined;
}

/**
 * The structure of a trust policy, which parliament cannot check (it reads every document as an identity
 * policy and reports the missing Resource; scripts/parliament.yaml accepts that for trust policies only).
 */
function checkTrustPolicy(name: string, document: any): void {
  for (const statement of statements(document)) {
    const problems = [
      !['Allow', 'Deny'].includes(statement.Effect) && 'an Effect of Allow or Deny',
      !statement.Principal && 'a Principal',
      !statement.Action && 'an Action',
      (statement.Resource || statement.NotResource) && 'no Resource',
      statement.NotPrincipal && 'no NotPrincipal',
    ].filter(Boolean);
    if (problems.length > 0) {
      throw new Error(`trust policy ${name}: a statement must have ${problems.join(', ')}: ${JSON.stringify(statement)}`);
    }
  }
}

function statements(document: any): any[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

/**
 * One single-statement document per statement, named `<document>.<Sid>`: parliament reports findings by
 * file, so this is what lets its configuration (scripts/parliament.yaml) accept a finding for one
 * statement, named by Sid, without accepting it for the rest of the policy.
 */
export function splitStatements(extracted: Extracted): Array<{ name: string; document: any }> {
  return statements(extracted.document).map((statement, index) => ({
    name: `${extracted.name}.${statement.Sid ?? `Statement${index + 1}`}`,
    document: { Version: extracted.document.Version, Statement: [statement] },
  }));
}

/** Reads the policies of every stack of a cloud assembly directory. */
export function extractAssembly(assemblyDir: string): Extracted[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf-8'));
  const extracted: Extracted[] = [];
  for (const [artifactId, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const template = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf-8'));
    extracted.push(...extractPolicies(artifactId, template, artifact.environment));
  }
  return extracted;
}

/**
 * Writes `documents/` (each policy whole, for reading), `statements/` (one file per identity-policy
 * statement), `roles/` (each role's allowed actions) and `trust/` (trust policies) under `outDir`.
 */
export function writePolicies(extracted: Extracted[], outDir: string): { documents: number; statements: number; trust: number; roles: number } {
  const write = (dir: string, name: string, document: any): void => {
    fs.mkdirSync(path.join(outDir, dir), { recursive: true });
    fs.writeFileSync(path.join(outDir, dir, `${name}.json`), JSON.stringify(document, undefined, 2) + '\n');
  };
  let statementCount = 0;
  for (const e of extracted) {
    if (e.kind !== 'identity') {
      write(e.kind === 'trust' ? 'trust' : 'roles', e.name, e.document);
      continue;
    }
    write('documents', e.name, e.document);
    for (const single of splitStatements(e)) {
      write('statements', single.name, single.document);
      statementCount++;
    }
  }
  return {
    documents: extracted.filter((e) => e.kind === 'identity').length,
    statements: statementCount,
    trust: extracted.filter((e) => e.kind === 'trust').length,
    roles: extracted.filter((e) => e.kind === 'role').length,
  };
}

if (require.main === module) {
  const [outDir, ...assemblies] = process.argv.slice(2);
  if (!outDir || assemblies.length === 0) {
    console.error('usage: extract-policies.ts <out dir> <cloud assembly dir>...');
    process.exit(2);
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  const counts = writePolicies(assemblies.flatMap(extractAssembly), outDir);
  console.log(`${counts.documents} identity policies (${counts.statements} statements), ${counts.roles} roles and ` +
    `${counts.trust} trust policies ` +
    `from ${assemblies.join(', ')} written to ${outDir}`);
}
