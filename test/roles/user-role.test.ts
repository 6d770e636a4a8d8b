import { CfnElement, Stack, Stage, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { IamAccessMode, ParallelClusterUserRole, ParallelClusterUserRoleProps, ParallelClusterVersion } from '../../src';
import { policyJsonSize } from '../../src/private/policy-size';
import { asParallelClusterMakesIt } from '../support/narrowings';
import { seedRequests } from '../support/seed';
import { PolicySimulator, RequestContext } from '../support/simulate';
import { AWS, AWS_CN, ENVIRONMENTS, OTHER_ACCOUNT, TestEnvironment, agnosticStack, stackIn } from '../support/stacks';

/*
 * ParallelClusterUserRole (issue 2): every statement of every `user.*` block, in the three IAM access
 * modes, with and without each add-on, in aws, aws-us-gov and aws-cn, checked by what the synthesized
 * policies allow and deny (PolicySimulator), plus exact template assertions where shape matters and
 * every bad-input error. The exhaustive request matrix against the doc lives in seed-simulation.test.ts;
 * here each block is sampled (3 actions per wildcard) in every mode and configuration.
 */

interface Fixtures {
  readonly secret: secretsmanager.Secret;
  readonly bucket: s3.Bucket;
  readonly otherBucket: s3.Bucket;
  readonly customRole: iam.Role;
  readonly boundary: iam.ManagedPolicy;
  readonly ownBoundary: iam.ManagedPolicy;
  readonly extraPolicy: iam.ManagedPolicy;
}

interface Built {
  readonly stack: Stack;
  readonly user: ParallelClusterUserRole;
  readonly sim: PolicySimulator;
  readonly template: Template;
  /** The evaluated ARN (or, for buckets, name) of a fixture. */
  readonly arn: (construct: IConstruct, attribute?: string) => string;
  readonly f: Fixtures;
}

type ModeName = 'restricted' | 'privileged' | 'permissionsBoundary';
const MODES: ModeName[] = ['restricted', 'privileged', 'permissionsBoundary'];

function modeOf(name: ModeName, f: Fixtures): IamAccessMode {
  switch (name) {
    case 'restricted': return IamAccessMode.restricted();
    case 'privileged': return IamAccessMode.privileged();
    default: return IamAccessMode.permissionsBoundary(f.boundary);
  }
}

function build(stack: Stack, props: (f: Fixtures) => ParallelClusterUserRoleProps = () => ({})): Built {
  const f: Fixtures = {
    secret: new secretsmanager.Secret(stack, 'DirectoryPassword'),
    bucket: new s3.Bucket(stack, 'DataRepository'),
    otherBucket: new s3.Bucket(stack, 'OtherBucket'),
    customRole: new iam.Role(stack, 'CustomNodeRole', { path: '/custom/', assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
    boundary: new iam.ManagedPolicy(stack, 'ClusterBoundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] }),
    ownBoundary: new iam.ManagedPolicy(stack, 'UserBoundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] }),
    extraPolicy: new iam.ManagedPolicy(stack, 'TeamPolicy', {
      path: '/team/',
      statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
    }),
  };
  // The doc's revision: these tests check the doc's blocks (later revisions: revisions.test.ts).
  const user = new ParallelClusterUserRole(stack, 'User', { parallelClusterVersion: ParallelClusterVersion.V3_2, ...props(f) });
  const sim = PolicySimulator.forRole(stack, user.role);
  const arn = (construct: IConstruct, attribute?: string): string => {
    const id = stack.getLogicalId(construct.node.defaultChild as CfnElement);
    return sim.evaluate(attribute ? { 'Fn::GetAtt': [id, attribute] } : { Ref: id });
  };
  // Only some tests look at the template: build it (and its cyclic-dependency check) on demand.
  return { stack, user, sim, get template() { return Template.fromStack(stack); }, arn, f };
}

const buildIn = (env: TestEnvironment, props?: (f: Fixtures) => ParallelClusterUserRoleProps): Built => build(stackIn(env), props);

/** Every add-on a mode accepts. */
function fullProps(mode: ModeName): (f: Fixtures) => ParallelClusterUserRoleProps {
  return (f) => ({
    iamAccessMode: modeOf(mode, f),
    enableAwsBatch: mode !== 'restricted',
    enableFsxLustre: true,
    fsxDataRepositoryBuckets: [f.bucket],
    enableImageBuilder: true,
    secrets: [f.secret],
    additionalIamPolicies: mode === 'restricted' ? undefined : [f.extraPolicy],
    customRoles: [f.customRole],
  });
}

/** Runs requests and returns the ones whose decision differs from `expected`, described. */
async function unexpected(sim: PolicySimulator, requests: Array<[string, string, RequestContext?]>, expected: string): Promise<string[]> {
  const decisions = await Promise.all(requests.map(([action, resource, context]) => sim.decision(action, resource, context)));
  return requests.flatMap(([a, r, c], i) => (decisions[i] === expected ? [] : [`${a} on ${r} ${JSON.stringify(c ?? {})}: ${decisions[i]}`]));
}

const iamArn = (env: TestEnvironment, resource: string, account: string = env.account) => `arn:${env.partition}:iam::${account}:${resource}`;

/** One request unique to each add-on block: allowed exactly when the add-on is on. */
function addOnSignatures(env: TestEnvironment, b: Built, mode: ModeName): Record<string, [string, string, RequestContext?]> {
  const { partition: p, region: r, account: a } = env;
  const boundary: RequestContext = mode === 'permissionsBoundary' ? { 'iam:PermissionsBoundary': b.arn(b.f.boundary) } : {};
  return {
    batch: ['batch:CreateComputeEnvironment', `arn:${p}:batch:${r}:${a}:compute-environment/pcluster-ce`],
    // Issue 18: FSx changes are CloudFormation's (the cluster stack's file systems), with the user's credentials.
    // With the stack tags in the request (models/cluster.py:387-393, 925-942).
    fsx: ['fsx:CreateFileSystem', `arn:${p}:fsx:${r}:${a}:file-system/fs-0123456789abcdef0`, {
      'aws:CalledVia': ['cloudformation.amazonaws.com'],
      'aws:TagKeys': ['parallelcluster:cluster-name'],
      'aws:RequestTag/parallelcluster:cluster-name': 'hpc',
    }],
    fsxBucket: ['s3:PutObject', `arn:${p}:s3:::${b.arn(b.f.bucket)}/export/file`],
    imageBuilder: ['imagebuilder:CreateImage', `arn:${p}:imagebuilder:${r}:${a}:image/parallelclusterimage-abc/1.0.0/1`],
    secret: ['secretsmanager:DescribeSecret', b.arn(b.f.secret)],
    iam: ['iam:CreateRole', iamArn(env, 'role/parallelcluster/c1-RoleHeadNode'), boundary],
    customRole: ['iam:PassRole', b.arn(b.f.customRole, 'Arn'), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
  };
}

/** The seed requests of the blocks a configuration includes (3 actions per wildcard). */
function blockRequests(env: TestEnvironment, b: Built, blocks: string[]): Array<[string, string, RequestContext?]> {
  const values = {
    '<SECRET NAME>': b.arn(b.f.secret).split(':secret:')[1],
    '<S3 NAME>': b.arn(b.f.bucket),
    '<CUSTOM ROLE ARN>': b.arn(b.f.customRole, 'Arn'),
    '<PERMISSIONS BOUNDARY ARN>': b.arn(b.f.boundary),
  };
  const requests = blocks.flatMap((block) => seedRequests(block, env, values, 3).requests
    // Narrowed on purpose (docs/doc-differences.md): not on the cluster path; tested below.
    .filter((req) => !(req.action === 'iam:CreateServiceLinkedRole' && req.statement.sid === 'IamRole'))
    // Never granted by the doc itself (iam:AWSServiceName is not set for it); see seed-simulation.test.ts.
    .filter((req) => req.action !== 'iam:DeleteServiceLinkedRole')
    // Issue 12's narrowings: the request as ParallelCluster makes it (test/support/narrowings.ts).
    .flatMap((req): Array<[string, string, RequestContext?]> => {
      const made = asParallelClusterMakesIt(block, req, env);
      return made === undefined ? [] : [[made.action, made.resource, made.context]];
    }));
  // Blocks overlap (the same request granted twice): send each once.
  return [...new Map(requests.map((req) => [JSON.stringify(req), req])).values()];
}

describe.each(ENVIRONMENTS)('ParallelClusterUserRole in $partition', (env) => {
  describe.each(MODES)('%s mode', (mode) => {
    test('bare: every base statement is allowed, every add-on is denied', async () => {
      const b = buildIn(env, (f) => ({ iamAccessMode: modeOf(mode, f) }));
      const base = blockRequests(env, b, ['user.base']).filter(([action]) => action !== 'secretsmanager:DescribeSecret');
      expect(base.length).toBeGreaterThan(60);
      expect(await unexpected(b.sim, base, 'Allowed')).toEqual([]);
      const signatures = addOnSignatures(env, b, mode);
      const expectedOn = mode === 'restricted' ? [] : ['iam'];
      const decisions = await Promise.all(Object.values(signatures).map(([a, r, c]) => b.sim.decision(a, r, c)));
      expect(Object.keys(signatures).filter((_, i) => decisions[i] === 'Allowed')).toEqual(expectedOn);
      expect(b.user.managedPolicies.map((p) => (p as iam.ManagedPolicy).node.id)).toEqual(mode === 'restricted' ? ['BasePolicy', 'BasePolicy2'] : ['BasePolicy', 'BasePolicy2', 'IamPolicy']);
    });

    test('full: every statement of every block of the mode is allowed', async () => {
      const b = buildIn(env, fullProps(mode));
      const blocks = ['user.base', 'user.fsx', 'user.imageBuilder', 'user.iam.restricted.passRoleExample'];
      if (mode !== 'restricted') blocks.push('user.batch');
      if (mode === 'privileged') blocks.push('user.iam.privileged');
      if (mode === 'permissionsBoundary') blocks.push('user.iam.permissionsBoundary');
      const requests = blockRequests(env, b, blocks);
      expect(requests.length).toBeGreaterThan(150);
      expect(await unexpected(b.sim, requests, 'Allowed')).toEqual([]);
      const signatures = addOnSignatures(env, b, mode);
      const decisions = await Promise.all(Object.values(signatures).map(([a, r, c]) => b.sim.decision(a, r, c)));
      expect(Object.keys(signatures).filter((_, i) => decisions[i] !== 'Allowed')).toEqual(mode === 'restricted' ? ['batch', 'iam'] : []);
      // Stable construct ids, in the documented order; within IAM's quota of 10 per role.
      expect(b.user.managedPolicies.map((p) => (p as iam.ManagedPolicy).node.id)).toEqual(mode === 'restricted'
        ? ['BasePolicy', 'BasePolicy2', 'FsxPolicy', 'ImageBuilderPolicy', 'CustomRolesPolicy']
        : ['BasePolicy', 'BasePolicy2', 'BatchPolicy', 'FsxPolicy', 'ImageBuilderPolicy', 'IamPolicy', 'CustomRolesPolicy']);
      b.template.resourceCountIs('AWS::IAM::ManagedPolicy', b.user.managedPolicies.length + 3);
    });

    test('the user role cannot change itself or roles off the cluster path', async () => {
      const b = buildIn(env, fullProps(mode));
      const self = b.sim.principalArn;
      expect(await unexpected(b.sim, [
        ['iam:PutRolePolicy', self, mode === 'permissionsBoundary' ? { 'iam:PermissionsBoundary': b.arn(b.f.boundary) } : {}],
        ['iam:AttachRolePolicy', self, { 'iam:PolicyARN': `arn:${env.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore` }],
        ['iam:DeleteRole', self],
        ['iam:CreateRole', iamArn(env, 'role/admin')],
        ['iam:PassRole', iamArn(env, 'role/admin'), { 'iam:PassedToService': 'ec2.amazonaws.com' }],
      ], 'ImplicitlyDenied')).toEqual([]);
    });
  });

  test('PassRole: roles on the path to EC2, Lambda and Spot Fleet; other paths, services and accounts denied', async () => {
    const b = buildIn(env);
    const onPath = iamArn(env, 'role/parallelcluster/c1-HeadNodeRole');
    const pass = (service: string, role = onPath): [string, string, RequestContext] => ['iam:PassRole', role, { 'iam:PassedToService': service }];
    expect(await unexpected(b.sim, [pass('ec2.amazonaws.com'), pass('lambda.amazonaws.com'), pass('spotfleet.amazonaws.com')], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      pass('ec2.amazonaws.com', iamArn(env, 'role/other/c1-HeadNodeRole')),
      pass('ec2.amazonaws.com', iamArn(env, 'role/parallelcluster/c1', OTHER_ACCOUNT)),
      pass('batch.amazonaws.com'),
      pass('ecs-tasks.amazonaws.com'),
      pass('sagemaker.amazonaws.com'),
    ], 'ImplicitlyDenied')).toEqual([]);
  });

  test('PassRole to ec2.amazonaws.com.cn is allowed only in China (DIFF)', async () => {
    const b = buildIn(env, fullProps('privileged'));
    const china = { 'iam:PassedToService': 'ec2.amazonaws.com.cn' };
    const expected = env.partition === 'aws-cn' ? 'Allowed' : 'ImplicitlyDenied';
    // The three statements that pass roles to EC2: the base one, image building, custom roles.
    expect(await unexpected(b.sim, [
      ['iam:PassRole', iamArn(env, 'role/parallelcluster/node'), china],
      ['iam:PassRole', b.arn(b.f.customRole, 'Arn'), china],
    ], expected)).toEqual([]);
    const passedToService = b.sim.documents.flatMap((d) => d.Statement)
      .filter((s: any) => s.Condition && JSON.stringify(s.Condition).includes('iam:PassedToService'))
      .map((s: any) => [s.Sid, Object.values(s.Condition)[0] as any]);
    for (const [sid, condition] of passedToService) {
      const services: string[] = condition['iam:PassedToService'];
      if (services.includes('ec2.amazonaws.com')) {
        expect([sid, services.includes('ec2.amazonaws.com.cn')]).toEqual([sid, env.partition === 'aws-cn']);
      }
    }
    expect(passedToService.map(([sid]) => sid).sort()).toEqual(['BatchIamPassRole', 'CustomRolesIamPassRole', 'IamPassRole', 'ImageIamPassRole']);
  });

  test('permissions-boundary mode: roles are created and changed only with the boundary', async () => {
    const b = buildIn(env, (f) => ({ iamAccessMode: IamAccessMode.permissionsBoundary(f.boundary) }));
    const role = iamArn(env, 'role/parallelcluster/c1-RoleHeadNode');
    const boundary = { 'iam:PermissionsBoundary': b.arn(b.f.boundary) };
    const otherBoundary = { 'iam:PermissionsBoundary': b.arn(b.f.ownBoundary) };
    const attachable = { 'iam:PolicyARN': `arn:${env.partition}:iam::aws:policy/CloudWatchAgentServerPolicy` };
    expect(await unexpected(b.sim, [
      ['iam:CreateRole', role, boundary],
      ['iam:PutRolePolicy', role, boundary],
      ['iam:DeleteRolePolicy', role, boundary],
      ['iam:AttachRolePolicy', role, { ...boundary, ...attachable }],
      ['iam:DetachRolePolicy', role, { ...boundary, ...attachable }],
      ['iam:DeleteRole', role],
      ['iam:TagRole', role],
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      ['iam:CreateRole', role],
      ['iam:CreateRole', role, otherBoundary],
      ['iam:PutRolePolicy', role],
      ['iam:DeleteRolePolicy', role, otherBoundary],
      ['iam:AttachRolePolicy', role, attachable],
      ['iam:DetachRolePolicy', role, { ...otherBoundary, ...attachable }],
    ], 'ImplicitlyDenied')).toEqual([]);
    // Privileged mode asks for no boundary.
    const privileged = buildIn(env, () => ({ iamAccessMode: IamAccessMode.privileged() }));
    expect(await unexpected(privileged.sim, [['iam:CreateRole', role], ['iam:PutRolePolicy', role], ['iam:AttachRolePolicy', role, attachable]], 'Allowed'))
      .toEqual([]);
  });

  test.each(['privileged', 'permissionsBoundary'] as ModeName[])('attach allow-list (%s): the doc list plus additionalIamPolicies, nothing else', async (mode) => {
    const b = buildIn(env, (f) => ({ iamAccessMode: modeOf(mode, f), additionalIamPolicies: [f.extraPolicy] }));
    const role = iamArn(env, 'role/parallelcluster/c1-RoleHeadNode');
    const boundary: RequestContext = mode === 'permissionsBoundary' ? { 'iam:PermissionsBoundary': b.arn(b.f.boundary) } : {};
    const attach = (policy: string): [string, string, RequestContext] => ['iam:AttachRolePolicy', role, { ...boundary, 'iam:PolicyARN': policy }];
    const p = env.partition;
    expect(b.arn(b.f.extraPolicy)).toMatch(new RegExp(`^arn:${p}:iam::111122223333:policy/team/TeamPolicy`));
    expect(await unexpected(b.sim, [
      attach(b.arn(b.f.extraPolicy)),
      attach(`arn:${p}:iam::aws:policy/service-role/AWSBatchServiceRole`),
      attach(iamArn(env, 'policy/parallelcluster-c1-head')),
      attach(iamArn(env, 'policy/parallelcluster/extra')),
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      attach(`arn:${p}:iam::aws:policy/AdministratorAccess`),
      attach(`arn:${p}:iam::aws:policy/IAMFullAccess`),
      attach(iamArn(env, 'policy/team/OtherPolicy')),
      attach(iamArn(env, 'policy/team/TeamPolicy', OTHER_ACCOUNT)),
    ], 'ImplicitlyDenied')).toEqual([]);
  });

  test('restricted mode: no IAM management, and additionalIamPolicies (which it could not attach) are refused', async () => {
    expect(() => buildIn(env, (f) => ({ additionalIamPolicies: [f.extraPolicy] })))
      .toThrow(/additionalIamPolicies has 1 policy but iamAccessMode is restricted: .*attach them to the cluster roles/);
    const b = buildIn(env);
    const role = iamArn(env, 'role/parallelcluster/c1-RoleHeadNode');
    expect(await unexpected(b.sim, [
      ['iam:CreateRole', role],
      ['iam:PutRolePolicy', role],
      ['iam:AttachRolePolicy', role, { 'iam:PolicyARN': b.arn(b.f.extraPolicy) }],
      ['iam:DeleteRole', role],
    ], 'ImplicitlyDenied')).toEqual([]);
  });

  test('secrets: DescribeSecret on the given secrets only, no statement without secrets (DIFF)', async () => {
    const b = buildIn(env, (f) => ({ secrets: [f.secret, secretsmanager.Secret.fromSecretNameV2(f.secret.stack, 'Ad', 'pcluster/ad-password')] }));
    const { partition: p, region: r, account: a } = env;
    expect(await unexpected(b.sim, [
      ['secretsmanager:DescribeSecret', b.arn(b.f.secret)],
      // Name-based ARNs end in the six random characters Secrets Manager appends.
      ['secretsmanager:DescribeSecret', `arn:${p}:secretsmanager:${r}:${a}:secret:pcluster/ad-password-Ab12Cd`],
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      ['secretsmanager:DescribeSecret', `arn:${p}:secretsmanager:${r}:${a}:secret:pcluster/other-Ab12Cd`],
      ['secretsmanager:DescribeSecret', `arn:${p}:secretsmanager:${r}:${a}:secret:pcluster/ad-password-longer-Ab12Cd`],
      ['secretsmanager:GetSecretValue', b.arn(b.f.secret)],
    ], 'ImplicitlyDenied')).toEqual([]);
    const none = buildIn(env);
    expect(JSON.stringify(none.sim.documents)).not.toContain('secretsmanager');
  });

  test('FSx data repositories: the named buckets and their objects (DIFF: bucket/*), no other bucket', async () => {
    const b = buildIn(env, (f) => ({ enableFsxLustre: true, fsxDataRepositoryBuckets: [f.bucket] }));
    const p = env.partition;
    const bucket = b.arn(b.f.bucket);
    const other = b.arn(b.f.otherBucket);
    expect(await unexpected(b.sim, [
      ['s3:ListBucket', `arn:${p}:s3:::${bucket}`],
      ['s3:GetBucketLocation', `arn:${p}:s3:::${bucket}`],
      ['s3:GetObject', `arn:${p}:s3:::${bucket}/import/data.bin`],
      ['s3:PutObject', `arn:${p}:s3:::${bucket}/export/data.bin`],
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      ['s3:ListBucket', `arn:${p}:s3:::${other}`],
      ['s3:GetObject', `arn:${p}:s3:::${other}/import/data.bin`],
      ['s3:PutObject', `arn:${p}:s3:::${other}/export/data.bin`],
      ['s3:DeleteObject', `arn:${p}:s3:::${bucket}/export/data.bin`],
      ['s3:DeleteBucket', `arn:${p}:s3:::${bucket}`],
    ], 'ImplicitlyDenied')).toEqual([]);
    // FSx without buckets: no S3 data repository statement at all.
    const bare = buildIn(env, () => ({ enableFsxLustre: true }));
    expect(bare.sim.documents.flatMap((d) => d.Statement).map((s: any) => s.Sid)).not.toContain('FsxDataRepositoryS3');
    expect(await bare.sim.decision('s3:PutObject', `arn:${p}:s3:::${bucket}/export/data.bin`)).toBe('ImplicitlyDenied');
    // A bucket imported by name works the same, in the stack's partition.
    const stack = stackIn(env);
    const imported = s3.Bucket.fromBucketName(stack, 'Imported', 'team-fsx-data');
    const withImported = build(stack, () => ({ enableFsxLustre: true, fsxDataRepositoryBuckets: [imported] }));
    expect(await unexpected(withImported.sim, [
      ['s3:ListBucket', `arn:${p}:s3:::team-fsx-data`],
      ['s3:PutObject', `arn:${p}:s3:::team-fsx-data/export/data.bin`],
    ], 'Allowed')).toEqual([]);
    expect(await withImported.sim.decision('s3:PutObject', `arn:${p}:s3:::team-fsx-data-2/export/data.bin`)).toBe('ImplicitlyDenied');
  });

  test('service-linked roles: never on the cluster path (DIFF), Image Builder only in this account (DIFF)', async () => {
    const b = buildIn(env, fullProps('privileged'));
    const slr = (role: string, service: string): [string, string, RequestContext] =>
      ['iam:CreateServiceLinkedRole', role, { 'iam:AWSServiceName': service }];
    expect(await unexpected(b.sim, [
      slr(iamArn(env, 'role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder'), 'imagebuilder.amazonaws.com'),
      slr(iamArn(env, 'role/aws-service-role/batch.amazonaws.com/AWSServiceRoleForBatch'), 'batch.amazonaws.com'),
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      slr(iamArn(env, 'role/aws-service-role/imagebuilder.amazonaws.com/AWSServiceRoleForImageBuilder', OTHER_ACCOUNT), 'imagebuilder.amazonaws.com'),
      ['iam:CreateServiceLinkedRole', iamArn(env, 'role/parallelcluster/c1-Role')],
      slr(iamArn(env, 'role/parallelcluster/c1-Role'), 'imagebuilder.amazonaws.com'),
    ], 'ImplicitlyDenied')).toEqual([]);
  });

  test('image building: SNS actions written in lower case (DIFF) and allowed on the ParallelClusterImage topics', async () => {
    const b = buildIn(env, () => ({ enableImageBuilder: true }));
    const topic = `arn:${env.partition}:sns:${env.region}:${env.account}:ParallelClusterImage-abc`;
    const sns = b.sim.documents.flatMap((d) => d.Statement).find((s: any) => s.Sid === 'ImageSNS');
    expect(sns.Action.every((a: string) => a.startsWith('sns:'))).toBe(true);
    expect(await unexpected(b.sim, [['sns:CreateTopic', topic], ['sns:Publish', topic], ['sns:DeleteTopic', topic]], 'Allowed')).toEqual([]);
    expect(await b.sim.decision('sns:Publish', `arn:${env.partition}:sns:${env.region}:${env.account}:other`)).toBe('ImplicitlyDenied');
  });

  test('a custom iamPath moves every role and instance-profile pattern', async () => {
    const b = buildIn(env, (f) => ({
      iamAccessMode: IamAccessMode.privileged(),
      enableAwsBatch: true,
      enableImageBuilder: true,
      iamPath: '/hpc/team-a/',
      customRoles: [f.customRole],
    }));
    const text = JSON.stringify(b.sim.documents);
    // Issue 12: but for the image build's profile, which ParallelCluster always puts on /parallelcluster/.
    expect(text.replace(/:instance-profile\/parallelcluster\/ParallelClusterImage-\*/g, '')).not.toMatch(/:(role|instance-profile)\/parallelcluster\//);
    expect(b.user.iamPath).toBe('/hpc/team-a/');
    const ec2 = { 'iam:PassedToService': 'ec2.amazonaws.com' };
    expect(await unexpected(b.sim, [
      ['iam:PassRole', iamArn(env, 'role/hpc/team-a/head'), ec2],
      ['iam:PassRole', iamArn(env, 'role/hpc/team-a/batch'), { 'iam:PassedToService': 'batch.amazonaws.com' }],
      // Issue 12: the profiles ParallelCluster creates, on the cluster-scoped path <path><cluster>/.
      ['iam:CreateInstanceProfile', iamArn(env, 'instance-profile/hpc/team-a/c1/head')],
      ['iam:CreateRole', iamArn(env, 'role/hpc/team-a/head')],
      ['iam:AttachRolePolicy', iamArn(env, 'role/hpc/team-a/head'), { 'iam:PolicyARN': iamArn(env, 'policy/hpc/team-a/extra') }],
      // Not path-based: the doc's names of image-building instance profiles and of cluster policies.
      ['iam:CreateInstanceProfile', iamArn(env, 'instance-profile/ParallelClusterImage-abc')],
      ['iam:AttachRolePolicy', iamArn(env, 'role/hpc/team-a/head'), { 'iam:PolicyARN': iamArn(env, 'policy/parallelcluster-c1') }],
      // The doc's name pattern `policy/parallelcluster*` also covers the default path's policies.
      ['iam:AttachRolePolicy', iamArn(env, 'role/hpc/team-a/head'), { 'iam:PolicyARN': iamArn(env, 'policy/parallelcluster/extra') }],
    ], 'Allowed')).toEqual([]);
    expect(await unexpected(b.sim, [
      ['iam:PassRole', iamArn(env, 'role/parallelcluster/head'), ec2],
      ['iam:PassRole', iamArn(env, 'role/hpc/team-b/head'), ec2],
      ['iam:CreateInstanceProfile', iamArn(env, 'instance-profile/parallelcluster/head')],
      // Issue 12: not the library's own profiles, directly on the path.
      ['iam:CreateInstanceProfile', iamArn(env, 'instance-profile/hpc/team-a/head')],
      ['iam:CreateRole', iamArn(env, 'role/parallelcluster/head')],
      ['iam:CreateRole', iamArn(env, 'role/hpc/head')],
      ['iam:AttachRolePolicy', iamArn(env, 'role/hpc/team-a/head'), { 'iam:PolicyARN': iamArn(env, 'policy/hpc/team-b/extra') }],
    ], 'ImplicitlyDenied')).toEqual([]);
  });

  test('template: trust policy, path, description and no boundary by default', () => {
    const b = buildIn(env);
    const roles = b.template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('ParallelCluster') } });
    expect(Object.keys(roles)).toHaveLength(1);
    const props = b.sim.evaluate(Object.values(roles)[0].Properties);
    expect(props).toEqual({
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: `arn:${env.partition}:iam::111122223333:root` } }],
      },
      Description: 'Runs the AWS ParallelCluster CLI and API (restricted IAM access mode)',
      // The base block, in two policies (issue 18).
      ManagedPolicyArns: b.user.managedPolicies.map((policy) => b.arn(policy as iam.ManagedPolicy)),
      Path: '/',
    });
    expect(b.user.roleArn).toBe(b.user.role.roleArn);
    expect(b.user.grantPrincipal).toBe(b.user.role);
  });

  test('template: assumedBy, roleName, rolePath and a permissions boundary on the role itself', async () => {
    const b = buildIn(env, (f) => ({
      assumedBy: new iam.ArnPrincipal(iamArn(env, 'role/ci/pipeline')),
      roleName: 'pcluster-admin',
      rolePath: '/people/',
      permissionsBoundary: f.ownBoundary,
      iamAccessMode: IamAccessMode.privileged(),
    }));
    const props = b.sim.evaluate(b.template.findResources('AWS::IAM::Role', { Properties: { RoleName: 'pcluster-admin' } }));
    expect(Object.values<any>(props)[0].Properties).toMatchObject({
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: iamArn(env, 'role/ci/pipeline') } }] },
      Path: '/people/',
      PermissionsBoundary: b.arn(b.f.ownBoundary),
      RoleName: 'pcluster-admin',
    });
    expect(b.sim.principalArn).toBe(iamArn(env, 'role/people/pcluster-admin'));
    // The boundary on the user role does not become the boundary the cluster roles need.
    expect(await b.sim.decision('iam:CreateRole', iamArn(env, 'role/parallelcluster/x'))).toBe('Allowed');
    expect(JSON.stringify(b.sim.documents)).not.toContain('iam:PermissionsBoundary');
    // And it binds the user role: with a boundary that only lets it describe EC2, the policies grant no more.
    const stack = stackIn(env);
    const narrow = new iam.ManagedPolicy(stack, 'DescribeOnly', { statements: [new iam.PolicyStatement({ actions: ['ec2:Describe*'], resources: ['*'] })] });
    const bounded = build(stack, () => ({ iamAccessMode: IamAccessMode.privileged(), permissionsBoundary: narrow }));
    expect(bounded.sim.permissionsBoundaryArn).toBe(bounded.arn(narrow));
    expect(await Promise.all([
      bounded.sim.decision('ec2:DescribeInstances', '*'),
      bounded.sim.decision('iam:CreateRole', iamArn(env, 'role/parallelcluster/x')),
    ])).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  test('policies: customer managed, each within 6,144 characters, unique Sids, no literal partition', () => {
    const b = buildIn(env, fullProps('permissionsBoundary'));
    const policies = b.template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('^ParallelCluster user') } });
    // The base block is two policies since issue 18's statements (each within 6,144 characters).
    expect(Object.keys(policies)).toHaveLength(7);
    for (const policy of Object.values<any>(policies)) {
      expect(policyJsonSize(policy.Properties.PolicyDocument)).toBeLessThanOrEqual(6144);
      const sids = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
      expect(new Set(sids).size).toBe(sids.length);
      expect(sids.every((sid: unknown) => typeof sid === 'string' && /^[A-Za-z0-9]+$/.test(sid as string))).toBe(true);
    }
    expect(JSON.stringify(policies)).not.toContain('arn:aws:');
    expect(Object.values<any>(policies).map((p) => p.Properties.Description).sort()).toEqual([
      'ParallelCluster user: AWS Batch clusters',
      'ParallelCluster user: FSx for Lustre',
      'ParallelCluster user: build and manage custom AMIs',
      'ParallelCluster user: create and manage clusters (part 1 of 2)',
      'ParallelCluster user: create and manage clusters (part 2 of 2)',
      'ParallelCluster user: manage cluster roles on /parallelcluster/ (permissionsBoundary mode)',
      'ParallelCluster user: pass custom cluster roles',
    ]);
  });
});

