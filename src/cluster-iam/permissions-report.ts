import { CfnResource, Construct, iam, IConstruct, Stack, Token } from '../private/cdk';
import { LibraryRole } from '../private/library-role';
import {
  INLINE_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICY_SIZE_QUOTA,
  policyJsonSize,
  RememberedPolicyDocument,
  rememberedPolicyDocument,
  rememberedPolicyDocumentSize,
} from '../private/policy-size';
import { resolvedManagedPolicyArns } from '../private/role-quotas';
import { isOwnManagedPolicy } from '../private/sized-policies';
import { TemplateValues, writeAtSynthesis, writeFile } from '../private/synth-outputs';
import { ComputeNodeRole } from '../roles/compute-node-role';
import { HeadNodeRole } from '../roles/head-node-role';
import { ImageBuilderRoles } from '../roles/image-builder-roles';
import { LambdaFunctionsRole } from '../roles/lambda-functions-role';
import { LoginNodeRole } from '../roles/login-node-role';
import { ParallelClusterUserRole } from '../roles/user-role';

/** The numbers of one role that an IAM administrator checks first. */
export interface RoleSummary {
  /** The role's construct path. */
  readonly constructPath: string;

  /** The role's ARN, with `${AWS::AccountId}` style placeholders for what is only known at deploy time. */
  readonly roleArn: string;

  /**
   * The role's name, or `<stack name>-*` when CloudFormation generates it.
   */
  readonly roleName: string;

  /**
   * Where the role goes in the ParallelCluster configuration, for example `HeadNode/Iam/InstanceRole`
   * or `Scheduling/SlurmQueues[cpu]/Iam/InstanceRole`; for the user role, what runs as it. Empty for a
   * role that is not one of the library's.
   */
  readonly parallelClusterSetting: string;

  /** Managed policies attached to the role (AWS and customer managed), against IAM's quota of 10. */
  readonly managedPolicyCount: number;

  /** Customer managed policies attached to the role. */
  readonly customerManagedPolicyCount: number;

  /**
   * The size of the role's largest customer managed policy, as IAM counts it (no whitespace) with every
   * token at its longest value, against IAM's quota of 6,144 characters. 0 when it has none.
   */
  readonly largestPolicySize: number;
}

interface PolicyReport {
  readonly title: string;
  readonly arn: string;
  readonly size: number;
  readonly statements: any[];
}

interface RoleReport {
  readonly constructPath: string;
  readonly name: string;
  readonly generatedName: boolean;
  readonly setting: string;
  readonly logicalId: string;
  readonly arn: string;
  readonly path: string;
  readonly trust: string[];
  readonly boundary?: string;
  readonly awsManagedPolicies: string[];
  readonly otherManagedPolicies: string[];
  readonly customerPolicies: PolicyReport[];
  readonly inlinePolicies: PolicyReport[];
  readonly managedPolicyCount: number;
}

const AWS_MANAGED_POLICY = /^arn:[^:]+:iam::aws:policy\/(.+)$/;

/** Options of `PermissionsReport.writeToAssembly`. */
export interface PermissionsReportFileOptions {
  /**
   * The file's name in the cloud assembly.
   *
   * @default - `<stack artifact id>.stack.iam-report.md` for a stack, `<stack artifact id>.<construct path
   * within the stack, dot-separated>.iam-report.md` for a construct in it
   */
  readonly fileName?: string;

  /**
   * The report's heading.
   *
   * @default - `IAM permissions report: <construct path>`
   */
  readonly title?: string;
}

// The report files claimed in each stack, so that two reports never overwrite each other.
const CLAIMED_FILES = new WeakMap<Stack, Set<string>>();

/**
 * A Markdown report of what the IAM roles under a construct grant: for each role its ARN, path, trusted
 * principals, permissions boundary and managed policies, and for each of its policies the statements
 * (actions, resources, conditions) and the policy's size against IAM's quotas.
 *
 * It reads the synthesized resources, so call it once the construct tree is final (after `app.synth()`);
 * `ParallelClusterIam` writes it into the cloud assembly at synthesis. The same tree always gives the
 * same bytes.
 */
