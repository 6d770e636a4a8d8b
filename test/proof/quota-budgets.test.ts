import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { policyJsonSize } from '../../src/private/policy-size';
import { checkCatalogued, quotaRefusalVariant, variantContent } from '../support/catalogue';
import { recordCatalogueVariant } from '../support/catalogue-record';
import {
  ACCOUNT,
  ENVIRONMENTS,
  Environment,
  FLAG_SETTINGS,
  Flags,
  GROUPS,
  LONG_IAM_PATH,
  MAX_BUCKET_NAME,
  MAX_POLICY_NAME,
  MAX_ROLE_NAME,
  Options,
  QUOTA_OPTION_SETS,
  forEachRandomQuotaCase,
  newStack,
  quotaCaseId,
  quotaStack,
} from '../support/quota-variants';
import { templateOf } from '../support/simulate';

/*
 * Quota budgets: whatever options a user picks, every role the library creates must deploy within IAM's
 * quotas, in every partition, under both settings of the feature flags that change how CDK renders
 * policies. The quotas (IAM and AWS STS quotas page):
 *  - a customer managed policy is at most 6,144 characters, whitespace excluded;
 *  - a role has at most 10 managed policies attached (default quota);
 *  - a role's inline policies total at most 10,240 characters, whitespace excluded.
 *
 * Sizes are measured twice: with the library's own `policyJsonSize`, and with the resolver below, written
 * independently so that a bug in the library's sizing cannot hide itself. This resolver is stricter than
 * the library where it can be: it bounds each reference to a resource in the template by the longest
 * value that resource type can take, rather than by one fixed length.
 */

const MANAGED_POLICY_QUOTA = 6144;
const MANAGED_POLICIES_PER_ROLE = 10;
const INLINE_POLICIES_PER_ROLE = 10240;

// The longest value of each pseudo parameter in any partition and region.
const LONGEST_PARTITION = 'aws-us-gov';
const LONGEST_REGION = 'us-isof-south-1';
const PSEUDO: Record<string, string> = {
  'AWS::Partition': LONGEST_PARTITION,
  'AWS::Region': LONGEST_REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com.cn',
};

// Longest names CloudFormation may generate (or IAM accepts) for the resource types the library refers to.
const MAX_INSTANCE_PROFILE_NAME = 128;
// A secret created in the template without a name is named by CloudFormation `<logical id>-<12 random
// characters>` (an imported one is named in test/support/quota-variants.ts).
const CFN_SECRET_SUFFIX = 13;

type CfnTemplate = { Resources: Record<string, { Type: string; Properties?: any }> };

/** The longest string a `Ref` or `Fn::GetAtt` of a resource in `template` can evaluate to. */
function longestReference(template: CfnTemplate, logicalId: string, attribute: string | undefined): string {
  const resource = template.Resources[logicalId];
  if (!resource) {
    throw new Error(`reference to ${logicalId}, which is not in the template`);
  }
  const props = resource.Properties ?? {};
  const path = typeof props.Path === 'string' ? props.Path : '/';
  const name = (given: unknown, max: number): string => (typeof given === 'string' ? given : 'n'.repeat(max));
  const iamArn = (kind: string, resourceName: string): string =>
    `arn:${LONGEST_PARTITION}:iam::${ACCOUNT}:${kind}${path}${resourceName}`;
  const key = `${resource.Type}.${attribute ?? 'Ref'}`;
  switch (key) {
    case 'AWS::IAM::Role.Ref':
      return name(props.RoleName, MAX_ROLE_NAME);
    case 'AWS::IAM::Role.Arn':
      return iamArn('role', name(props.RoleName, MAX_ROLE_NAME));
    case 'AWS::IAM::ManagedPolicy.Ref':
      return iamArn('policy', name(props.ManagedPolicyName, MAX_POLICY_NAME));
    case 'AWS::IAM::InstanceProfile.Ref':
      return name(props.InstanceProfileName, MAX_INSTANCE_PROFILE_NAME);
    case 'AWS::IAM::InstanceProfile.Arn':
      return iamArn('instance-profile', name(props.InstanceProfileName, MAX_INSTANCE_PROFILE_NAME));
    case 'AWS::S3::Bucket.Ref':
      return name(props.BucketName, MAX_BUCKET_NAME);
    case 'AWS::S3::Bucket.Arn':
      return `arn:${LONGEST_PARTITION}:s3:::${name(props.BucketName, MAX_BUCKET_NAME)}`;
    case 'AWS::SecretsManager::Secret.Ref':
      // Secrets Manager appends `-` and 6 random characters to the name in the ARN.
      return `arn:${LONGEST_PARTITION}:secretsmanager:${LONGEST_REGION}:${ACCOUNT}:secret:` +
        `${name(props.Name, logicalId.length + CFN_SECRET_SUFFIX)}-abcdef`;
    default:
      // A reference this test has no bound for must be looked at, not guessed.
      throw new Error(`no length bound for ${key} (${logicalId})`);
  }
}

