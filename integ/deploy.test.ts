/**
 * The local deploy test: deploys integ/deploy-app.ts with the AWS CDK CLI to the local AWS emulator
 * that scripts/integ-local.sh started, reads every IAM resource back, updates the stack, destroys it.
 * Run it with `npx projen integ:local`; docs/deploy-test.md says what it proves and what it does not.
 *
 * Each check compares what the IAM and CloudFormation APIs report with the synthesized template,
 * evaluated with the deployed values (ARNs, names, account), and with the stack's expected inventory
 * below, so that neither a template that lost a resource nor a deploy that lost a property passes.
 */
import * as YAML from 'yaml';
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
  synthesizeExample,
} from './readback';

/**
 * What each variant of the deploy app must contain, by construct path. A policy entry is a prefix:
 * the library splits a block into `Foo`, `Foo2`, ... when it outgrows IAM's size quota.
 */
interface Inventory {
  readonly queues: string[];
  readonly roles: string[];
  readonly profiles: string[];
  readonly policies: string[];
}

const USER_ROLE = 'Cluster/UserRole/Role';
const HEAD_NODE_ROLE = 'Cluster/HeadNodeRole/Role';
const LAMBDA_ROLE = 'Cluster/LambdaFunctionsRole/Role';
const IMAGE_ROLE = 'Cluster/ImageBuilderRoles/InstanceRole';
const CLEANUP_ROLE = 'Cluster/ImageBuilderRoles/CleanupLambdaRole';
const computeRole = (queue: string) => `Cluster/ComputeNodeRole-${queue}/Role`;
const LOGIN_ROLE = 'Cluster/LoginNodeRole-login/Role';

function inventoryOf(queues: string[], fsx: boolean): Inventory {
  return {
    queues,
    roles: [USER_ROLE, HEAD_NODE_ROLE, LOGIN_ROLE, LAMBDA_ROLE, IMAGE_ROLE, CLEANUP_ROLE, ...queues.map(computeRole)],
    profiles: [
      'Cluster/HeadNodeRole/InstanceProfile',
      'Cluster/LoginNodeRole-login/InstanceProfile',
      'Cluster/ImageBuilderRoles/InstanceProfile',
      ...queues.map((q) => `Cluster/ComputeNodeRole-${q}/InstanceProfile`),
    ],
    policies: [
      'Boundary',
      'SoftwareRead',
      'Cluster/HeadNodeRole/Policy',
      'Cluster/LoginNodeRole-login/Policy',
      'Cluster/LambdaFunctionsRole/Policy',
      'Cluster/ImageBuilderRoles/InstanceRolePolicy',
      'Cluster/ImageBuilderRoles/CleanupLambdaRolePolicy',
      'Cluster/UserRole/BasePolicy',
      'Cluster/UserRole/ImageBuilderPolicy',
      'Cluster/UserRole/IamPolicy',
      ...(fsx ? ['Cluster/UserRole/FsxPolicy'] : []),
      // The queues' compute node statements are the same: one policy for all (src/private/shared-policies.ts).
      'Cluster/SharedPolicies/ComputeNodePolicy',
    ],
  };
}

const INVENTORY: Record<'base' | 'updated', Inventory> = {
  base: inventoryOf(['cpu', 'gpu'], true),
  updated: inventoryOf(['cpu', 'gpu', 'mem'], false),
};

/** The update turns FSx for Lustre off and adds the queue `mem`. */
const UPDATE = {
  // The new queue gets the shared compute node policy, not one of its own.
  added: ['Cluster/ComputeNodeRole-mem/InstanceProfile', computeRole('mem')],
  removed: ['Cluster/UserRole/FsxPolicy'],
  // The new queue's role is on the cluster path, which the head node's PassRole already covers. The
  // added secret reaches the head node (GetSecretValue) and the user (DescribeSecret), whose role also
  // loses the FSx policy. The user's base block is sized into two managed policies; the secrets statement,
  // one of the last of the block, is in the second.
  changed: ['Cluster/HeadNodeRole/Policy', 'Cluster/UserRole/BasePolicy2', USER_ROLE],
};