// Each add-on alone, in each mode: it grants its own block and nothing of the others. (One partition
// per mode, in rotation, to keep the run short; the bare and full configurations run in all three.)
const ADD_ONS: Array<[string, (f: Fixtures) => ParallelClusterUserRoleProps]> = [
  ['batch', () => ({ enableAwsBatch: true })],
  ['fsx', () => ({ enableFsxLustre: true })],
  ['fsxBucket', (f) => ({ enableFsxLustre: true, fsxDataRepositoryBuckets: [f.bucket] })],
  ['imageBuilder', () => ({ enableImageBuilder: true })],
  ['secret', (f) => ({ secrets: [f.secret] })],
  ['customRole', (f) => ({ customRoles: [f.customRole] })],
];

describe.each([
  { mode: 'restricted' as ModeName, env: ENVIRONMENTS[0] },
  { mode: 'privileged' as ModeName, env: ENVIRONMENTS[1] },
  { mode: 'permissionsBoundary' as ModeName, env: ENVIRONMENTS[2] },
])('each add-on alone, $mode mode in $env.partition', ({ mode, env }) => {
  test.each(ADD_ONS.filter(([name]) => !(mode === 'restricted' && name === 'batch')))('%s', async (name, addOn) => {
    const b = buildIn(env, (f) => ({ iamAccessMode: modeOf(mode, f), ...addOn(f) }));
    const signatures = addOnSignatures(env, b, mode);
    const decisions = await Promise.all(Object.values(signatures).map(([a, r, c]) => b.sim.decision(a, r, c)));
    const expected = [...(name === 'fsxBucket' ? ['fsx', 'fsxBucket'] : [name]), ...(mode === 'restricted' ? [] : ['iam'])];
    expect(Object.keys(signatures).filter((_, i) => decisions[i] === 'Allowed').sort()).toEqual(expected.sort());
  });
});