/** Evaluates the intrinsics CDK writes into IAM policies, every token at its longest value. */
function resolveLongest(template: CfnTemplate, value: any): any {
  const recurse = (v: any): any => resolveLongest(template, v);
  if (Array.isArray(value)) return value.map(recurse);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    const arg = value[keys[0]];
    switch (keys[0]) {
      case 'Ref':
        return PSEUDO[arg] ?? longestReference(template, arg, undefined);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return longestReference(template, logicalId, attribute);
      }
      case 'Fn::Join':
        return (recurse(arg[1]) as any[]).join(arg[0]);
      case 'Fn::Select':
        return (recurse(arg[1]) as any[])[Number(arg[0])];
      case 'Fn::Split':
        return String(recurse(arg[1])).split(arg[0]);
      case 'Fn::Sub':
        if (typeof arg !== 'string') throw new Error(`Fn::Sub with variables: ${JSON.stringify(arg)}`);
        return arg.replace(/\$\{([^}]+)\}/g, (_m, ref: string) => {
          const [id, attr] = ref.split('.');
          return PSEUDO[ref] ?? longestReference(template, id, attr);
        });
      default:
        throw new Error(`unexpected intrinsic in a policy: ${JSON.stringify(value)}`);
    }
  }
  const result: Record<string, any> = {};
  for (const key of keys) result[key] = recurse(value[key]);
  return result;
}

/** What IAM counts: the JSON text without whitespace. */
function iamSize(template: CfnTemplate, document: any): number {
  return JSON.stringify(resolveLongest(template, document)).replace(/\s/g, '').length;
}

/** Whether a `Roles` list of a policy resource names the role `logicalId`. */
function namesRole(roles: any[] | undefined, logicalId: string): boolean {
  return (roles ?? []).some((r) => r?.Ref === logicalId);
}

interface RoleBudget {
  readonly managedPolicies: number;
  readonly inlineSize: number;
}

/** Measures every policy and role of a synthesized template; fails on any quota breach. */
function checkQuotas(template: CfnTemplate): { largestManagedPolicy: number; roles: Record<string, RoleBudget> } {
  const resources = Object.entries(template.Resources);
  let largestManagedPolicy = 0;
  for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')) {
    const document = resource.Properties.PolicyDocument;
    const independent = iamSize(template, document);
    const library = policyJsonSize(document);
    if (independent > MANAGED_POLICY_QUOTA || library > MANAGED_POLICY_QUOTA) {
      throw new Error(`managed policy ${logicalId} is ${independent} characters (library says ${library}), over ${MANAGED_POLICY_QUOTA}`);
    }
    largestManagedPolicy = Math.max(largestManagedPolicy, independent, library);
  }

  const roles: Record<string, RoleBudget> = {};
  for (const [roleId, role] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Role')) {
    // A managed policy is attached either from the role (ManagedPolicyArns) or from the policy (Roles).
    const managedPolicies = (role.Properties?.ManagedPolicyArns ?? []).length +
      resources.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && namesRole(r.Properties?.Roles, roleId)).length;
    // Inline policies: the role's own `Policies` and every AWS::IAM::Policy naming it.
    const inlineDocuments = [
      ...(role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument),
      ...resources
        .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && namesRole(r.Properties?.Roles, roleId))
        .map(([, r]) => r.Properties.PolicyDocument),
    ];
    const inlineSize = inlineDocuments.reduce((sum, d) => sum + iamSize(template, d), 0);
    if (managedPolicies > MANAGED_POLICIES_PER_ROLE) {
      throw new Error(`role ${roleId} has ${managedPolicies} managed policies, over ${MANAGED_POLICIES_PER_ROLE}`);
    }
    if (inlineSize > INLINE_POLICIES_PER_ROLE) {
      throw new Error(`role ${roleId} has ${inlineSize} characters of inline policies, over ${INLINE_POLICIES_PER_ROLE}`);
    }
    roles[roleId] = { managedPolicies, inlineSize };
  }
  return { largestManagedPolicy, roles };
}