/** Who each role trusts (the service, or for the user role the account), and its AWS managed policies. */
const EC2 = 'ec2.amazonaws.com';
const LAMBDA = 'lambda.amazonaws.com';
const NODE_MANAGED = ['CloudWatchAgentServerPolicy', 'AmazonSSMManagedInstanceCore'];
function roleExpectations(queues: string[]): Record<string, { service?: string; awsManaged: string[] }> {
  return {
    [USER_ROLE]: { awsManaged: [] },
    [HEAD_NODE_ROLE]: { service: EC2, awsManaged: NODE_MANAGED },
    [LOGIN_ROLE]: { service: EC2, awsManaged: NODE_MANAGED },
    [LAMBDA_ROLE]: { service: LAMBDA, awsManaged: [] },
    [IMAGE_ROLE]: { service: EC2, awsManaged: ['AmazonSSMManagedInstanceCore', 'EC2InstanceProfileForImageBuilder'] },
    [CLEANUP_ROLE]: { service: LAMBDA, awsManaged: ['service-role/AWSLambdaBasicExecutionRole'] },
    ...Object.fromEntries(queues.map((q) => [computeRole(q), { service: EC2, awsManaged: NODE_MANAGED }])),
  };
}

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
      problems.equal(`${where} description`, role.description, p.Description || undefined);
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
      problems.equal(`${where} description`, policy.description, p.Description || undefined); // IAM omits an empty one
      if (p.ManagedPolicyName) {
        problems.equal(`${where} name`, policy.name, p.ManagedPolicyName);
      }
    }
    expect(problems.list).toEqual([]);
  });

  test('AWS managed policies are attached by their partition-correct ARN, and exist', async () => {
    const d = get();
    const roles = resourcesOfType(d.template, 'AWS::IAM::Role');
    const stackPolicies = new Set(Object.values(d.policies).map((p) => p.arn));
    const expected = roleExpectations(inventory.queues);
    const attached = Object.fromEntries(Object.entries(roles).map(([path, id]) =>
      [path, d.roles[id].attached.filter((arn) => !stackPolicies.has(arn)).sort()]));
    expect(attached).toEqual(Object.fromEntries(Object.entries(expected).map(([path, e]) => [path, e.awsManaged.map((name) => `arn:${PARTITION}:iam::aws:policy/${name}`).sort()])));
    // The emulator ships IAM's list of AWS managed policies: a misspelt or retired name is not found.
    for (const arn of new Set(Object.values(attached).flat())) {
      await expect(readPolicy(iamClient(), arn)).resolves.toMatchObject({ arn });
    }
  });

  test('each role trusts its service (the user role: the account), on the cluster IAM path (the user role: outside it)', () => {
    const d = get();
    const roles = resourcesOfType(d.template, 'AWS::IAM::Role');
    const expected = roleExpectations(inventory.queues);
    for (const [path, id] of Object.entries(roles)) {
      const role = d.roles[id];
      const principal = expected[path].service ? { Service: expected[path].service } : { AWS: `arn:${PARTITION}:iam::${d.account}:root` };
      expect({ path, trust: role.trust.Statement }).toEqual({ path, trust: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: principal }] });
      expect({ path, iamPath: role.path }).toEqual({ path, iamPath: path === USER_ROLE ? '/' : INTEG_IAM_PATH });
      expect(role.arn).toBe(`arn:${PARTITION}:iam::${d.account}:role${role.path}${role.name}`);
    }
    expect(Object.values(d.profiles).filter((p) => p.path !== INTEG_IAM_PATH).map((p) => p.name)).toEqual([]);
  });

  test("every cluster role carries the organisation's boundary and the additional policy where it belongs", () => {
    const d = get();
    const roles = resourcesOfType(d.template, 'AWS::IAM::Role');
    const policies = resourcesOfType(d.template, 'AWS::IAM::ManagedPolicy');
    const boundary = d.policies[policies.Boundary].arn;
    const additional = d.policies[policies.SoftwareRead].arn;
    expect(boundary).toBe(`arn:${PARTITION}:iam::${d.account}:policy/IntegHpcBoundary`);
    for (const [path, id] of Object.entries(roles)) {
      // The mode's boundary is for the roles the user creates, not for the user role itself.
      expect({ path, boundary: d.roles[id].boundary }).toEqual({ path, boundary: path === USER_ROLE ? undefined : boundary });
      const nodeRole = path === HEAD_NODE_ROLE || path === LOGIN_ROLE || inventory.queues.some((q) => path === computeRole(q));
      expect({ path, additional: d.roles[id].attached.includes(additional) }).toEqual({ path, additional: nodeRole });
    }
  });

  test('each instance profile holds the role of its construct', () => {
    const d = get();
    const roles = resourcesOfType(d.template, 'AWS::IAM::Role');
    const profiles = resourcesOfType(d.template, 'AWS::IAM::InstanceProfile');
    const profileOf = (path: string) => path.replace(/\/(Role|InstanceRole)$/, '/InstanceProfile');
    const held = Object.fromEntries(Object.entries(profiles).map(([path, id]) => [path, d.profiles[id].roles]));
    const expected = Object.fromEntries(Object.entries(roles)
      .filter(([path]) => profiles[profileOf(path)])
      .map(([path, id]) => [profileOf(path), [d.roles[id].name]]));
    expect(held).toEqual(expected);
  });

  test('the config fragments in the stack outputs name the deployed roles and boundary', () => {
    const d = get();
    const outputs = Object.fromEntries((d.stack.Outputs ?? []).map((o) => [o.OutputKey!.replace(/[0-9A-F]{8}$/, ''), o.OutputValue!]));
    const arnOf = (path: string) => d.roles[resourcesOfType(d.template, 'AWS::IAM::Role')[path]].arn;
    const boundary = d.policies[resourcesOfType(d.template, 'AWS::IAM::ManagedPolicy').Boundary].arn;
    expect(YAML.parse(outputs.ClusterClusterConfig)).toEqual({
      // The roles are on INTEG_IAM_PATH: ParallelCluster creates their instance profiles there too (ResourcePrefix).
      Iam: { Roles: { LambdaFunctionsRole: arnOf(LAMBDA_ROLE) }, PermissionsBoundary: boundary, ResourcePrefix: INTEG_IAM_PATH },
      HeadNode: { Iam: { InstanceRole: arnOf(HEAD_NODE_ROLE) } },
      LoginNodes: { Pools: [{ Name: 'login', Iam: { InstanceRole: arnOf(LOGIN_ROLE) } }] },
      Scheduling: {
        Scheduler: 'slurm',
        SlurmQueues: inventory.queues.map((q) => ({ Name: q, Iam: { InstanceRole: arnOf(computeRole(q)) } })),
      },
    });
    expect(YAML.parse(outputs.ClusterImageConfig)).toEqual({
      Build: { Iam: { InstanceRole: arnOf(IMAGE_ROLE), CleanupLambdaRole: arnOf(CLEANUP_ROLE), PermissionsBoundary: boundary } },
    });
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

describe('the deploy app', () => {
  test('its base variant has the example app\'s roles, instance profiles and policies (examples/app.ts)', () => {
    // The example is a script, not a `cdk` app, so the deploy app repeats its setup: this keeps them in step.
    const example = synthesizeExample();
    const inventoryOfTemplate = (t: Template) => Object.fromEntries(['AWS::IAM::Role', 'AWS::IAM::InstanceProfile', 'AWS::IAM::ManagedPolicy']
      .map((type) => [type, Object.keys(resourcesOfType(t, type)).sort()]));
    const base = INVENTORY.base;
    const expected = inventoryOfTemplate(example);
    expect(expected['AWS::IAM::Role']).toEqual([...base.roles].sort());
    expect(expected['AWS::IAM::InstanceProfile']).toEqual([...base.profiles].sort());
    const policies = byPrefix(expected['AWS::IAM::ManagedPolicy'], base.policies);
    expect(Object.entries(policies).filter(([, members]) => members.length === 0).map(([prefix]) => prefix)).toEqual([]);
    expect(expected['AWS::IAM::ManagedPolicy'].filter((p) => !Object.values(policies).flat().includes(p))).toEqual([]);
  });
});

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
      expect(diff).toEqual({ added: [...UPDATE.added].sort(), removed: [...UPDATE.removed].sort(), changed: [...UPDATE.changed].sort() });
    });

    test('resources the update changed were updated in place, and nothing else changed', () => {
      const diff = templateDiff(base.template, updated.template);
      const problems = new Problems();
      for (const id of Object.keys(base.template.Resources)) {
        const where = constructPath(base.template, id);
        if (diff.removed.includes(where) || base.template.Resources[id].Type === 'AWS::CDK::Metadata') {
          continue;
        }
        problems.equal(`${where} physical id`, updated.physical[id], base.physical[id]);
        const before = identity(base, id);
        const after = identity(updated, id);
        if (!diff.changed.includes(where)) {
          problems.equal(`${where} deployed state`, after, before);
        } else if (base.roles[id]) {
          problems.equal(`${where} role id`, after.roleId, before.roleId);
        } else if (base.policies[id]) {
          // A new default version of the same policy, as CloudFormation does.
          problems.equal(`${where} policy ARN`, after.arn, before.arn);
          problems.check(`${where}: the default version is still ${before.defaultVersionId}`, after.defaultVersionId !== before.defaultVersionId);
        }
      }
      expect(problems.list).toEqual([]);
    });

    test('the resources the update removed are gone', async () => {
      const removed = Object.keys(base.template.Resources).filter((id) => !updated.template.Resources[id]);
      expect(removed.map((id) => constructPath(base.template, id))).toEqual(UPDATE.removed);
      for (const id of removed) {
        await expect(readPolicy(iamClient(), base.physical[id])).rejects.toThrow(/not found|NoSuchEntity|does not exist/i);
      }
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
