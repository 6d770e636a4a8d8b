import { CfnResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import {
  INLINE_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICY_SIZE_QUOTA,
  policyJsonSize,
} from '../private/policy-size';
import { TemplateValues } from '../private/synth-outputs';

/** The numbers of one role that an IAM administrator checks first. */
export interface RoleSummary {
  /** The role's construct path. */
  readonly constructPath: string;

  /** The role's ARN, with `${AWS::AccountId}` style placeholders for what is only known at deploy time. */
  readonly roleArn: string;

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
  public static render(scope: IConstruct, title: string): string {
    const roles = PermissionsReport.collect(scope);
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
    out.push('| Role | Managed policies | Largest customer policy |', '|---|---|---|');
    for (const role of roles) {
      out.push(`| \`${role.constructPath}\` | ${role.managedPolicyCount} of ${MANAGED_POLICIES_PER_ROLE_QUOTA} | ${largestText(role)} |`);
    }
    for (const role of roles) {
      out.push('', `## \`${role.constructPath}\``, '');
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
        out.push(`ARN: \`${policy.arn}\``, '', ...statementTable(policy.statements));
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
    return PermissionsReport.collect(scope).map((role) => ({
      constructPath: role.constructPath,
      roleArn: role.arn,
      managedPolicyCount: role.managedPolicyCount,
      customerManagedPolicyCount: role.customerPolicies.length,
      largestPolicySize: Math.max(0, ...role.customerPolicies.map((p) => p.size)),
    }));
  }

  private static collect(scope: IConstruct): RoleReport[] {
    const stack = Stack.of(scope);
    const values = new TemplateValues(stack);
    const resources = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    // The roles each managed policy and inline policy resource attaches itself to, resolved once.
    const attachedRoles = new Map<CfnResource, Set<string>>();
    for (const r of resources) {
      if (r.cfnResourceType === 'AWS::IAM::ManagedPolicy' || r.cfnResourceType === 'AWS::IAM::Policy') {
        const roles: unknown = stack.resolve((r as iam.CfnManagedPolicy | iam.CfnPolicy).roles);
        attachedRoles.set(r, new Set(Array.isArray(roles) ? roles.map((item) => item?.Ref).filter((ref) => typeof ref === 'string') : []));
      }
    }
    const refersTo = (r: CfnResource, logicalId: string) => attachedRoles.get(r)?.has(logicalId) ?? false;
    const text = (value: unknown) => String(values.render(value).text);
    const policyReport = (title: string, arn: string, document: any): PolicyReport => ({
      title,
      arn,
      size: policyJsonSize(document),
      statements: values.renderResolved(document?.Statement ?? []).text,
    });
    // A managed policy attached to several roles (additionalIamPolicies) is rendered once.
    const customerReports = new Map<iam.CfnManagedPolicy, PolicyReport>();
    const customerReport = (policy: iam.CfnManagedPolicy): PolicyReport => {
      let report = customerReports.get(policy);
      if (report === undefined) {
        const id = values.logicalId(policy);
        const arn = generatedNamePattern(text({ Ref: id }), 'policy', text(policy.path ?? '/'), text, stack);
        report = policyReport(`${policy.node.path} (${id})`, arn, stack.resolve(policy.policyDocument));
        customerReports.set(policy, report);
      }
      return report;
    };

    return scope.node.findAll()
      .filter((c): c is iam.CfnRole => c instanceof CfnResource && c.cfnResourceType === 'AWS::IAM::Role')
      .map((role) => {
        const logicalId = values.logicalId(role);
        const attachedArns: unknown[] = stack.resolve(role.managedPolicyArns) ?? [];
        // Policies attached by their own `Roles` property (ManagedPolicy.attachToRole) count as well.
        const attachingPolicies = resources.filter((r) =>
          r.cfnResourceType === 'AWS::IAM::ManagedPolicy' && refersTo(r, logicalId));
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
          const rendered = text(arn);
          const match = AWS_MANAGED_POLICY.exec(rendered);
          (match ? awsManaged : other).push(match ? match[1] : rendered);
        }
        attachingPolicies.forEach((p) => addCustomer(p as iam.CfnManagedPolicy));

        const inline: PolicyReport[] = [];
        const inlineOfRole: any[] = stack.resolve(role.policies) ?? [];
        for (const p of inlineOfRole) {
          inline.push(policyReport(String(p.PolicyName), '', p.PolicyDocument));
        }
        for (const r of resources) {
          if (r.cfnResourceType === 'AWS::IAM::Policy' && refersTo(r, logicalId)) {
            inline.push(policyReport(`${r.node.path} (${values.logicalId(r)})`, '', stack.resolve((r as iam.CfnPolicy).policyDocument)));
          }
        }

        const boundary = stack.resolve(role.permissionsBoundary);
        const rolePath = text(role.path ?? '/');
        return {
          constructPath: role.node.path,
          logicalId,
          arn: generatedNamePattern(text({ 'Fn::GetAtt': [logicalId, 'Arn'] }), 'role', rolePath, text, stack),
          path: rolePath,
          trust: trustedPrincipals(values.render(role.assumeRolePolicyDocument).text),
          boundary: boundary === undefined ? undefined : text(boundary),
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

function refersToArn(arns: unknown[], logicalId: string): boolean {
  return arns.some((arn) => (arn as any)?.Ref === logicalId);
}

// A role or managed policy whose name CloudFormation generates is named `<stack name>-<logical id>-<suffix>`
// (cut to 64 or 128 characters); the report shows that pattern rather than an opaque `${LogicalId.Arn}`.
function generatedNamePattern(rendered: string, type: string, iamPath: string, text: (value: unknown) => string, stack: Stack): string {
  if (!rendered.startsWith('${')) {
    return rendered;
  }
  const prefix = text({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:${type}`]] });
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