// What the library says when a configuration cannot fit: at synth time, naming the role or statement
// and the fix. Any other failure, or a template over a quota, fails the test.
const CLEAR_QUOTA_ERROR = new RegExp([
  /Role \S+ has \d+ managed policies, more than the 10 IAM allows per role by default\. Pass fewer/.source,
  /Statement '\w+' of \S+ is \d+ characters long once its ARNs are resolved, more than the 6144 characters IAM allows/.source,
].join('|'));

type Outcome = { fits: true; template: CfnTemplate } | { fits: false; error: string };

function synth(group: string, environment: Environment, flags: Flags, options: Options): Outcome {
  // Only what the catalogue holds, so that the newest-aws-cdk-lib run compares it (test/support/catalogue.ts).
  const id = quotaCaseId(group, environment, flags, options);
  checkCatalogued(id);
  try {
    // templateOf records the variant's template when CI records the catalogue (test/support/catalogue-record.ts).
    return { fits: true, template: templateOf(quotaStack(group, environment, flags, options)) as CfnTemplate };
  } catch (e) {
    const message = (e as Error).message;
    if (!CLEAR_QUOTA_ERROR.test(message)) {
      throw e;
    }
    recordCatalogueVariant(id, { refused: message });
    return { fits: false, error: message };
  }
}

/** Checks every group: within the quotas, or refused with the clear message. Returns the fitting templates' measures. */
function checkAllGroups(environment: Environment, flags: Flags, options: Options): Record<string, ReturnType<typeof checkQuotas> | string> {
  const results: Record<string, ReturnType<typeof checkQuotas> | string> = {};
  for (const group of Object.keys(GROUPS)) {
    const outcome = synth(group, environment, flags, options);
    results[group] = outcome.fits ? checkQuotas(outcome.template) : outcome.error;
  }
  return results;
}


describe('quota budgets', () => {
  // Every environment and flag setting, exhaustively, for the configurations at the far end.
  describe.each(ENVIRONMENTS)('in %s', (environment) => {
    test.each(FLAG_SETTINGS)('a large configuration fits (minimizePolicies $minimizePolicies, partitionLiterals $partitionLiterals)', (flags) => {
      const results = checkAllGroups(environment, flags, QUOTA_OPTION_SETS.large);
      for (const [group, result] of Object.entries(results)) {
        if (typeof result === 'string') {
          throw new Error(`${group} does not fit: ${result}`);
        }
      }
      const user = results.user as ReturnType<typeof checkQuotas>;
      // The user role needs several policies, one of them over half full, so the check measured something.
      expect(user.largestManagedPolicy).toBeGreaterThan(MANAGED_POLICY_QUOTA / 2);
      expect(Object.values(user.roles).some((b) => b.managedPolicies >= 5)).toBe(true);
    });

    test.each(FLAG_SETTINGS)('the fullest configuration fits or is refused clearly (minimizePolicies $minimizePolicies, partitionLiterals $partitionLiterals)', (flags) => {
      const results = checkAllGroups(environment, flags, QUOTA_OPTION_SETS.fullest);
      // The user role alone always fits, however many resources it is given in this range.
      expect(typeof results.user).not.toBe('string');
    });

    test.each(FLAG_SETTINGS)('references to resources created in the stack fit or are refused clearly (minimizePolicies $minimizePolicies, partitionLiterals $partitionLiterals)', (flags) => {
      checkAllGroups(environment, flags, QUOTA_OPTION_SETS['large-created']);
      checkAllGroups(environment, flags, QUOTA_OPTION_SETS['fullest-created']);
    });
  });

  test('every combination of options fits or is refused clearly, in every environment and flag setting', () => {
    forEachRandomQuotaCase((options, environment, flags) => {
      checkAllGroups(environment, flags, options);
    });
  });
});

