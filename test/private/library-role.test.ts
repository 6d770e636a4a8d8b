import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { HeadNodeRole, ParallelClusterIam, ParallelClusterUserRole } from '../../src';
import { LibraryRole, LibraryRoleProps, createOwnRole } from '../../src/private/library-role';
import { AWS, AWS_CN, TestEnvironment } from '../support/stacks';

/*
 * The library's roles are `LibraryRole`s (a CfnRole behind iam.IRole), not `iam.Role`s. They must synthesize
 * what `iam.Role` does for the same props, and what users do with a role (managed policies, grants, statements
 * added later, inline policies, boundaries, references from other stacks) must give the same template.
 */

interface Built {
  readonly stack: Stack;
  readonly role: iam.IRole;
  readonly app: App;
}

/** The same role, built as `iam.Role` or as `LibraryRole`, in a stack of its own, then changed by `use`. */
function build(kind: 'iam.Role' | 'LibraryRole', env: TestEnvironment, props: LibraryRoleProps, use: (built: Built) => void = () => {}): any {
  const app = new App();
  const stack = new Stack(app, 'Roles', { env: { account: env.account, region: env.region } });
  const role = kind === 'iam.Role' ? new iam.Role(stack, 'Role', props) : new LibraryRole(stack, 'Role', props);
  use({ stack, role, app });
  return app.synth().stacks.map((s) => s.template);
}

/** The template's one role. */
const roleOf = (template: any): any => Object.values(template.Resources).find((r: any) => r.Type === 'AWS::IAM::Role');

const boundary = (stack: Stack) => iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');

