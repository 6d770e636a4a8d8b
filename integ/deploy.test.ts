/**
 * The local deploy test: deploys integ/deploy-app.ts with the AWS CDK CLI to the local AWS emulator
 * that scripts/integ-local.sh started, reads every IAM resource back, updates the stack, destroys it.
 * Run it with `npx projen integ:local`; docs/deploy-test.md says what it proves and what it does not.
 *
 * Each check compares what the IAM and CloudFormation APIs report with the synthesized template,
 * evaluated with the deployed values (ARNs, names, account), and with the stack's expected inventory
 * below, so that neither a template that lost a resource nor a deploy that lost a property passes.
 */
import { INTEG_IAM_PATH, INTEG_STACK_NAME } from './constants';
import {
  PARTITION,
  Deployed,
  Template,
  cdk,
  constructPath,
  deploy,
  evaluator,
  iamClient,
  leftovers,
  readDeployed,
  readPolicy,
  readStack,
  resourcesOfType,
} from './readback';

/**
 * What each variant of the deploy app must contain, by construct path. A policy entry is a prefix:
 * the library splits a block into `Foo`, `Foo2`, ... when it outgrows IAM's size quota.
 */
interface Inventory {
  readonly roles: string[];
  readonly profiles: string[];
  readonly policies: string[];
}

const INVENTORY: Record<'base' | 'updated', Inventory> = {
  base: {
    roles: ['User/Role'],
    profiles: [],
    policies: ['Boundary', 'User/BasePolicy', 'User/IamPolicy'],
  },
  updated: {
    roles: ['User/Role'],
    profiles: [],
    policies: ['Boundary', 'User/BasePolicy', 'User/FsxPolicy', 'User/IamPolicy'],
  },
};

/** The update toggles FSx for Lustre on: it adds the FSx policy and attaches it to the user role. */
const UPDATE_ADDS = ['User/FsxPolicy'];
const UPDATE_CHANGES = ['User/Role'];

const LONG = 10 * 60_000;
jest.setTimeout(LONG);

/** Collects mismatches, so that one test reports all of them at once. */
class Problems {
  public readonly list: string[] = [];
  public equal(what: string, actual: any, expected: any): void {
    if (JSON.stringify(canonical(actual)) !== JSON.stringify(canonical(expected))) {
      this.list.push(`${what}:\n  deployed: ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(expected)}`);
    }
  }
  public check(what: string, ok: boolean): void {
    if (!ok) {
      this.list.push(what);
    }
  }
}

/** JSON with sorted keys: IAM may return a document's keys in another order. */
function canonical(value: any): any {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}

function byPrefix(paths: string[], prefixes: string[]): Record<string, string[]> {
  return Object.fromEntries(prefixes.map((prefix) => [prefix, paths.filter((p) => p === prefix || new RegExp(`^${prefix}\\d+$`).test(p))]));
}