describe('the independent size check', () => {
  // A check that cannot fail proves nothing: show that it does fail on an oversized policy and on a
  // role with too many policies, with sizes computed from the template's references.
  test('rejects a managed policy over 6,144 characters once references are at their longest', () => {
    const stack = newStack('agnostic', { minimizePolicies: false, partitionLiterals: false });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal(), path: LONG_IAM_PATH });
    // 75 references to the role's ARN: short as tokens, about 90 characters each when resolved.
    const resources = Array.from({ length: 75 }, (_, i) => `${role.roleArn}/${i}`);
    new iam.ManagedPolicy(stack, 'Big', {
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources })],
    });
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    expect(() => checkQuotas(template)).toThrow(/managed policy Big\w* is \d+ characters/);
    // The unresolved template alone would have looked small enough.
    const raw = JSON.stringify(template.Resources[Object.keys(template.Resources).find((k) => k.startsWith('Big'))!].Properties.PolicyDocument);
    expect(raw.replace(/\s/g, '').length).toBeLessThan(iamSize(template, JSON.parse(raw)));
  });

  test('resolves pseudo parameters and references to their longest values', () => {
    const template: CfnTemplate = {
      Resources: {
        R: { Type: 'AWS::IAM::Role', Properties: { Path: '/p/' } },
        B: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'named' } },
      },
    };
    expect(resolveLongest(template, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x:', { Ref: 'AWS::Region' }]] }))
      .toBe('arn:aws-us-gov:x:us-isof-south-1');
    expect(resolveLongest(template, { 'Fn::GetAtt': ['R', 'Arn'] }))
      .toBe(`arn:aws-us-gov:iam::123456789012:role/p/${'n'.repeat(64)}`);
    expect(resolveLongest(template, { 'Fn::GetAtt': ['B', 'Arn'] })).toBe('arn:aws-us-gov:s3:::named');
    expect(() => resolveLongest(template, { 'Fn::GetAtt': ['R', 'RoleId'] })).toThrow(/no length bound for AWS::IAM::Role.RoleId/);
    expect(() => resolveLongest(template, { 'Fn::If': ['C', 'a', 'b'] })).toThrow(/unexpected intrinsic/);
  });

  test('counts managed policies attached from either side and inline policies of a role', () => {
    const stack = newStack('us-east-1', { minimizePolicies: false, partitionLiterals: false });
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal() });
    for (let i = 0; i < 6; i++) {
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Aws${i}`));
    }
    for (let i = 0; i < 5; i++) {
      new iam.ManagedPolicy(stack, `Attached${i}`, {
        roles: [role],
        statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })],
      });
    }
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    expect(() => checkQuotas(template)).toThrow(/role Role\w+ has 11 managed policies/);
  });
});

describe('configurations that cannot fit fail at synth time with a clear message', () => {
  // The configurations are QUOTA_REFUSALS of test/support/quota-variants.ts, synthesized as the catalogue does
  // (variantContent), which records their refusals when CI records the catalogue: the newest-aws-cdk-lib run
  // compares them under the newest aws-cdk-lib too.
  const refusal = (name: string) => quotaRefusalVariant(name);
  /** Builds the configuration (which must not throw yet), then synthesizes it as the catalogue does. */
  const builtThenSynthesized = (name: string) => {
    const { id, build } = refusal(name);
    const stack = build();
    return variantContent({ id, build: () => stack });
  };
  const refusedWith = (message: RegExp) => ({ refused: expect.stringMatching(message) });

  test('an eleventh managed policy on the user role', () => {
    expect(builtThenSynthesized('eleventh managed policy on the user role')).toEqual(refusedWith(
      /Role Budget\/User\/Role has 11 managed policies, more than the 10 IAM allows per role by default/));
  });

  test('so many additional policies that the attach allow-list alone exceeds one managed policy', () => {
    expect(variantContent(refusal('attach allow-list over one managed policy')))
      .toEqual(refusedWith(/Statement 'IamPolicy' of Budget\/User is \d+ characters long .* more than the 6144 characters IAM allows in one managed policy/));
  });

  test('twenty additional policies on a node role', () => {
    expect(builtThenSynthesized('twenty additional policies on a node role')).toEqual(refusedWith(
      /Role Budget\/Head\/Role has 23 managed policies, more than the 10 IAM allows per role by default\. Pass fewer additionalIamPolicies/));
  });

  test('twenty additional policies for a whole cluster', () => {
    expect(builtThenSynthesized('twenty additional policies for a whole cluster')).toEqual(refusedWith(
      /Role Budget\/Cluster\/(HeadNodeRole|ComputeNodeRole-compute)\/Role has \d+ managed policies/));
  });

  test('so many custom roles that their PassRole statement exceeds one managed policy', () => {
    expect(variantContent(refusal('custom roles PassRole over one managed policy')))
      .toEqual(refusedWith(/Statement 'CustomRolesIamPassRole' of Budget\/User is \d+ characters long/));
  });
});