export class PermissionsReport {
  /**
   * The report for every IAM role defined under `scope`, in construct-tree order.
   *
   * @param scope a construct; its roles must all be in one stack
   * @param title the report's heading
   */
  /**
   * Writes the report for every IAM role under `scope` (a stack, or any construct in it: roles built
   * with the standalone constructs, or your own) into the cloud assembly when the app is synthesized,
   * once aspects have run. `ParallelClusterIam` writes its own report; this is for any other stack.
   *
   * @param scope a stack or a construct in one; its roles must all be in that stack
   * @param options the file's name and heading
   * @returns the file's name in the cloud assembly
   */
  public static writeToAssembly(scope: IConstruct, options: PermissionsReportFileOptions = {}): string {
    const stack = Stack.of(scope);
    const within = scope === stack ? 'stack' : scope.node.path.substring(stack.node.path.length + 1).replace(/\//g, '.');
    const fileName = options.fileName ?? `${stack.artifactId}.${within}.iam-report.md`;
    if (!/^[\w.+=@-]+$/.test(fileName)) {
      throw new Error(`Permissions report file name '${fileName}' is invalid: use letters, digits and . _ + = @ - only (no directories).`);
    }
    const claimed = CLAIMED_FILES.get(stack) ?? new Set<string>();
    CLAIMED_FILES.set(stack, claimed);
    if (claimed.has(fileName)) {
      throw new Error(`A permissions report named '${fileName}' is already written for stack ${stack.node.path}: pass another fileName.`);
    }
    claimed.add(fileName);
    const title = options.title ?? `IAM permissions report: ${scope.node.path}`;
    writeAtSynthesis(scope as Construct, `PermissionsReport-${fileName}`, (outdir) => writeFile(outdir, fileName, PermissionsReport.render(scope, title)));
    return fileName;
  }

  public static render(scope: IConstruct, title: string): string {
    return PermissionsReport._render(scope, title, new TemplateValues(Stack.of(scope)));
  }

  /**
   * `render`, with the stack's template values of this synthesis, which `ParallelClusterIam` shares
   * with its configuration fragments.
   *
   * @internal
   */
  public static _render(scope: IConstruct, title: string, values: TemplateValues): string {
    const roles = PermissionsReport.collect(scope, values);
    const stack = Stack.of(scope);
    const out: string[] = [];
    out.push(`# ${title}`, '');
    out.push(
      `Stack \`${stack.stackName}\`: ${roles.length} role(s). Every customer managed policy is sized as IAM counts it ` +
      '(JSON without whitespace), with each ARN at its longest possible value, against the quota of ' +
      `${num(MANAGED_POLICY_SIZE_QUOTA)} characters; each role's managed policies are counted against the default quota ` +
      `of ${MANAGED_POLICIES_PER_ROLE_QUOTA}. \`\${...}\` marks a value only known at deployment.`,
      '',
    );
    out.push('| Role | ParallelCluster setting | Construct | Managed policies | Largest customer policy |', '|---|---|---|---|---|');
    for (const role of roles) {
      out.push(`| ${nameText(role)} | ${role.setting ? settingText(role.setting) : '-'} | ${code(role.constructPath)} | ` +
        `${role.managedPolicyCount} of ${MANAGED_POLICIES_PER_ROLE_QUOTA} | ${largestText(role)} |`);
    }
    // A policy shared by several roles (the compute node policies of every queue) is tabulated once.
    const tables = new Map<PolicyReport, string[]>();
    const table = (policy: PolicyReport) => {
      let rows = tables.get(policy);
      if (rows === undefined) {
        rows = statementTable(policy.statements);
        tables.set(policy, rows);
      }
      return rows;
    };
    for (const role of roles) {
      out.push('', `## Role ${nameText(role)}${role.setting ? `: ${settingText(role.setting)}` : ''} (${code(role.constructPath)})`, '');
      out.push(`- ARN: \`${role.arn}\``);
      out.push(`- Logical ID: \`${role.logicalId}\``);
      out.push(`- Path: \`${role.path}\``);
      out.push(`- Trusted principals: ${role.trust.map(code).join(', ') || 'none'}`);
      out.push(`- Permissions boundary: ${role.boundary ? code(role.boundary) : 'none'}`);
      out.push(`- Managed policies: ${role.managedPolicyCount} of ${MANAGED_POLICIES_PER_ROLE_QUOTA}`);
      out.push(`- AWS managed policies: ${role.awsManagedPolicies.map(code).join(', ') || 'none'}`);
      if (role.otherManagedPolicies.length > 0) {
        out.push(`- Other managed policies (not defined in this stack): ${role.otherManagedPolicies.map(code).join(', ')}`);
      }
      for (const policy of role.customerPolicies) {
        out.push('', `### Customer managed policy \`${policy.title}\`: ${num(policy.size)} of ${num(MANAGED_POLICY_SIZE_QUOTA)} characters`, '');
        out.push(`ARN: \`${policy.arn}\``, '', ...table(policy));
      }
      if (role.inlinePolicies.length > 0) {
        const total = role.inlinePolicies.reduce((sum, p) => sum + p.size, 0);
        out.push('', `Inline policies: ${num(total)} of ${num(INLINE_POLICIES_PER_ROLE_QUOTA)} characters in total.`);
        for (const policy of role.inlinePolicies) {
          out.push('', `### Inline policy \`${policy.title}\`: ${num(policy.size)} characters`, '', ...statementTable(policy.statements));
        }
      }
    }
    return out.join('\n') + '\n';
  }

  /** The quota-relevant numbers of every IAM role under `scope`, in construct-tree order. */
  public static summarize(scope: IConstruct): RoleSummary[] {
    return PermissionsReport.collect(scope, new TemplateValues(Stack.of(scope))).map((role) => ({
      constructPath: role.constructPath,
      roleArn: role.arn,
      roleName: role.name,
      parallelClusterSetting: role.setting,
      managedPolicyCount: role.managedPolicyCount,
      customerManagedPolicyCount: role.customerPolicies.length,
      largestPolicySize: Math.max(0, ...role.customerPolicies.map((p) => p.size)),
    }));
  }

  private static collect(scope: IConstruct, values: TemplateValues): RoleReport[] {
    const stack = Stack.of(scope);
    const resources = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    // The roles each managed policy and inline policy resource attaches itself to, resolved once.
    const attachedRoles = new Map<CfnResource, Set<string>>();
    for (const r of resources) {
      if (r.cfnResourceType === 'AWS::IAM::ManagedPolicy' || r.cfnResourceType === 'AWS::IAM::Policy') {
        const roles: unknown = stack.resolve((r as iam.CfnManagedPolicy | iam.CfnPolicy).roles);
        attachedRoles.set(r, new Set(Array.isArray(roles) ? roles.map((item) => item?.Ref).filter((ref) => typeof ref === 'string') : []));
      }
    }
    // The policy resources attaching themselves to each role, by the role's logical id, in resource order.
    const attachingByRole = new Map<string, CfnResource[]>();
    for (const [r, roles] of attachedRoles) {
      for (const logicalId of roles) {
        const policies = attachingByRole.get(logicalId) ?? [];
        policies.push(r);
        attachingByRole.set(logicalId, policies);
      }
    }
    // `text` for a value that may hold tokens; `resolvedText` for one already resolved (or built here as
    // plain template JSON), which needs no second pass through the resolver.
    const text = (value: unknown) => String(values.render(value).text);
    const resolvedText = (value: unknown) => String(values.renderResolved(value).text);
    // The ARN prefix of a generated-name resource, the same for every role and policy.
    const generatedPrefixes = new Map<string, string>();
    const generatedPrefix = (type: string) => {
      let prefix = generatedPrefixes.get(type);
      if (prefix === undefined) {
        prefix = resolvedText({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${type}`]] });
        generatedPrefixes.set(type, prefix);
      }
      return prefix;
    };
    const literalOr = (value: unknown, fallback: string) =>
      value === undefined ? fallback : typeof value === 'string' && !Token.isUnresolved(value) ? value : text(value);
    const policyReport = (title: string, arn: string, document: any, size = policyJsonSize(document)): PolicyReport => ({
      title,
      arn,
      size,
      statements: values.renderResolved(document?.Statement ?? []).text,
    });
    // Strings the roles share (policy ARNs, the boundary), each resolved once.
    const resolvedStrings = new Map<string, unknown>();
    const resolvedOnce = (value: string): unknown => {
      if (!resolvedStrings.has(value)) {
        resolvedStrings.set(value, stack.resolve(value));
      }
      return resolvedStrings.get(value);
    };
    // An ARN resolved once (`resolvedOnce`) is the same object in every role: rendered once too.
    const renderedArns = new Map<unknown, string>();
    const renderedArn = (arn: unknown): string => {
      let rendered = renderedArns.get(arn);
      if (rendered === undefined) {
        rendered = resolvedText(arn);
        renderedArns.set(arn, rendered);
      }
      return rendered;
    };
    // A managed policy attached to several roles (additionalIamPolicies) is rendered once.
    const customerReports = new Map<iam.CfnManagedPolicy, PolicyReport>();
    const customerReport = (policy: iam.CfnManagedPolicy): PolicyReport => {
      let report = customerReports.get(policy);
      if (report === undefined) {
        const id = values.logicalId(policy);
        const arn = generatedNamePattern(resolvedText({ Ref: id }), literalOr(policy.path, '/'), generatedPrefix('policy'), stack);
        // A library policy's document as its quota validation resolved it in this synthesis.
        const l2 = policy.node.scope;
        const ownDocument = policy.policyDocument instanceof RememberedPolicyDocument ? policy.policyDocument.document : policy.policyDocument;
        const title = `${policy.node.path} (${id})`;
        report = isOwnManagedPolicy(l2) && ownDocument === l2.document
          ? policyReport(title, arn, rememberedPolicyDocument(stack, l2.document), rememberedPolicyDocumentSize(stack, l2.document))
          : policyReport(title, arn, stack.resolve(policy.policyDocument));
        customerReports.set(policy, report);
      }
      return report;
    };

    return scope.node.findAll()
      .filter((c): c is iam.CfnRole => c instanceof CfnResource && c.cfnResourceType === 'AWS::IAM::Role')
      .map((role) => {
        const logicalId = values.logicalId(role);
        // A library role's ARNs each resolved once for all roles; another role's list resolved whole.
        const owner = role.node.scope;
        const attachedArns = (owner instanceof LibraryRole ? owner.managedPolicyArnsResolvedBy(resolvedOnce) : undefined)
          ?? resolvedManagedPolicyArns(role);
        // Policies attached by their own `Roles` property (ManagedPolicy.attachToRole) count as well.
        const attaching = attachingByRole.get(logicalId) ?? [];
        const attachingPolicies = attaching.filter((r) => r.cfnResourceType === 'AWS::IAM::ManagedPolicy');
        const awsManaged: string[] = [];
        const other: string[] = [];
        const customer: PolicyReport[] = [];
        const addCustomer = (policy: iam.CfnManagedPolicy) => {
          const report = customerReport(policy);
          if (!customer.includes(report)) {
            customer.push(report);
          }
        };
        for (const arn of attachedArns) {
          const ref = (arn as any)?.Ref;
          const element = typeof ref === 'string' ? values.element(ref) : undefined;
          if (element instanceof CfnResource && element.cfnResourceType === 'AWS::IAM::ManagedPolicy') {
            addCustomer(element as iam.CfnManagedPolicy);
            continue;
          }
          const rendered = renderedArn(arn);
          const match = AWS_MANAGED_POLICY.exec(rendered);
          (match ? awsManaged : other).push(match ? match[1] : rendered);
        }
        attachingPolicies.forEach((p) => addCustomer(p as iam.CfnManagedPolicy));

        const inline: PolicyReport[] = [];
        const inlineOfRole: any[] = role.policies === undefined ? [] : stack.resolve(role.policies) ?? [];
        for (const p of inlineOfRole) {
          inline.push(policyReport(String(p.PolicyName), '', p.PolicyDocument));
        }
        for (const r of attaching) {
          if (r.cfnResourceType === 'AWS::IAM::Policy') {
            inline.push(policyReport(`${r.node.path} (${values.logicalId(r)})`, '', stack.resolve((r as iam.CfnPolicy).policyDocument)));
          }
        }

        const boundary = typeof role.permissionsBoundary === 'string' ? resolvedOnce(role.permissionsBoundary) : stack.resolve(role.permissionsBoundary);
        const rolePath = literalOr(role.path, '/');
        const resolvedName = stack.resolve(role.roleName);
        const name = resolvedName === undefined ? undefined : resolvedText(resolvedName);
        const generatedName = name === undefined || name.includes('${');
        return {
          constructPath: role.node.path,
          name: generatedName ? `${stack.stackName}-*` : name!,
          generatedName,
          setting: parallelClusterSetting(role),
          logicalId,
          arn: generatedNamePattern(resolvedText({ 'Fn::GetAtt': [logicalId, 'Arn'] }), rolePath, generatedPrefix('role'), stack),
          path: rolePath,
          trust: trustedPrincipals(values.renderResolved(resolvedTrustPolicy(stack, role)).text),
          boundary: boundary === undefined ? undefined : renderedArn(boundary),
          awsManagedPolicies: awsManaged,
          otherManagedPolicies: other,
          customerPolicies: customer,
          inlinePolicies: inline,
          managedPolicyCount: attachedArns.length + attachingPolicies.filter((p) => !refersToArn(attachedArns, values.logicalId(p))).length,
        };
      });
  }

  private constructor() {}
}

/**
 * A role's trust policy resolved: a library role's as the template holds it in this synthesis
 * (`RememberedPolicyDocument`), without resolving that result again; any other's resolved now.
 */
function resolvedTrustPolicy(stack: Stack, role: iam.CfnRole): unknown {
  const trust = role.assumeRolePolicyDocument;
  return trust instanceof RememberedPolicyDocument ? rememberedPolicyDocument(stack, trust.document) : stack.resolve(trust);
}

/**
 * Where the role goes in the ParallelCluster configuration, from the construct that created it; a
 * queue's or pool's name from the construct id ParallelClusterIam gives its role construct.
 */
function parallelClusterSetting(cfnRole: iam.CfnRole): string {
  const role = cfnRole.node.scope;
  const owner = role?.node.scope;
  const named = (prefix: string): string | undefined => owner?.node.id.startsWith(prefix) && owner.node.scope &&
    'queueNames' in owner.node.scope ? owner.node.id.substring(prefix.length) : undefined;
  if (owner instanceof HeadNodeRole && role === owner.role) {
    return 'HeadNode/Iam/InstanceRole';
  }
  if (owner instanceof ComputeNodeRole && role === owner.role) {
    return `Scheduling/SlurmQueues[${named('ComputeNodeRole-') ?? ''}]/Iam/InstanceRole`;
  }
  if (owner instanceof LoginNodeRole && role === owner.role) {
    return `LoginNodes/Pools[${named('LoginNodeRole-') ?? ''}]/Iam/InstanceRole`;
  }
  if (owner instanceof LambdaFunctionsRole && role === owner.role) {
    return 'Iam/Roles/LambdaFunctionsRole';
  }
  if (owner instanceof ImageBuilderRoles) {
    if (role === owner.instanceRole) return 'Build/Iam/InstanceRole (build-image configuration)';
    if (role === owner.cleanupLambdaRole) return 'Build/Iam/CleanupLambdaRole (build-image configuration)';
  }
  if (owner instanceof ParallelClusterUserRole && role === owner.role) {
    return 'the user role: the ParallelCluster CLI or API runs as it';
  }
  return '';
}

// `HeadNode/Iam/InstanceRole` as code, `(build-image configuration)` and descriptions as text.
function settingText(setting: string): string {
  const [key, ...rest] = setting.split(' ');
  return key.includes('/') ? [code(key), ...rest].join(' ') : setting;
}

function nameText(role: RoleReport): string {
  return role.generatedName ? `${code(role.name)} (name generated by CloudFormation)` : code(role.name);
}

function refersToArn(arns: unknown[], logicalId: string): boolean {
  return arns.some((arn) => (arn as any)?.Ref === logicalId);
}

// A role or managed policy whose name CloudFormation generates is named `<stack name>-<logical id>-<suffix>`
// (cut to 64 or 128 characters); the report shows that pattern rather than an opaque `${LogicalId.Arn}`.
function generatedNamePattern(rendered: string, iamPath: string, prefix: string, stack: Stack): string {
  if (!rendered.startsWith('${')) {
    return rendered;
  }
  return `${prefix}${iamPath}${stack.stackName}-* (name generated by CloudFormation)`;
}

function trustedPrincipals(document: any): string[] {
  const result: string[] = [];
  for (const statement of document?.Statement ?? []) {
    const principal = statement.Principal ?? {};
    const actions = ([] as string[]).concat(statement.Action ?? []).join(', ');
    for (const kind of Object.keys(principal).sort()) {
      for (const value of ([] as unknown[]).concat(principal[kind])) {
        result.push(`${kind}: ${value} (${statement.Effect} ${actions}${statement.Condition ? ', ' + conditionText(statement.Condition) : ''})`);
      }
    }
  }
  return result;
}

function statementTable(statements: any[]): string[] {
  const rows = ['| Sid | Effect | Actions | Resources | Conditions |', '|---|---|---|---|---|'];
  for (const s of statements) {
    const actions = s.Action !== undefined ? list(s.Action) : `not ${list(s.NotAction)}`;
    const resources = s.Resource !== undefined ? list(s.Resource) : `not ${list(s.NotResource)}`;
    rows.push(`| ${cell(s.Sid ?? '')} | ${s.Effect} | ${actions} | ${resources} | ${s.Condition ? cell(conditionText(s.Condition)) : 'none'} |`);
  }
  return rows;
}

function conditionText(condition: Record<string, Record<string, unknown>>): string {
  return Object.entries(condition).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => `${operator} ${key}: ${([] as unknown[]).concat(value).join(', ')}`)).join('; ');
}

function list(value: unknown): string {
  return ([] as unknown[]).concat(value).map((v) => code(String(v))).join('<br>');
}

function code(value: string): string {
  return '`' + cell(value) + '`';
}

function cell(value: string): string {
  return String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function largestText(role: RoleReport): string {
  if (role.customerPolicies.length === 0) {
    return 'none';
  }
  const largest = Math.max(...role.customerPolicies.map((p) => p.size));
  return `${num(largest)} of ${num(MANAGED_POLICY_SIZE_QUOTA)} characters`;
}

/** `6144` as `6,144`, the same in every locale. */
function num(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}
