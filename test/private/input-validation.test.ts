import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ComputeNodeRole,
  HeadNodeRole,
  IamAccessMode,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  LoginNodeRole,
  ParallelClusterIam,
  ParallelClusterUserRole,
} from '../../src';
import { AWS, ENVIRONMENTS, OTHER_ACCOUNT, agnosticStack, stackIn } from '../support/stacks';

/*
 * Issue 12, finding 3: inputs that would silently widen a grant are refused at synthesis, with a
 * message naming the value and the fix; tokens (unknowable at synthesis) pass. Finding 4: a
 * privileged user role carries a synth warning.
 */

describe.each(ENVIRONMENTS)('unsafe inputs are refused in $partition', (env) => {
  const p = env.partition;
  const a = env.account;
  const stack = () => stackIn(env);

  test('a role ARN with a wildcard in customRoles or computeNodeRoles', () => {
    const s1 = stack();
    expect(() => new ParallelClusterUserRole(s1, 'User', { customRoles: [iam.Role.fromRoleArn(s1, 'All', `arn:${p}:iam::${a}:role/*`)] }))
      .toThrow(new RegExp(`customRoles holds the role ARN 'arn:${p}:iam::${a}:role/\\*'.*exact ARN`));
    const s2 = stack();
    expect(() => new HeadNodeRole(s2, 'Head', { computeNodeRoles: [iam.Role.fromRoleArn(s2, 'Some', `arn:${p}:iam::${a}:role/team/*`)] }))
      .toThrow(/computeNodeRoles holds the role ARN .*role\/team\/\*.*exact ARN/);
  });

  test.each(['*', 'prod/*', 'db-?'])('a secret named %s', (name) => {
    const s = stack();
    const secret = secretsmanager.Secret.fromSecretNameV2(s, 'Secret', name);
    expect(() => new ParallelClusterUserRole(s, 'User', { secrets: [secret] })).toThrow(/secrets holds the secret .*wildcard.*Name each secret exactly/);
    const s2 = stack();
    expect(() => new HeadNodeRole(s2, 'Head', { secrets: [secretsmanager.Secret.fromSecretNameV2(s2, 'Secret', name)] })).toThrow(/secrets holds the secret/);
    const s3_ = stack();
    expect(() => new ComputeNodeRole(s3_, 'Compute', { secrets: [secretsmanager.Secret.fromSecretNameV2(s3_, 'Secret', name)] })).toThrow(/secrets holds the secret/);
  });

  test('a bucket with a wildcard in fsxDataRepositoryBuckets', () => {
    const s = stack();
    expect(() => new ParallelClusterUserRole(s, 'User', {
      enableFsxLustre: true,
      fsxDataRepositoryBuckets: [s3.Bucket.fromBucketAttributes(s, 'All', { bucketArn: `arn:${p}:s3:::data-*` })],
      // aws-cdk-lib refuses the name itself; the library's check covers buckets built another way.
    })).toThrow(/Invalid S3 bucket name \(value: data-\*\)|fsxDataRepositoryBuckets holds the bucket .*data-\*/);
  });

  test.each(['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess', 'AdministratorAccess-Amplify'])(
    'additionalIamPolicies with the AWS managed %s, on the user and on every cluster role', (name) => {
      const policy = (_s: ReturnType<typeof stack>) => iam.ManagedPolicy.fromAwsManagedPolicyName(name);
      const message = new RegExp(`additionalIamPolicies holds the AWS managed policy ${name} .*customer managed policy`);
      const s1 = stack();
      expect(() => new ParallelClusterUserRole(s1, 'User', { iamAccessMode: IamAccessMode.privileged(), additionalIamPolicies: [policy(s1)] }))
        .toThrow(message);
      const s2 = stack();
      expect(() => new HeadNodeRole(s2, 'Head', { additionalIamPolicies: [policy(s2)] })).toThrow(message);
      const s3_ = stack();
      expect(() => new ComputeNodeRole(s3_, 'Compute', { additionalIamPolicies: [policy(s3_)] })).toThrow(message);
      const s4 = stack();
      expect(() => new LoginNodeRole(s4, 'Login', { additionalIamPolicies: [policy(s4)] })).toThrow(message);
      const s5 = stack();
      expect(() => new ImageBuilderRoles(s5, 'Image', { additionalIamPolicies: [policy(s5)] })).toThrow(message);
      const s6 = stack();
      expect(() => new ParallelClusterIam(s6, 'Cluster', { additionalIamPolicies: [policy(s6)] })).toThrow(message);
    });

  test('additionalIamPolicies with policy/*', () => {
    const s = stack();
    const all = iam.ManagedPolicy.fromManagedPolicyArn(s, 'All', `arn:${p}:iam::${a}:policy/*`);
    expect(() => new ParallelClusterUserRole(s, 'User', { iamAccessMode: IamAccessMode.privileged(), additionalIamPolicies: [all] }))
      .toThrow(/additionalIamPolicies holds the policy ARN .*policy\/\*.*Name each policy exactly/);
  });

  test('a permissions boundary that is AdministratorAccess, a wildcard or in another account', () => {
    const admin = (_s: ReturnType<typeof stack>) => iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess');
    const s1 = stack();
    expect(() => new ParallelClusterUserRole(s1, 'User', { iamAccessMode: IamAccessMode.permissionsBoundary(admin(s1)) }))
      .toThrow(/the boundary of IamAccessMode.permissionsBoundary is the AWS managed policy AdministratorAccess .*bounds nothing/);
    const s2 = stack();
    expect(() => new ParallelClusterUserRole(s2, 'User', { permissionsBoundary: admin(s2) })).toThrow(/permissionsBoundary is the AWS managed policy AdministratorAccess/);
    const s3_ = stack();
    expect(() => new HeadNodeRole(s3_, 'Head', { permissionsBoundary: admin(s3_) })).toThrow(/permissionsBoundary is the AWS managed policy/);
    const s4 = stack();
    expect(() => new LambdaFunctionsRole(s4, 'Lambda', { permissionsBoundary: admin(s4) })).toThrow(/permissionsBoundary is the AWS managed policy/);
    const s5 = stack();
    const foreign = iam.ManagedPolicy.fromManagedPolicyArn(s5, 'Foreign', `arn:${p}:iam::${OTHER_ACCOUNT}:policy/boundary`);
    expect(() => new ParallelClusterIam(s5, 'Cluster', { iamAccessMode: IamAccessMode.permissionsBoundary(foreign) }))
      .toThrow(new RegExp(`is in account ${OTHER_ACCOUNT}, but the stack deploys to account ${a}`));
    const s6 = stack();
    const wild = iam.ManagedPolicy.fromManagedPolicyArn(s6, 'Wild', `arn:${p}:iam::${a}:policy/boundary-*`);
    expect(() => new ComputeNodeRole(s6, 'Compute', { permissionsBoundary: wild })).toThrow(/permissionsBoundary .*boundary-\*.* has a wildcard/);
  });

  test.each([
    ['AnyPrincipal', () => new iam.AnyPrincipal()],
    ['StarPrincipal', () => new iam.StarPrincipal()],
    ['every account root', () => new iam.ArnPrincipal(`arn:${p}:iam::*:root`)],
    ['any role of an account', () => new iam.ArnPrincipal(`arn:${p}:iam::${OTHER_ACCOUNT}:role/*`)],
  ])('assumedBy %s', (_, principal) => {
    expect(() => new ParallelClusterUserRole(stack(), 'User', { assumedBy: principal() }))
      .toThrow(/assumedBy has the principal \w+ '.*\*.*', a wildcard.*AccountRootPrincipal/);
    expect(() => new ParallelClusterIam(stack(), 'Cluster', { userPrincipal: principal() }))
      .toThrow(/userPrincipal has the principal \w+ '/);
  });

  test.each(['/service-role/', '/service-role/pc/', '/aws-reserved/sso.amazonaws.com/', '/aws-service-role/'])('iamPath %s', (path) => {
    expect(() => new ParallelClusterUserRole(stack(), 'User', { iamPath: path })).toThrow(/iamPath '.*' is under \/.*\/, where AWS keeps its own/);
    expect(() => new HeadNodeRole(stack(), 'Head', { iamPath: path })).toThrow(/iamPath/);
    expect(() => new ParallelClusterIam(stack(), 'Cluster', { iamPath: path })).toThrow(/iamPath/);
  });

  test('a rolePath under AWS\'s reserved paths; /service-role/ stays possible for the user role itself', () => {
    expect(() => new ParallelClusterUserRole(stack(), 'User', { rolePath: '/aws-reserved/x/' })).toThrow(/rolePath '\/aws-reserved\/x\/' is under/);
    expect(() => new ParallelClusterUserRole(stack(), 'User', { rolePath: '/service-role/' })).not.toThrow();
  });
});

describe('what is still accepted', () => {
  test('exact ARNs and names, account principals, customer managed policies, tokens', () => {
    const s = stackIn(AWS);
    const secret = new secretsmanager.Secret(s, 'Secret');
    const boundary = new iam.ManagedPolicy(s, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const extra = new iam.ManagedPolicy(s, 'Extra', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    expect(() => new ParallelClusterUserRole(s, 'User', {
      iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
      assumedBy: new iam.AccountPrincipal(OTHER_ACCOUNT),
      customRoles: [iam.Role.fromRoleArn(s, 'Custom', 'arn:aws:iam::111122223333:role/custom/head')],
      secrets: [secret, secretsmanager.Secret.fromSecretNameV2(s, 'Named', 'prod/ad-password')],
      additionalIamPolicies: [extra, iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')],
      permissionsBoundary: boundary,
      enableFsxLustre: true,
      fsxDataRepositoryBuckets: [s3.Bucket.fromBucketName(s, 'Data', 'fsx-data')],
    })).not.toThrow();
  });

  test('an environment-agnostic stack: account tokens are not compared', () => {
    const s = agnosticStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(s, 'Boundary', 'boundary');
    expect(() => new ParallelClusterIam(s, 'Cluster', { iamAccessMode: IamAccessMode.permissionsBoundary(boundary) })).not.toThrow();
  });
});

describe('privileged mode warns (finding 4)', () => {
  test('a privileged user role has a warning pointing to permissions-boundary mode; the other modes have none', () => {
    const privileged = stackIn(AWS);
    new ParallelClusterUserRole(privileged, 'User', { iamAccessMode: IamAccessMode.privileged() });
    Annotations.fromStack(privileged).hasWarning('/TestStack/User',
      Match.stringLikeRegexp('IamAccessMode.privileged\\(\\).*account administrator.*IamAccessMode.permissionsBoundary.*cdk-parallelcluster-iam:privilegedMode'));

    const bounded = stackIn(AWS);
    new ParallelClusterUserRole(bounded, 'User', {
      iamAccessMode: IamAccessMode.permissionsBoundary(new iam.ManagedPolicy(bounded, 'B', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] })),
    });
    new ParallelClusterUserRole(bounded, 'Restricted');
    Annotations.fromStack(bounded).hasNoWarning('*', Match.stringLikeRegexp('privileged'));
  });

  test('ParallelClusterIam in privileged mode warns too', () => {
    const s = stackIn(AWS);
    new ParallelClusterIam(s, 'Cluster', { iamAccessMode: IamAccessMode.privileged() });
    Annotations.fromStack(s).hasWarning('/TestStack/Cluster/UserRole', Match.stringLikeRegexp('account administrator'));
  });
});
