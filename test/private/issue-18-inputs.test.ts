import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ClusterConfiguration,
  HeadNodeRole,
  IamAccessMode,
  ParallelClusterBoundary,
  ParallelClusterIam,
  ParallelClusterUserRole,
} from '../../src';
import { run } from '../../src/cli/main';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, OTHER_ACCOUNT, stackIn } from '../support/stacks';

/*
 * Issue 18, section 3, findings 1, 8, 9 and 12: inputs that widened grants. Each is refused with a
 * message naming the bad value, or checked by simulating what the synthesized policies allow.
 */

const ec2Of = (partition: string) => (partition === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com');

describe('finding 1: roles a cluster configuration names', () => {
  const config = (iamLines: string, extra = '') => `Region: us-east-1
HeadNode:
  InstanceType: t3.medium
${iamLines}
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: q
${extra}`;

  test('a head node role off the cluster path is refused with the file, line and setting', () => {
    const stack = stackIn(AWS);
    const text = config('  Iam:\n    InstanceRole: arn:aws:iam::111122223333:role/OrgAdmin');
    expect(() => new ParallelClusterIam(stack, 'Iam', { configuration: ClusterConfiguration.fromYaml(text, 'team.yaml') }))
      .toThrow(/^team\.yaml:5: HeadNode\/Iam\/InstanceRole is 'arn:aws:iam::111122223333:role\/OrgAdmin', which is on the path '\/', off the cluster path '\/parallelcluster\/'.*allowExternalRoles: true \(CLI: --allow-external-roles\)/);
  });

  test('a role of another account, and a LambdaFunctionsRole off the path, are refused', () => {
    const s1 = stackIn(AWS);
    const other = config(`  Iam:\n    InstanceRole: arn:aws:iam::${OTHER_ACCOUNT}:role/parallelcluster/head`);
    expect(() => new ParallelClusterIam(s1, 'Iam', { configuration: ClusterConfiguration.fromYaml(other) }))
      .toThrow(new RegExp(`HeadNode/Iam/InstanceRole is .*which is in account ${OTHER_ACCOUNT}, not the stack's account 111122223333`));
    const s2 = stackIn(AWS);
    const lambda = config('', 'Iam:\n  Roles:\n    LambdaFunctionsRole: arn:aws:iam::111122223333:role/service-role/ops-lambda\n');
    expect(() => new ParallelClusterIam(s2, 'Iam', { configuration: ClusterConfiguration.fromYaml(lambda) }))
      .toThrow(/cluster-config\.yaml:\d+: Iam\/Roles\/LambdaFunctionsRole is .*ops-lambda'.*\(to Lambda\)/);
  });

  test.each(ENVIRONMENTS)('with allowExternalRoles in $partition, a named node role goes to EC2 only, a Lambda role to Lambda only', async (env) => {
    const stack = stackIn(env);
    const p = env.partition;
    const head = `arn:${p}:iam::${env.account}:role/OrgAdmin`;
    const lambda = `arn:${p}:iam::${env.account}:role/ops/cleanup`;
    const text = config(`  Iam:\n    InstanceRole: ${head}`, `Iam:\n  Roles:\n    LambdaFunctionsRole: ${lambda}\n`)
      .replace('us-east-1', env.region);
    const cluster = new ParallelClusterIam(stack, 'Iam', { configuration: ClusterConfiguration.fromYaml(text), allowExternalRoles: true });
    expect(cluster.userRole.passableRoleArns).toEqual([head, lambda]);
    const sim = PolicySimulator.forRole(stack, cluster.userRole.role);
    const pass = (role: string, service: string) => sim.decision('iam:PassRole', role, { 'iam:PassedToService': service });
    expect(await Promise.all([
      pass(head, ec2Of(p)),
      pass(head, 'lambda.amazonaws.com'),
      pass(head, 'ecs-tasks.amazonaws.com'),
      pass(head, 'batch.amazonaws.com'),
      pass(head, 'codebuild.amazonaws.com'),
      pass(lambda, 'lambda.amazonaws.com'),
      pass(lambda, ec2Of(p)),
    ])).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed', 'ImplicitlyDenied']);
  });

  test('a named role on the cluster path needs no opt-in and adds no statement', () => {
    const stack = stackIn(AWS);
    const text = config('  Iam:\n    InstanceRole: arn:aws:iam::111122223333:role/parallelcluster/team-head');
    const cluster = new ParallelClusterIam(stack, 'Iam', { configuration: ClusterConfiguration.fromYaml(text) });
    expect(cluster.userRole.managedPolicies.map((p) => (p as iam.ManagedPolicy).node.id)).not.toContain('NamedRolesPolicy');
  });

  test('the CLI refuses an external role without --allow-external-roles, and prints the roles the user may pass', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
    try {
      const file = path.join(dir, 'team.yaml');
      fs.writeFileSync(file, config('  Iam:\n    InstanceRole: arn:aws:iam::111122223333:role/ops/head'));
      const options = {
        clusterConfig: file,
        mode: 'restricted',
        account: '111122223333',
        out: path.join(dir, 'out'),
        allowExternalRoles: false,
        logExportBuckets: [],
        ack: ['noClusterName'],
        strict: false,
        quiet: true,
      };
      expect(() => run(options)).toThrow(/team\.yaml:5: HeadNode\/Iam\/InstanceRole is .*role\/ops\/head'.*--allow-external-roles/);
      const result = run({ ...options, allowExternalRoles: true });
      expect(result.summary).toMatch(/The user may pass:\n {2}every role on \/parallelcluster\/ \(to EC2, Lambda and Spot Fleet\)\n {2}arn:aws:iam::111122223333:role\/ops\/head$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('customNodeRoles of the user role are checked the same way', () => {
    const stack = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(stack, 'User', { customNodeRoles: [iam.Role.fromRoleArn(stack, 'A', 'arn:aws:iam::111122223333:role/Admin')] }))
      .toThrow(/customNodeRoles holds the role 'arn:aws:iam::111122223333:role\/Admin', which is on the path '\/'.*allowExternalRoles/);
  });
});

describe('finding 8: admin-equivalent inputs', () => {
  test.each([
    'AWSLambda_FullAccess', 'AWSCloudFormationFullAccess', 'AmazonEC2FullAccess', 'AmazonSSMFullAccess',
    'job-function/SystemAdministrator', 'SecretsManagerReadWrite', 'AmazonS3FullAccess', 'administratoraccess',
  ])('the AWS managed %s is refused as a node policy and as a boundary', (name) => {
    const s1 = stackIn(AWS);
    expect(() => new HeadNodeRole(s1, 'Head', { additionalIamPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(name)] }))
      .toThrow(new RegExp(`additionalIamPolicies holds the AWS managed policy ${name.split('/').pop()} `));
    const s2 = stackIn(AWS);
    expect(() => new HeadNodeRole(s2, 'Head', { permissionsBoundary: iam.ManagedPolicy.fromAwsManagedPolicyName(name) }))
      .toThrow(/permissionsBoundary is the AWS managed policy .*bounds nothing/);
  });

  test.each([
    ['PassRole on every role', ['iam:PassRole'], '*', undefined],
    ['PassRole on every role, even to one service', ['iam:Pass*'], '*', { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }],
    ['cloudformation:*', ['cloudformation:*'], '*', undefined],
    ['lambda:*', ['lambda:*'], '*', undefined],
    ['ssm:*', ['ssm:*'], '*', undefined],
    ['ec2:*', ['ec2:*'], '*', undefined],
    ['codebuild:StartBuild', ['codebuild:StartBuild'], 'arn:aws:codebuild:us-east-1:111122223333:project/*', undefined],
    ['every action', ['*'], '*', undefined],
  ])('a customer managed policy with %s is refused as a node policy', (_what, actions, resource, conditions) => {
    const stack = stackIn(AWS);
    const policy = new iam.ManagedPolicy(stack, 'Wide', { statements: [new iam.PolicyStatement({ actions, resources: [resource], conditions })] });
    expect(() => new HeadNodeRole(stack, 'Head', { additionalIamPolicies: [policy] }))
      .toThrow(/additionalIamPolicies holds the policy 'TestStack\/Wide', whose statement .*grants .*account admin/);
  });

  test('narrow statements are accepted; a wide boundary of the app warns with an ID', () => {
    const stack = stackIn(AWS);
    const narrow = new iam.ManagedPolicy(stack, 'Narrow', {
      statements: [
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::genomics-data/*'] }),
        new iam.PolicyStatement({ actions: ['ec2:*'], resources: ['*'], conditions: { StringEquals: { 'aws:ResourceTag/team': 'a' } } }),
      ],
    });
    expect(() => new HeadNodeRole(stack, 'Head', { additionalIamPolicies: [narrow] })).not.toThrow();
    const wide = new iam.ManagedPolicy(stack, 'WideBoundary', { statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })] });
    new HeadNodeRole(stack, 'Bounded', { permissionsBoundary: wide });
    Annotations.fromStack(stack).hasWarning('/TestStack/Bounded', Match.stringLikeRegexp("permissionsBoundary 'TestStack/WideBoundary' allows iam:PassRole on every role.*ParallelClusterBoundary.*wideBoundary"));
  });
});

describe('finding 9: trust principals', () => {
  const github = (stack: any) => `arn:aws:iam::${stack.account}:oidc-provider/token.actions.githubusercontent.com`;

  test('a GitHub OIDC principal without aud or sub, or with a sub that names no repository, is refused', () => {
    const s1 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s1, 'User', { assumedBy: new iam.WebIdentityPrincipal(github(s1)) }))
      .toThrow(/assumedBy trusts the GitHub Actions identity provider without a 'token\.actions\.githubusercontent\.com:aud' condition.*for example/);
    const s2 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s2, 'User', {
      assumedBy: new iam.WebIdentityPrincipal(github(s2), { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' } }),
    })).toThrow(/without a 'token\.actions\.githubusercontent\.com:sub' condition/);
    const s3 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s3, 'User', {
      assumedBy: new iam.WebIdentityPrincipal(github(s3), {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:*' },
      }),
    })).toThrow(/the 'token\.actions\.githubusercontent\.com:sub' value 'repo:\*', which does not name one owner's repository/);
    const s4 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s4, 'User', {
      assumedBy: new iam.WebIdentityPrincipal(github(s4), {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:my-org/hpc-infra:ref:refs/heads/main' },
      }),
    })).not.toThrow();
  });

  test('a provider created in the app (a token ARN) with no condition is refused', () => {
    const stack = stackIn(AWS);
    const provider = new iam.OpenIdConnectProvider(stack, 'GitHub', { url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] });
    expect(() => new ParallelClusterUserRole(stack, 'User', { assumedBy: new iam.OpenIdConnectPrincipal(provider) }))
      .toThrow(/trusts the OpenID Connect identity provider without a '<provider>:aud' condition/);
  });

  test('a Cognito principal needs aud and amr = authenticated', () => {
    const s1 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s1, 'User', { assumedBy: new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {}, 'sts:AssumeRoleWithWebIdentity') }))
      .toThrow(/trusts the Amazon Cognito identity provider without a 'cognito-identity\.amazonaws\.com:aud' condition/);
    const s2 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s2, 'User', {
      assumedBy: new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {
        'StringEquals': { 'cognito-identity.amazonaws.com:aud': 'us-east-1:0123' },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
      }, 'sts:AssumeRoleWithWebIdentity'),
    })).toThrow(/without a 'cognito-identity\.amazonaws\.com:amr' condition/);
    const s3 = stackIn(AWS);
    expect(() => new ParallelClusterUserRole(s3, 'User', {
      assumedBy: new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {
        'StringEquals': { 'cognito-identity.amazonaws.com:aud': 'us-east-1:0123' },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      }, 'sts:AssumeRoleWithWebIdentity'),
    })).not.toThrow();
  });

  test('an IAM-mode user role that trusts a whole other account warns with an ID; restricted mode and one role do not', () => {
    const stack = stackIn(AWS);
    new ParallelClusterUserRole(stack, 'Privileged', { iamAccessMode: IamAccessMode.privileged(), assumedBy: new iam.AccountPrincipal(OTHER_ACCOUNT) });
    const boundary = new ParallelClusterBoundary(stack, 'Boundary');
    new ParallelClusterUserRole(stack, 'Bounded', { iamAccessMode: IamAccessMode.permissionsBoundary(boundary), assumedBy: new iam.AccountRootPrincipal() });
    new ParallelClusterUserRole(stack, 'Restricted', { assumedBy: new iam.AccountPrincipal(OTHER_ACCOUNT) });
    new ParallelClusterUserRole(stack, 'OneRole', {
      iamAccessMode: IamAccessMode.privileged(),
      assumedBy: new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:role/hpc-admins`),
    });
    const annotations = Annotations.fromStack(stack);
    const warning = Match.stringLikeRegexp(`trusts the whole account ${OTHER_ACCOUNT}.*otherAccountTrust`);
    annotations.hasWarning('/TestStack/Privileged', warning);
    for (const id of ['Bounded', 'Restricted', 'OneRole']) {
      annotations.hasNoWarning(`/TestStack/${id}`, warning);
    }
  });
});

describe('finding 12: smaller ones', () => {
  test.each(['/${aws:RequestTag/p}/', '/team-${aws:username}/', '/a{b}/'])('iamPath %s is refused', (iamPath) => {
    expect(() => new ParallelClusterUserRole(stackIn(AWS), 'User', { iamPath }))
      .toThrow(new RegExp(`iamPath '${iamPath.replace(/[${}]/g, '\\$&')}' contains '\\$', '\\{' or '\\}': IAM reads`));
  });

  test.each(['t*', 'team*', 'ab*', 'team-a*'])('clusterNames pattern %s is not a team prefix', (pattern) => {
    expect(() => new ParallelClusterUserRole(stackIn(AWS), 'User', { clusterNames: [pattern] }))
      .toThrow(new RegExp(`clusterNames has '${pattern.replace('*', '\\*')}', whose literal part before '\\*' .*at least 3 characters ending with '-'`));
  });

  test.each(['team-a-*', 'ab-*', 'team-a-prod', 'team-a-*-gpu'])('clusterNames %s is accepted', (pattern) => {
    expect(() => new ParallelClusterUserRole(stackIn(AWS), 'User', { clusterNames: [pattern] })).not.toThrow();
  });

  test.each(ENVIRONMENTS)('records: team-a cannot write into another team\'s zone, and keeps its own, in $partition', async (env) => {
    const stack = stackIn(env);
    const user = new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*'] });
    const sim = PolicySimulator.forRole(stack, user.role);
    const zone = `arn:${env.partition}:route53:::hostedzone/ZTEAMB`;
    const change = (names: string[]) => sim.decision('route53:ChangeResourceRecordSets', zone,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names });
    expect(await Promise.all([
      change(['x.team-a-1.team-b-prod.pcluster']),
      change(['queue1-st-c5-1.team-b-prod.pcluster']),
      change(['a.b.team-a-1.pcluster']),
      change(['queue1-st-c5-1.team-a-1.pcluster', 'queue1-dy-c5-2.team-a-1.pcluster']),
    ])).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed']);
  });

  test.each(ENVIRONMENTS)('Lambda functions: only those tagged with a cluster of the scope, in $partition', async (env) => {
    const stack = stackIn(env);
    const user = new ParallelClusterUserRole(stack, 'User', { clusterNames: ['team-a-*'] });
    const sim = PolicySimulator.forRole(stack, user.role);
    const fn = `arn:${env.partition}:lambda:${env.region}:${env.account}:function:pcluster-CleanupRoute53-0123abcd`;
    const tag = (name?: string): Record<string, string> => (name === undefined ? {} : { 'aws:ResourceTag/parallelcluster:cluster-name': name });
    const decide = (action: string, name?: string, extra: Record<string, string> = {}) => sim.decision(action, fn, { ...tag(name), ...extra });
    expect(await Promise.all([
      decide('lambda:UpdateFunctionConfiguration', 'team-b-1'),
      decide('lambda:AddPermission', 'team-b-1'),
      decide('lambda:InvokeFunction', 'team-b-1'),
      decide('lambda:DeleteFunction', 'team-b-1'),
      decide('lambda:UpdateFunctionConfiguration'),
      decide('lambda:AddPermission'),
      decide('lambda:TagResource', 'team-b-1', { 'aws:RequestTag/parallelcluster:cluster-name': 'team-a-1' }),
      decide('lambda:UpdateFunctionConfiguration', 'team-a-1'),
      decide('lambda:AddPermission', 'team-a-1'),
      decide('lambda:InvokeFunction', 'team-a-1'),
      decide('lambda:TagResource', undefined, { 'aws:RequestTag/parallelcluster:cluster-name': 'team-a-1' }),
    ])).toEqual([
      'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied',
      'Allowed', 'Allowed', 'Allowed', 'Allowed',
    ]);
  });

  test('a configuration file with bytes that are not UTF-8 is refused with its line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'utf8-'));
    try {
      const file = path.join(dir, 'cluster.yaml');
      fs.writeFileSync(file, Buffer.concat([
        Buffer.from('Region: us-east-1\nHeadNode:\n  InstanceType: t3.medium\nTags:\n  - Key: owner\n    Value: J'),
        Buffer.from([0xfc]),
        Buffer.from('rgen\n'),
      ]));
      expect(() => ClusterConfiguration.fromFile(file)).toThrow(new RegExp(`^${file.replace(/[.\\/]/g, '\\$&')}:6: the file is not valid UTF-8 \\(line 6 .*save the file as UTF-8`));
      fs.writeFileSync(file, 'Region: us-east-1\nTags:\n  - Key: owner\n    Value: Jürgen\n');
      expect(() => ClusterConfiguration.fromFile(file)).not.toThrow(/UTF-8/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