describe('ParallelClusterUserRole anywhere', () => {
  test('an environment-agnostic stack lets EC2 be passed under both of its names', async () => {
    const b = build(agnosticStack());
    expect(await unexpected(b.sim, [
      ['iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/node', { 'iam:PassedToService': 'ec2.amazonaws.com' }],
      ['iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/node', { 'iam:PassedToService': 'ec2.amazonaws.com.cn' }],
    ], 'Allowed')).toEqual([]);
    const template = JSON.stringify(b.template.toJSON());
    expect(template).not.toContain('arn:aws:');
    expect(template).not.toContain('111122223333');
  });

  test('many additional policies split the IAM policy in parts that all still work, within 10 policies', async () => {
    const stack = stackIn(AWS);
    const extra = Array.from({ length: 60 }, (_, i) =>
      iam.ManagedPolicy.fromManagedPolicyArn(stack, `Extra${i}`, `arn:aws:iam::111122223333:policy/team/a-rather-long-policy-name-number-${i}`));
    const b = build(stack, (f) => ({ ...fullProps('permissionsBoundary')(f), additionalIamPolicies: extra }));
    const ids = b.user.managedPolicies.map((p) => (p as iam.ManagedPolicy).node.id);
    expect(ids.filter((id) => id.startsWith('IamPolicy')).length).toBeGreaterThan(1);
    expect(ids.length).toBeLessThanOrEqual(10);
    const role = 'arn:aws:iam::111122223333:role/parallelcluster/head';
    const boundary = { 'iam:PermissionsBoundary': b.arn(b.f.boundary) };
    expect(await unexpected(b.sim, [
      ...extra.map((p): [string, string, RequestContext] => ['iam:AttachRolePolicy', role, { ...boundary, 'iam:PolicyARN': p.managedPolicyArn }]),
      ['iam:CreateRole', role, boundary],
    ], 'Allowed')).toEqual([]);
    expect(await b.sim.decision('iam:AttachRolePolicy', role, { ...boundary, 'iam:PolicyARN': 'arn:aws:iam::111122223333:policy/team/a-rather-long-policy-name-number-60' }))
      .toBe('ImplicitlyDenied');
  });

  test('more than 10 managed policies on the role is a synth-time error, also when attached afterwards', () => {
    const stack = stackIn(AWS_CN);
    const user = new ParallelClusterUserRole(stack, 'User', {
      // AWS Batch, the largest block, ends with ParallelCluster 3.15.
      parallelClusterVersion: ParallelClusterVersion.V3_15,
      iamAccessMode: IamAccessMode.privileged(),
      enableAwsBatch: true,
      enableFsxLustre: true,
      enableImageBuilder: true,
      customRoles: [iam.Role.fromRoleName(stack, 'Custom', 'custom-node-role')],
    });
    // Whatever the revision (the latest splits the base policy in two), room is left up to 10.
    expect(user.managedPolicies.length).toBeLessThanOrEqual(10);
    for (let i = user.managedPolicies.length; i < 10; i++) {
      user.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Extra${i}`));
    }
    expect(() => Template.fromStack(stack)).not.toThrow();
    user.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('OneTooMany'));
    // Template.fromStack reuses the first synthesis: synthesize again.
    expect(() => Stage.of(stack)!.synth({ force: true })).toThrow(/Role TestStack\/User\/Role has 11 managed policies, more than the 10 IAM allows per role by default\. Attach fewer policies to this role\./);
  });

  test('an allow-list too long for one managed policy is a synth-time error naming the statement and the fix', () => {
    const stack = stackIn(AWS_CN);
    const extra = Array.from({ length: 400 }, (_, i) =>
      iam.ManagedPolicy.fromManagedPolicyArn(stack, `Extra${i}`, `arn:aws-cn:iam::111122223333:policy/team/a-rather-long-policy-name-number-${i}`));
    expect(() => build(stack, (f) => ({ ...fullProps('privileged')(f), additionalIamPolicies: extra })))
      .toThrow(/Statement 'IamPolicy' of TestStack\/User is \d+ characters long .* more than the 6144 characters .* pass fewer of them/);
  });
});

describe('bad input is a synth-time error that names the value and the fix', () => {
  const attempt = (props: (f: Fixtures) => ParallelClusterUserRoleProps) => () => build(stackIn(AWS), props);

  test('AWS Batch in restricted mode, explicit or by default', () => {
    for (const props of [{ enableAwsBatch: true }, { enableAwsBatch: true, iamAccessMode: IamAccessMode.restricted() }]) {
      expect(attempt(() => props)).toThrow(/enableAwsBatch is true but iamAccessMode is restricted.*Use IamAccessMode\.privileged\(\) or IamAccessMode\.permissionsBoundary/);
    }
    expect(attempt(() => ({ enableAwsBatch: false }))).not.toThrow();
  });

  test('FSx data repository buckets without FSx', () => {
    expect(attempt((f) => ({ fsxDataRepositoryBuckets: [f.bucket, f.otherBucket] })))
      .toThrow(/fsxDataRepositoryBuckets has 2 bucket\(s\) but enableFsxLustre is not true.*Set enableFsxLustre: true/);
    expect(attempt((f) => ({ fsxDataRepositoryBuckets: [f.bucket], enableFsxLustre: false }))).toThrow(/enableFsxLustre/);
    expect(attempt(() => ({ fsxDataRepositoryBuckets: [] }))).not.toThrow();
  });

  test.each([
    ['parallelcluster'],
    ['parallelcluster/'],
    ['/parallelcluster'],
    ['/parallel cluster/'],
    ['/parallelcluster//nodes/'],
    ['/caf\u00e9/'],
    [`/${'a'.repeat(511)}/`],
  ])('iamPath %j is not an IAM path', (path) => {
    expect(attempt(() => ({ iamPath: path }))).toThrow(new RegExp(`iamPath '${escape(path)}' is not a valid IAM path: it must start and end with '/'.*for example '/parallelcluster/'`));
  });

  test.each([['/pc*/'], ['/pc?/']])('iamPath %j has a wildcard', (path) => {
    expect(attempt(() => ({ iamPath: path }))).toThrow(new RegExp(`iamPath '${escape(path)}' contains a wildcard.*use a literal path such as '/parallelcluster/'`));
  });

  test('iamPath / would make every role a cluster role', () => {
    expect(attempt(() => ({ iamPath: '/' }))).toThrow(/iamPath '\/' would make every role in the account a cluster role.*Use a dedicated path such as '\/parallelcluster\/'/);
  });

  test('a token iamPath is refused', () => {
    const stack = stackIn(AWS);
    const path = Token.asString({ Ref: 'PathParameter' });
    expect(() => build(stack, () => ({ iamPath: path }))).toThrow(/iamPath must be a literal string, got a token/);
  });

  test.each([['users'], ['/users'], ['/with space/'], ['//']])('rolePath %j is not an IAM path', (path) => {
    expect(attempt(() => ({ rolePath: path }))).toThrow(new RegExp(`rolePath '${escape(path)}' is not a valid IAM path`));
  });

  test.each([
    ['/parallelcluster/', '/parallelcluster/'],
    ['/parallelcluster/users/', '/parallelcluster/'],
    ['/hpc/team-a/admins/', '/hpc/team-a/'],
  ])('rolePath %j inside iamPath %j', (rolePath, iamPath) => {
    expect(attempt(() => ({ rolePath, iamPath }))).toThrow(new RegExp(
      `rolePath '${escape(rolePath)}' is inside iamPath '${escape(iamPath)}'.*could change its own policies.*rolePath '/' \\(the default\\)`));
  });

  test('a rolePath next to the iamPath is fine', () => {
    const b = build(stackIn(AWS), () => ({ rolePath: '/parallelcluster-users/', iamPath: '/parallelcluster/' }));
    expect(b.sim.principalArn).toMatch(/:role\/parallelcluster-users\//);
  });

  test.each([['pcluster admin'], ['pcluster/admin'], ['a'.repeat(65)], ['']])('roleName %j', (roleName) => {
    expect(attempt(() => ({ roleName }))).toThrow(new RegExp(`roleName '${escape(roleName)}' is not a valid IAM role name: use 1 to 64 characters`));
  });

  test('a 64-character role name with every allowed character is fine', () => {
    const roleName = `pc+=,.@_-${'a'.repeat(55)}`;
    expect(roleName).toHaveLength(64);
    expect(attempt(() => ({ roleName }))).not.toThrow();
  });
});

function escape(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

describe('ParallelClusterUserRole clusterNames', () => {
  test.each([
    ['*', "'\\*'"],
    ['*-prod', "'\\*-prod'"],
    ['team_a-*', "'team_a-\\*'"],
    ['team a', "'team a'"],
    [`t${'x'.repeat(60)}`, `'t${'x'.repeat(60)}'`],
  ])('%s is a synth error naming it and the rule', (pattern, shown) => {
    expect(() => new ParallelClusterUserRole(stackIn(AWS), 'User', { clusterNames: ['team-a-1', pattern] }))
      .toThrow(new RegExp(`clusterNames has ${shown}, which is neither a ParallelCluster cluster name nor a pattern of one.*for example 'team-a-\\*'`));
  });

  test('an empty list is a synth error (it would allow no cluster)', () => {
    expect(() => new ParallelClusterUserRole(stackIn(AWS), 'User', { clusterNames: [] })).toThrow(/clusterNames is empty/);
  });

  test('names and patterns are accepted, duplicates written once', () => {
    const stack = stackIn(AWS);
    new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*', 'Shared1', 'team-a-*'] });
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(text.match(/table\/parallelcluster-team-a-\*"/g)).toHaveLength(1);
    expect(text).toContain('table/parallelcluster-Shared1"');
  });
});