/** The checks that hold after every deploy. */
function describeDeployedStack(variant: 'base' | 'updated', get: () => Deployed) {
  const inventory = INVENTORY[variant];

  test('the stack is complete, and every resource of the template was created', () => {
    const d = get();
    expect(d.stack.StackStatus).toBe(variant === 'base' ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE');
    expect(Object.keys(d.physical).sort()).toEqual(Object.keys(d.template.Resources).sort());
    const notComplete = Object.entries(d.status).filter(([, s]) => !/^(CREATE|UPDATE)_COMPLETE$/.test(s));
    expect(notComplete).toEqual([]);
  });

  test('the template holds exactly the expected roles, instance profiles and policies', () => {
    const t = get().template;
    expect(Object.keys(resourcesOfType(t, 'AWS::IAM::Role')).sort()).toEqual([...inventory.roles].sort());
    expect(Object.keys(resourcesOfType(t, 'AWS::IAM::InstanceProfile')).sort()).toEqual([...inventory.profiles].sort());
    const policies = Object.keys(resourcesOfType(t, 'AWS::IAM::ManagedPolicy'));
    const groups = byPrefix(policies, inventory.policies);
    expect(Object.entries(groups).filter(([, members]) => members.length === 0).map(([prefix]) => prefix)).toEqual([]);
    expect(policies.filter((p) => !Object.values(groups).flat().includes(p))).toEqual([]);
  });

  test('every role exists with its path, trust policy, permissions boundary and policies', () => {
    const d = get();
    const evaluate = evaluator(d);
    const problems = new Problems();
    for (const [id, resource] of Object.entries(d.template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') {
        continue;
      }
      const where = `role ${constructPath(d.template, id)}`;
      const role = d.roles[id];
      const p = resource.Properties ?? {};
      problems.equal(`${where} path`, role.path, p.Path ?? '/');
      problems.equal(`${where} trust policy`, role.trust, evaluate(p.AssumeRolePolicyDocument));
      problems.equal(`${where} permissions boundary`, role.boundary, p.PermissionsBoundary === undefined ? undefined : evaluate(p.PermissionsBoundary));
      problems.equal(`${where} description`, role.description, p.Description);
      problems.equal(`${where} managed policies`, role.attached, [...evaluate(p.ManagedPolicyArns ?? [])].sort());
      const inline: Record<string, any> = {};
      for (const policy of p.Policies ?? []) {
        inline[policy.PolicyName] = evaluate(policy.PolicyDocument);
      }
      for (const [otherId, other] of Object.entries(d.template.Resources)) {
        if (other.Type === 'AWS::IAM::Policy' && JSON.stringify(other.Properties?.Roles ?? []).includes(`"${id}"`)) {
          inline[d.physical[otherId]] = evaluate(other.Properties.PolicyDocument);
        }
      }
      problems.equal(`${where} inline policies`, role.inline, inline);
    }
    expect(problems.list).toEqual([]);
  });

  test('every instance profile exists on its path and contains its role', () => {
    const d = get();
    const evaluate = evaluator(d);
    const problems = new Problems();
    for (const [id, resource] of Object.entries(d.template.Resources)) {
      if (resource.Type !== 'AWS::IAM::InstanceProfile') {
        continue;
      }
      const where = `instance profile ${constructPath(d.template, id)}`;
      problems.equal(`${where} path`, d.profiles[id].path, resource.Properties?.Path ?? '/');
      problems.equal(`${where} roles`, d.profiles[id].roles, [...evaluate(resource.Properties.Roles)].sort());
    }
    expect(problems.list).toEqual([]);
  });

  test("every customer managed policy's default version is the synthesized document", () => {
    const d = get();
    const evaluate = evaluator(d);
    const problems = new Problems();
    for (const [id, resource] of Object.entries(d.template.Resources)) {
      if (resource.Type !== 'AWS::IAM::ManagedPolicy') {
        continue;
      }
      const where = `policy ${constructPath(d.template, id)}`;
      const policy = d.policies[id];
      const p = resource.Properties;
      problems.equal(`${where} document`, policy.document, evaluate(p.PolicyDocument));
      problems.equal(`${where} path`, policy.path, p.Path ?? '/');
      problems.equal(`${where} description`, policy.description, p.Description);
      if (p.ManagedPolicyName) {
        problems.equal(`${where} name`, policy.name, p.ManagedPolicyName);
      }
    }
    expect(problems.list).toEqual([]);
  });

  test('AWS managed policies are attached by their partition-correct ARN, and exist', async () => {
    const d = get();
    const stackPolicies = new Set(Object.values(d.policies).map((p) => p.arn));
    const awsManaged = [...new Set(Object.values(d.roles).flatMap((r) => r.attached).filter((arn) => !stackPolicies.has(arn)))].sort();
    for (const arn of awsManaged) {
      expect(arn).toMatch(new RegExp(`^arn:${PARTITION}:iam::aws:policy/[A-Za-z0-9+=,.@_/-]+$`));
      // The emulator ships IAM's list of AWS managed policies: a misspelt name is not found.
      await expect(readPolicy(iamClient(), arn)).resolves.toMatchObject({ arn });
    }
  });

  test('the cluster roles and profiles are on the cluster IAM path, the user role outside it', () => {
    const d = get();
    const user = Object.entries(d.roles).filter(([id]) => constructPath(d.template, id).startsWith('User/'));
    expect(user.map(([, r]) => r.path)).toEqual(['/']);
    const cluster = Object.entries(d.roles).filter(([id]) => !constructPath(d.template, id).startsWith('User/'));
    expect(cluster.filter(([, r]) => r.path !== INTEG_IAM_PATH).map(([id]) => constructPath(d.template, id))).toEqual([]);
    expect(Object.values(d.profiles).filter((p) => p.path !== INTEG_IAM_PATH).map((p) => p.name)).toEqual([]);
    expect(Object.values(d.roles).every((r) => r.arn.startsWith(`arn:${PARTITION}:iam::${d.account}:role${r.path}`))).toBe(true);
  });

  test('the user role trusts the account and carries the boundary', () => {
    const d = get();
    const userId = resourcesOfType(d.template, 'AWS::IAM::Role')['User/Role'];
    const boundaryId = resourcesOfType(d.template, 'AWS::IAM::ManagedPolicy').Boundary;
    expect(d.roles[userId].trust.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:${PARTITION}:iam::${d.account}:root` } },
    ]);
    expect(d.roles[userId].boundary).toBe(d.policies[boundaryId].arn);
  });

  test('the stack outputs hold the deployed values', () => {
    const d = get();
    const evaluate = evaluator(d);
    const deployedOutputs = Object.fromEntries((d.stack.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
    const expected = Object.fromEntries(Object.entries(d.template.Outputs ?? {}).map(([key, o]) => [key, evaluate(o.Value)]));
    expect(deployedOutputs).toEqual(expected);
    // Every IAM ARN an output names is one of the stack's deployed roles, profiles or policies.
    const known = new Set([
      ...Object.values(d.roles).map((r) => r.arn),
      ...Object.values(d.profiles).map((p) => p.arn),
      ...Object.values(d.policies).map((p) => p.arn),
    ]);
    const named = Object.values(deployedOutputs).flatMap((v) => String(v).match(/arn:[a-z-]+:iam::\d{12}:[^\s"',]+/g) ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((arn) => !known.has(arn))).toEqual([]);
  });
}

/** The deployed state of the resources an update must not touch. */
function identity(d: Deployed, id: string): any {
  return d.roles[id] ?? d.profiles[id] ?? d.policies[id] ?? { physicalId: d.physical[id] };
}

describe(`cdk deploy of ${INTEG_STACK_NAME} to the local emulator`, () => {
  let base: Deployed;
  let updated: Deployed;
  const seen = { roles: [] as string[], profiles: [] as string[], policies: [] as string[] };
  const remember = (d: Deployed) => {
    seen.roles.push(...Object.values(d.roles).map((r) => r.name));
    seen.profiles.push(...Object.values(d.profiles).map((p) => p.name));
    seen.policies.push(...Object.values(d.policies).map((p) => p.arn));
  };

  beforeAll(async () => {
    cdk('bootstrap', ['bootstrap']);
    base = await readDeployed(deploy('base'));
    remember(base);
  });

  describe('after the first deploy', () => {
    describeDeployedStack('base', () => base);
  });

  describe('after an update that toggles an add-on', () => {
    beforeAll(async () => {
      updated = await readDeployed(deploy('updated'));
      remember(updated);
    });

    describeDeployedStack('updated', () => updated);

    test('the templates differ only where the update should change them', () => {
      const diff = templateDiff(base.template, updated.template);
      expect(diff.removed).toEqual([]);
      expect(Object.keys(byPrefix(diff.added, UPDATE_ADDS)).filter((prefix) => byPrefix(diff.added, UPDATE_ADDS)[prefix].length === 0)).toEqual([]);
      expect(diff.added.filter((p) => !Object.values(byPrefix(diff.added, UPDATE_ADDS)).flat().includes(p))).toEqual([]);
      expect(diff.changed).toEqual([...UPDATE_CHANGES].sort());
    });

    test('resources the update changed were updated in place, and nothing else changed', () => {
      const diff = templateDiff(base.template, updated.template);
      const problems = new Problems();
      for (const id of Object.keys(base.template.Resources)) {
        const where = constructPath(base.template, id);
        problems.equal(`${where} physical id`, updated.physical[id], base.physical[id]);
        if (diff.changed.includes(where)) {
          const before = identity(base, id);
          const after = identity(updated, id);
          problems.equal(`${where} identity`, after.roleId ?? after.arn, before.roleId ?? before.arn);
        } else {
          problems.equal(`${where} deployed state`, identity(updated, id), identity(base, id));
        }
      }
      expect(problems.list).toEqual([]);
    });
  });

  describe('after cdk destroy', () => {
    beforeAll(() => {
      cdk('destroy', ['destroy', '--force']);
    });

    test('the stack is gone', async () => {
      const stack = await readStack(INTEG_STACK_NAME);
      expect(stack === undefined || stack.StackStatus === 'DELETE_COMPLETE').toBe(true);
    });

    test('no role, instance profile or policy of the stack is left', async () => {
      expect(seen.roles.length).toBeGreaterThan(0);
      expect(await leftovers(seen)).toEqual([]);
    });
  });
});

/** Resources added, removed and changed (properties differ) between two templates, by construct path. */
function templateDiff(before: Template, after: Template) {
  // The CDK's version-reporting resource changes with the construct inventory; it is not IAM.
  const ours = (t: Template) => Object.fromEntries(Object.entries(t.Resources).filter(([, r]) => r.Type !== 'AWS::CDK::Metadata'));
  before = { ...before, Resources: ours(before) };
  after = { ...after, Resources: ours(after) };
  const added = Object.keys(after.Resources).filter((id) => !before.Resources[id]).map((id) => constructPath(after, id)).sort();
  const removed = Object.keys(before.Resources).filter((id) => !after.Resources[id]).map((id) => constructPath(before, id)).sort();
  const changed = Object.keys(before.Resources)
    .filter((id) => after.Resources[id] && JSON.stringify(canonical(before.Resources[id])) !== JSON.stringify(canonical(after.Resources[id])))
    .map((id) => constructPath(before, id))
    .sort();
  return { added, removed, changed };
}