describe.each([AWS, AWS_CN])('LibraryRole in $partition synthesizes what iam.Role does', (env) => {
  test.each<[string, (stack: Stack) => LibraryRoleProps]>([
    ['a service principal only', () => ({ assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') })],
    ['name, path, boundary and description', (stack) => ({
      assumedBy: new iam.AccountRootPrincipal(),
      roleName: 'hpc-user',
      path: '/parallelcluster/',
      permissionsBoundary: boundary(stack),
      description: 'Runs the ParallelCluster CLI',
    })],
    ['a principal with conditions', () => ({ assumedBy: new iam.AccountPrincipal('444455556666').withConditions({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }) })],
  ])('%s', (_name, props) => {
    // The boundary is created in the stack of each build, so the props are built there too.
    const use = (kind: 'iam.Role' | 'LibraryRole') => {
      const app = new App();
      const stack = new Stack(app, 'Roles', { env: { account: env.account, region: env.region } });
      const p = props(stack);
      if (kind === 'iam.Role') new iam.Role(stack, 'Role', p); else new LibraryRole(stack, 'Role', p);
      return app.synth().getStackByName('Roles').template;
    };
    expect(use('LibraryRole')).toEqual(use('iam.Role'));
  });

  test('managed policies: in order, each ARN once, none written when there is none', () => {
    const attach = ({ stack, role }: Built) => {
      const own = new iam.ManagedPolicy(stack, 'Own', { statements: [new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['*'] })] });
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
      role.addManagedPolicy(own);
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
      role.addManagedPolicy(own);
    };
    const props = { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') };
    const library = build('LibraryRole', env, props, attach);
    expect(library).toEqual(build('iam.Role', env, props, attach));
    expect(roleOf(library[0]).Properties.ManagedPolicyArns).toHaveLength(2);
    expect(roleOf(build('LibraryRole', env, props)[0]).Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('grants and statements added later go to a DefaultPolicy, as on iam.Role', () => {
    const grant = ({ stack, role }: Built) => {
      const bucket = new s3.Bucket(stack, 'Bucket');
      bucket.grantRead(role);
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
      const user = new iam.User(stack, 'Admin');
      role.grantPassRole(user);
      role.grantAssumeRole(user);
      role.grant(user, 'iam:GetRole');
    };
    const props = { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') };
    const library = build('LibraryRole', env, props, grant);
    expect(library).toEqual(build('iam.Role', env, props, grant));
    const policy = Object.values(library[0].Resources).find((r: any) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles) as any;
    expect(policy.Properties.Roles).toEqual([{ Ref: Object.keys(library[0].Resources).find((id) => library[0].Resources[id].Type === 'AWS::IAM::Role') }]);
    expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('ec2:DescribeInstances');
  });

  test('inline policies attach once, a second policy of the same name is refused', () => {
    const attach = ({ stack, role }: Built) => {
      const policy = new iam.Policy(stack, 'Inline', { policyName: 'extra', statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] });
      role.attachInlinePolicy(policy);
      role.attachInlinePolicy(policy);
      policy.attachToRole(role);
    };
    const props = { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') };
    expect(build('LibraryRole', env, props, attach)).toEqual(build('iam.Role', env, props, attach));
    expect(() => build('LibraryRole', env, props, ({ stack, role }) => {
      role.attachInlinePolicy(new iam.Policy(stack, 'One', { policyName: 'same', statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] }));
      role.attachInlinePolicy(new iam.Policy(stack, 'Two', { policyName: 'same', statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] }));
    })).toThrow(/A policy named "same" is already attached to role Roles\/Role/);
  });

  test('another stack of the environment refers to the role through an export, and PermissionsBoundary.of applies', () => {
    const refer = ({ app, stack, role }: Built) => {
      const other = new Stack(app, 'Other', { env: { account: env.account, region: env.region } });
      new iam.CfnManagedPolicy(other, 'PassIt', {
        policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: role.roleArn }] },
        description: role.roleName,
      });
      iam.PermissionsBoundary.of(stack).apply(boundary(stack));
    };
    const props = { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'), path: '/parallelcluster/' };
    const library = build('LibraryRole', env, props, refer);
    expect(library).toEqual(build('iam.Role', env, props, refer));
    expect(Object.keys(library[0].Outputs ?? {})).toHaveLength(2);
    expect(roleOf(library[0]).Properties.PermissionsBoundary).toBeDefined();
  });
});

describe('LibraryRole, beyond iam.Role', () => {
  test('a description over 1,000 characters is refused with its length', () => {
    const stack = new Stack(new App(), 'Roles');
    expect(() => new LibraryRole(stack, 'Role', { assumedBy: new iam.AccountRootPrincipal(), description: 'x'.repeat(1001) }))
      .toThrow('Role description must be no longer than 1000 characters, got 1001.');
  });

  test('the library builds LibraryRoles, and iam.Roles under iam.Role.customizeRoles (whose precreated roles iam.Role handles)', () => {
    const stack = new Stack(new App(), 'Roles');
    expect(new HeadNodeRole(stack, 'Head').role).toBeInstanceOf(LibraryRole);
    expect(new ParallelClusterUserRole(stack, 'User').role).toBeInstanceOf(LibraryRole);
    const customized = new Stack(new App(), 'Customized');
    iam.Role.customizeRoles(customized);
    expect(new HeadNodeRole(customized, 'Head').role).toBeInstanceOf(iam.Role);
    expect(createOwnRole(customized, 'Own', { assumedBy: new iam.AccountRootPrincipal() })).toBeInstanceOf(iam.Role);
  });

  test.each([true, false])('a cluster synthesizes under iam.Role.customizeRoles (preventSynthesis %s): the roles are left to it', (preventSynthesis) => {
    const app = new App();
    const stack = new Stack(app, 'Customized', { env: { account: AWS.account, region: AWS.region } });
    iam.Role.customizeRoles(stack, { preventSynthesis });
    new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['cpu'], enableImageBuilder: true });
    const types = Object.values(app.synth().getStackByName('Customized').template.Resources).map((r: any) => r.Type);
    // Head, compute, Lambda, image build, image cleanup and user roles.
    expect(types.filter((t) => t === 'AWS::IAM::Role')).toHaveLength(preventSynthesis ? 0 : 6);
  });

  test("a library role has no imported copy of itself, no aspect, and its ARN and name are its CfnRole's own", () => {
    const stack = new Stack(new App(), 'Roles');
    const role = new HeadNodeRole(stack, 'Head').role as LibraryRole;
    expect(role.node.children.map((c) => c.node.id)).toEqual(['Resource']);
    expect(stack.resolve(role.roleArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] });
    expect(stack.resolve(role.roleName)).toEqual({ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) });
  });
});
