import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ComputeNodeRole, HeadNodeRole, HeadNodeRoleProps, ParallelClusterVersion, Scheduler } from '../../src';
import {
  Statement,
  docAwsManagedPolicyArns,
  docStatements,
  ec2ServiceNames,
  expectAllowed,
  expectDenied,
  nearMisses,
  requests,
  requestsAllowedBy,
  roleStatements,
  withIssue12Narrowings,
  withIssue18Narrowings,
  drivable,
  withoutSid,
} from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, AWS_CN, ENVIRONMENTS, TestEnvironment, agnosticStack, awsStack, stackIn } from '../support/stacks';

function headNode(env: TestEnvironment, props: HeadNodeRoleProps = {}) {
  const stack = stackIn(env);
  const head = new HeadNodeRole(stack, 'HeadNode', { parallelClusterVersion: ParallelClusterVersion.V3_2, ...props });
  return { stack, head, sim: PolicySimulator.forRole(stack, head.role), template: Template.fromStack(stack) };
}

/** DIFF (issue 19): the doc's EC2TagsAndVolumes also detaches volumes, as ParallelCluster's own head node role does. */
function withDetachVolume(s: Statement): Statement {
  return s.Action.includes('ec2:AttachVolume') ? { ...s, Action: [...s.Action, 'ec2:DetachVolume'] } : s;
}

/** The doc's block with its documented differences: EC2 also `.cn` in China, the secret statement as given. */
function expectedSlurm(env: TestEnvironment, secretArns: string[] = []): Statement[] {
  return withIssue18Narrowings('headNode.slurm', docStatements('headNode.slurm', env), env).map(withDetachVolume).flatMap((s) => {
    if (s.Action.includes('iam:PassRole')) {
      return [{ ...s, Condition: { StringEquals: { 'iam:PassedToService': ec2ServiceNames(env) } } }];
    }
    if (s.Action.includes('secretsmanager:GetSecretValue')) {
      return secretArns.length === 0 ? [] : [{ ...s, Resource: secretArns }];
    }
    return [s];
  });
}

function expectedBatch(env: TestEnvironment, secretArns: string[] = []): Statement[] {
  return withIssue18Narrowings('headNode.awsBatch', withIssue12Narrowings('headNode.awsBatch', docStatements('headNode.awsBatch', env), env), env).map(withDetachVolume).flatMap((s) => {
    if (s.Action.includes('secretsmanager:GetSecretValue')) {
      return secretArns.length === 0 ? [] : [{ ...s, Resource: secretArns }];
    }
    return [s];
  });
}

/** Issue 18's conditioned statements (tags, record names), which `requestsAllowedBy` cannot drive. */
async function expectIssue18(sim: PolicySimulator, env: TestEnvironment, slurm: boolean): Promise<void> {
  const { partition: p, region: r, account: a } = env;
  const instance = `arn:${p}:ec2:${r}:${a}:instance/i-0123`;
  const volume = `arn:${p}:ec2:${r}:${a}:volume/vol-0123`;
  const zone = `arn:${p}:route53:::hostedzone/Z0123`;
  const records = (...names: string[]) => ({ 'route53:ChangeResourceRecordSetsNormalizedRecordNames': names });
  await expectAllowed(sim, requests(
    ['ec2:CreateTags', instance, { 'ec2:ResourceTag/parallelcluster:cluster-name': 'hpc' }],
    ['ec2:CreateTags', volume, { 'ec2:ResourceTag/parallelcluster:cluster-name': 'hpc' }],
    ['ec2:CreateTags', instance, { 'ec2:CreateAction': 'CreateFleet' }],
    ['ec2:AttachVolume', volume],
    ...(slurm ? [
      ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:subnet/subnet-0123`],
      ['ec2:RunInstances', `arn:${p}:ec2:${r}::image/ami-0123`],
      ['route53:ChangeResourceRecordSets', zone, records('q-st-c5-1.hpc.pcluster')],
    ] as Array<[string, string, Record<string, string[]>?]> : []),
  ));
  await expectDenied(sim, requests(
    ['ec2:CreateTags', instance],
    ['ec2:CreateTags', volume, { 'aws:TagKeys': ['parallelcluster:node-type'] }],
    ['ec2:RunInstances', `arn:${p}:ec2:${r}::snapshot/snap-0123`, { 'ec2:SnapshotID': 'snap-0123' }],
    ['route53:ChangeResourceRecordSets', zone],
    ['route53:ChangeResourceRecordSets', zone, records('www.example.com')],
    ['route53:ChangeResourceRecordSets', zone, records('q-st-c5-1.hpc.pcluster', 'www.example.com')],
  ));
}

// The doc's PassRole statements also name instance profiles, which PassRole never acts on.
const DOC_PASSROLE = { ineffectiveResources: /:instance-profile\// };
const DOC_SLURM = DOC_PASSROLE;

describe.each(ENVIRONMENTS)('HeadNodeRole in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;

  describe('Slurm (the default)', () => {
    test('its statements are the doc block headNode.slurm, with a Sid each', () => {
      const { sim, head } = headNode(env);
      expect(head.scheduler).toBe(Scheduler.SLURM);
      const statements = roleStatements(sim);
      expect(statements.map(withoutSid)).toEqual(expectedSlurm(env));
      expect(statements.map((s) => s.Sid)).toEqual([
        'S3ParallelClusterObjects',
        'DynamoDB',
        'EC2TerminateComputeNodes',
        'EC2RunInstances',
        'IamPassRole',
        'EC2Describe',
        'EC2TagsAndVolumes',
        'EC2TagClusterResources',
        'EC2TagOnCreate',
        'CloudFormation',
        'Route53',
      ]);
    });

    test('allows every statement of the doc block', async () => {
      const { sim } = headNode(env);
      await expectAllowed(sim, requestsAllowedBy(drivable(expectedSlurm(env)), env, DOC_SLURM));
      await expectIssue18(sim, env, true);
    });

    test('denies near misses: other tag, service, region, account, partition, path', async () => {
      const { sim } = headNode(env);
      await expectDenied(sim, nearMisses(drivable(expectedSlurm(env)), env, DOC_SLURM));
    });

    test('denies what the doc does not grant', async () => {
      const { sim } = headNode(env);
      await expectDenied(sim, requests(
        ['s3:PutObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/config.yaml`],
        ['s3:DeleteObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/config.yaml`],
        ['s3:GetObject', `arn:${p}:s3:::other-bucket/key`],
        ['dynamodb:DeleteTable', `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-mycluster`],
        ['dynamodb:Scan', `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-mycluster`],
        ['dynamodb:GetItem', `arn:${p}:dynamodb:${r}:${a}:table/other`],
        ['ec2:TerminateInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, { 'ec2:ResourceTag/parallelcluster:node-type': 'HeadNode' }],
        ['ec2:DeleteVolume', `arn:${p}:ec2:${r}:${a}:volume/vol-0123`],
        ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/node`, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
        ['iam:PassRole', `arn:${p}:iam::${a}:role/custom/queue`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
        ['iam:CreateRole', `arn:${p}:iam::${a}:role/parallelcluster/node`],
        ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:any-AbCdEf`],
        ['route53:CreateHostedZone', '*'],
        ['cloudformation:DeleteStack', `arn:${p}:cloudformation:${r}:${a}:stack/mycluster/id`],
        ['batch:SubmitJob', `arn:${p}:batch:${r}:${a}:job-queue/PclusterJobQueue1`],
      ));
    });
  });

  describe('AWS Batch', () => {
    test('its statements are the repaired doc block headNode.awsBatch, with a Sid each', () => {
      const { sim, head } = headNode(env, { scheduler: Scheduler.AWS_BATCH });
      expect(head.scheduler).toBe(Scheduler.AWS_BATCH);
      const statements = roleStatements(sim);
      expect(statements.map(withoutSid)).toEqual(expectedBatch(env));
      expect(statements.map((s) => s.Sid)).toEqual([
        'S3ClusterBucketObjects',
        'S3ParallelClusterObjects',
        'IamPassRole',
        'BatchRead',
        'BatchJobs',
        'EC2Describe',
        'EC2TagsAndVolumes',
        'EC2TagClusterResources',
        'EC2TagOnCreate',
        'CloudFormation',
      ]);
    });

    test('allows every statement of the doc block', async () => {
      const { sim } = headNode(env, { scheduler: Scheduler.AWS_BATCH });
      await expectAllowed(sim, requestsAllowedBy(drivable(expectedBatch(env)), env, DOC_PASSROLE));
      await expectIssue18(sim, env, false);
    });

    test('denies near misses: other service, region, account, partition, path', async () => {
      const { sim } = headNode(env, { scheduler: Scheduler.AWS_BATCH });
      await expectDenied(sim, nearMisses(drivable(expectedBatch(env)), env, DOC_PASSROLE));
    });

    test('denies what the doc does not grant, including the Slurm head node permissions', async () => {
      const { sim } = headNode(env, { scheduler: Scheduler.AWS_BATCH });
      await expectDenied(sim, requests(
        ['s3:PutObject', `arn:${p}:s3:::${r}-aws-parallelcluster/key`],
        ['s3:DeleteObject', `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/key`],
        ['batch:SubmitJob', `arn:${p}:batch:${r}:${a}:job-queue/OtherQueue`],
        ['batch:DeleteJobQueue', `arn:${p}:batch:${r}:${a}:job-queue/PclusterJobQueue1`],
        ['batch:CreateComputeEnvironment', `arn:${p}:batch:${r}:${a}:compute-environment/PclusterComputeEnvironment`],
        ['logs:GetLogEvents', `arn:${p}:logs:${r}:${a}:log-group:/aws/other:log-stream:x`],
        ['ec2:RunInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`],
        ['ec2:TerminateInstances', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' }],
        ['iam:PassRole', `arn:${p}:iam::${a}:role/parallelcluster/node`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
        ['dynamodb:PutItem', `arn:${p}:dynamodb:${r}:${a}:table/parallelcluster-mycluster`],
        ['route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/Z0123`],
      ));
    });
  });

  test('has the doc\'s AWS managed policies', () => {
    for (const [scheduler, block] of [[Scheduler.SLURM, 'headNode.slurm'], [Scheduler.AWS_BATCH, 'headNode.awsBatch']] as const) {
      const { sim } = headNode(env, { scheduler });
      expect(sim.awsManagedPolicyArns.sort()).toEqual(docAwsManagedPolicyArns(block, env).sort());
    }
  });

  test('is trusted by EC2 under the partition\'s URL suffix', () => {
    const { stack, head, template, sim } = headNode(env);
    const logicalId = stack.getLogicalId(head.role.node.defaultChild as iam.CfnRole);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::URLSuffix' }]] } },
        }],
      },
    });
    const trust = template.toJSON().Resources[logicalId].Properties.AssumeRolePolicyDocument;
    expect(sim.evaluate(trust.Statement[0].Principal.Service)).toBe(`ec2.${env.urlSuffix}`);
  });

  test('secrets replace the doc\'s <SECRET_ID>: created and imported by name', async () => {
    const stack = stackIn(env);
    const munge = new secretsmanager.Secret(stack, 'MungeKey');
    const database = secretsmanager.Secret.fromSecretNameV2(stack, 'Database', 'slurm-db');
    const head = new HeadNodeRole(stack, 'HeadNode', { parallelClusterVersion: ParallelClusterVersion.V3_2, secrets: [munge, database] });
    const sim = PolicySimulator.forRole(stack, head.role);
    const mungeArn = sim.evaluate(stack.resolve(munge.secretArn));
    expect(roleStatements(sim).map(withoutSid))
      .toEqual(expectedSlurm(env, [mungeArn, `arn:${p}:secretsmanager:${r}:${a}:secret:slurm-db-??????`]));
    expect(roleStatements(sim).map((s) => s.Sid)).toContain('SecretsManagerGetSecretValue');
    await expectAllowed(sim, requests(
      ['secretsmanager:GetSecretValue', mungeArn],
      ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:slurm-db-AbCdEf`],
    ));
    await expectDenied(sim, requests(
      ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:slurm-db2-AbCdEf`],
      ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:other-AbCdEf`],
      ['secretsmanager:PutSecretValue', mungeArn],
    ));
  });

  test('secrets on an AWS Batch head node', async () => {
    const stack = stackIn(env);
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Directory', 'ad-password');
    const head = new HeadNodeRole(stack, 'HeadNode', { parallelClusterVersion: ParallelClusterVersion.V3_2, scheduler: Scheduler.AWS_BATCH, secrets: [secret] });
    const sim = PolicySimulator.forRole(stack, head.role);
    expect(roleStatements(sim).map(withoutSid))
      .toEqual(expectedBatch(env, [`arn:${p}:secretsmanager:${r}:${a}:secret:ad-password-??????`]));
  });

  test('computeNodeRoles outside the path may be passed to EC2, and only to EC2', async () => {
    const stack = stackIn(env);
    const custom = iam.Role.fromRoleArn(stack, 'Custom', `arn:${p}:iam::${a}:role/custom/queue1`);
    const compute = new ComputeNodeRole(stack, 'Compute');
    const head = new HeadNodeRole(stack, 'HeadNode', { computeNodeRoles: [custom, compute.role, custom] });
    const sim = PolicySimulator.forRole(stack, head.role);
    const statements = roleStatements(sim);
    // The doc's statement stays as it is; the roles it does not cover get one of their own, each once.
    // The compute role on the path is covered by the doc's statement and not listed again.
    expect(statements.map(withoutSid).filter((s) => s.Action.includes('iam:PassRole'))).toEqual([
      expectedSlurm(env).find((s) => s.Action.includes('iam:PassRole')),
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [sim.evaluate(stack.resolve(custom.roleArn))],
        Condition: { StringEquals: { 'iam:PassedToService': ec2ServiceNames(env) } },
      },
    ]);
    expect(statements.find((s) => s.Action.includes('iam:PassRole') && s.Sid !== 'IamPassRole')?.Sid).toBe('IamPassComputeNodeRoles');
    const computeArn = sim.evaluate(stack.resolve(compute.roleArn));
    await expectAllowed(sim, ec2ServiceNames(env).flatMap((service) => requests(
      ['iam:PassRole', `arn:${p}:iam::${a}:role/custom/queue1`, { 'iam:PassedToService': service }],
      ['iam:PassRole', computeArn, { 'iam:PassedToService': service }],
    )));
    await expectDenied(sim, requests(
      ['iam:PassRole', `arn:${p}:iam::${a}:role/custom/queue1`, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
      ['iam:PassRole', `arn:${p}:iam::${a}:role/custom/queue2`, { 'iam:PassedToService': 'ec2.amazonaws.com' }],
    ));
  });
});

describe('HeadNodeRole options', () => {
  test('many compute node roles are spread over statements and policies, all passable', async () => {
    const stack = awsStack();
    const roles = Array.from({ length: 45 }, (_, i) => new ComputeNodeRole(stack, `Queue${i}`, { iamPath: `/queue${i}/` }).role);
    const head = new HeadNodeRole(stack, 'HeadNode', { computeNodeRoles: roles });
    const sim = PolicySimulator.forRole(stack, head.role);
    const sids = roleStatements(sim).map((s) => s.Sid);
    // In any order: the policies are packed first fit, so a later statement may fill an earlier policy.
    expect(sids.filter((s) => s?.startsWith('IamPassComputeNodeRoles')).sort()).toEqual([
      'IamPassComputeNodeRoles', 'IamPassComputeNodeRoles2', 'IamPassComputeNodeRoles3', 'IamPassComputeNodeRoles4', 'IamPassComputeNodeRoles5',
    ]);
    expect(new Set(sids).size).toBe(sids.length);
    expect(head.managedPolicies.length).toBeGreaterThan(1);
    expect(Template.fromStack(stack).toJSON()).toBeDefined(); // validations (sizes, policy count) pass
    await expectAllowed(sim, roles.map((role) => ({
      action: 'iam:PassRole', resource: sim.evaluate(stack.resolve(role.roleArn)), context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    })));
  });

  test('computeNodeRoles on an AWS Batch head node is an error', () => {
    const stack = awsStack();
    const role = iam.Role.fromRoleArn(stack, 'Custom', 'arn:aws:iam::111122223333:role/custom/queue1');
    expect(() => new HeadNodeRole(stack, 'HeadNode', { parallelClusterVersion: ParallelClusterVersion.V3_2, scheduler: Scheduler.AWS_BATCH, computeNodeRoles: [role] }))
      .toThrow(/computeNodeRoles has 1 role\(s\) but scheduler is Scheduler.AWS_BATCH.*Leave computeNodeRoles out, or use Scheduler.SLURM/);
    // An empty list is no error.
    expect(() => new HeadNodeRole(stack, 'Empty', { parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH, computeNodeRoles: [] })).not.toThrow();
  });

  test('role and instance profile are on the IAM path, and the instance profile holds the role', () => {
    const { stack, head, template } = headNode(AWS);
    const roleId = stack.getLogicalId(head.role.node.defaultChild as iam.CfnRole);
    const profileId = stack.getLogicalId(head.instanceProfile.node.defaultChild as iam.CfnInstanceProfile);
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/parallelcluster/' });
    template.resourceCountIs('AWS::IAM::InstanceProfile', 1);
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/parallelcluster/', Roles: [{ Ref: roleId }] });
    expect(stack.resolve(head.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(stack.resolve(head.instanceProfileArn)).toEqual({ 'Fn::GetAtt': [profileId, 'Arn'] });
    expect(head.iamPath).toBe('/parallelcluster/');
  });

  test('a custom iamPath moves the role, the instance profile and every path-scoped permission', async () => {
    const { sim, template, head } = headNode(AWS_CN, { iamPath: '/hpc/team-a/' });
    expect(head.iamPath).toBe('/hpc/team-a/');
    template.hasResourceProperties('AWS::IAM::Role', { Path: '/hpc/team-a/' });
    template.hasResourceProperties('AWS::IAM::InstanceProfile', { Path: '/hpc/team-a/' });
    const expected = docStatements('headNode.slurm', AWS_CN, '/hpc/team-a/').find((s) => s.Action.includes('iam:PassRole'))!;
    expect(roleStatements(sim).find((s) => s.Sid === 'IamPassRole')?.Resource).toEqual(expected.Resource);
    expect(expected.Resource.join()).toContain(':role/hpc/team-a/*');
    await expectAllowed(sim, requests(
      ['iam:PassRole', 'arn:aws-cn:iam::111122223333:role/hpc/team-a/compute', { 'iam:PassedToService': 'ec2.amazonaws.com.cn' }],
    ));
    await expectDenied(sim, requests(
      ['iam:PassRole', 'arn:aws-cn:iam::111122223333:role/parallelcluster/compute', { 'iam:PassedToService': 'ec2.amazonaws.com.cn' }],
      ['iam:PassRole', 'arn:aws-cn:iam::111122223333:role/hpc/compute', { 'iam:PassedToService': 'ec2.amazonaws.com.cn' }],
    ));
  });

  test.each([
    ['/', /iamPath '\/' would make every role in the account a cluster role/],
    ['parallelcluster', /iamPath 'parallelcluster' is not a valid IAM path/],
    ['/a//b/', /iamPath '\/a\/\/b\/' is not a valid IAM path/],
    ['/team*/', /iamPath '\/team\*\/' contains a wildcard/],
  ])('iamPath %s is an error', (iamPath, message) => {
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { iamPath })).toThrow(message);
  });

  test('roleName is used, and an invalid one is an error', () => {
    const { template } = headNode(AWS, { roleName: 'pcluster-head-node' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'pcluster-head-node' });
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { roleName: 'head node!' }))
      .toThrow(/roleName 'head node!' is not a valid IAM role name/);
  });

  test('enableSessionManager and enableCloudWatchAgent switch the AWS managed policies', () => {
    const managed = (props: HeadNodeRoleProps) => headNode(AWS, props).sim.awsManagedPolicyArns;
    expect(managed({ enableSessionManager: false })).toEqual(['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy']);
    expect(managed({ enableCloudWatchAgent: false })).toEqual(['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore']);
    expect(managed({ enableCloudWatchAgent: false, enableSessionManager: false })).toEqual([]);
  });

  test('additionalIamPolicies are attached, the construct\'s own policies are listed in managedPolicies', () => {
    const stack = awsStack();
    const extra = new iam.ManagedPolicy(stack, 'Extra', { statements: [new iam.PolicyStatement({ actions: ['fsx:DescribeFileSystems'], resources: ['*'] })] });
    const imported = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Imported', 'arn:aws:iam::111122223333:policy/site-policy');
    const head = new HeadNodeRole(stack, 'HeadNode', { additionalIamPolicies: [extra, imported] });
    const roleId = stack.getLogicalId(head.role.node.defaultChild as iam.CfnRole);
    const arns = Template.fromStack(stack).toJSON().Resources[roleId].Properties.ManagedPolicyArns;
    expect(head.managedPolicies).toHaveLength(1);
    // After the two AWS managed ones (checked above): the construct's own, then the additional ones.
    expect(arns.slice(2)).toEqual([
      ...head.managedPolicies.map((policy) => stack.resolve(policy.managedPolicyArn)),
      stack.resolve(extra.managedPolicyArn),
      'arn:aws:iam::111122223333:policy/site-policy',
    ]);
    expect(arns).toHaveLength(5);
  });

  test('more managed policies than IAM allows per role fail synthesis', () => {
    const stack = awsStack();
    const extra = Array.from({ length: 8 }, (_, i) => iam.ManagedPolicy.fromManagedPolicyArn(stack, `P${i}`, `arn:aws:iam::111122223333:policy/p${i}`));
    new HeadNodeRole(stack, 'HeadNode', { additionalIamPolicies: extra });
    expect(() => Template.fromStack(stack)).toThrow(/has 11 managed policies, more than the 10 IAM allows per role by default/);
  });

  test('a permissions boundary from the prop or from iam.PermissionsBoundary.of', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', 'arn:aws:iam::111122223333:policy/boundary');
    new HeadNodeRole(stack, 'WithProp', { permissionsBoundary: boundary });
    const scoped = new HeadNodeRole(stack, 'Scoped');
    const other = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Other', 'arn:aws:iam::111122223333:policy/org-boundary');
    iam.PermissionsBoundary.of(scoped).apply(other);
    const template = Template.fromStack(stack);
    const boundaries = Object.values(template.findResources('AWS::IAM::Role')).map((role) => role.Properties.PermissionsBoundary);
    expect(boundaries.sort()).toEqual(['arn:aws:iam::111122223333:policy/boundary', 'arn:aws:iam::111122223333:policy/org-boundary']);
  });

  test('is an IGrantable: grants land on the head node role', async () => {
    const stack = awsStack();
    const head = new HeadNodeRole(stack, 'HeadNode');
    head.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    const sim = PolicySimulator.forRole(stack, head.role);
    expect(head.grantPrincipal).toBe(head.role);
    expect(await sim.allows('sqs:SendMessage', 'arn:aws:sqs:us-east-1:111122223333:queue')).toBe(true);
  });

  test('an environment-agnostic stack accepts both EC2 service names and takes the region from the stack', async () => {
    const stack = agnosticStack();
    const head = new HeadNodeRole(stack, 'HeadNode');
    const sim = PolicySimulator.forRole(stack, head.role);
    expect(roleStatements(sim).find((s) => s.Sid === 'IamPassRole')?.Condition)
      .toEqual({ StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } });
    const resolved = JSON.stringify(stack.resolve(head.managedPolicies.map((p) => (p as iam.ManagedPolicy).document.toJSON())));
    expect(resolved).toContain('{"Ref":"AWS::Region"}');
    await expectAllowed(sim, requests(['dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-c']));
  });

  test('never writes a literal partition into its policies', () => {
    const stack = new Stack();
    new HeadNodeRole(stack, 'HeadNode', { computeNodeRoles: [new ComputeNodeRole(stack, 'Compute').role] });
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/arn:aws[-:]/);
  });
});

describe('HeadNodeRole clusterName', () => {
  test.each([
    ['1team', 'starts with a digit'],
    ['team_a', 'has an underscore'],
    ['team-a-*', 'is a pattern'],
    [`a${'b'.repeat(60)}`, 'is 61 characters'],
  ])("clusterName '%s' (%s) is a synth error naming it and the rule", (clusterName) => {
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { clusterName }))
      .toThrow(new RegExp(`clusterName '${clusterName.replace('*', '\\*')}' is not a valid ParallelCluster cluster name: use letters, digits and hyphens`));
  });

  test('a 60-character name is accepted', () => {
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { clusterName: `a${'b'.repeat(59)}` })).not.toThrow();
  });

  test('hostedZoneId needs clusterName, and must be a zone ID', () => {
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { hostedZoneId: 'Z0123' }))
      .toThrow(/hostedZoneId 'Z0123' is set but clusterName is not/);
    expect(() => new HeadNodeRole(awsStack(), 'HeadNode', { clusterName: 'c', hostedZoneId: 'hostedzone/Z0123' }))
      .toThrow(/hostedZoneId 'hostedzone\/Z0123' is not a Route 53 hosted zone ID/);
  });

  test('scoped to a cluster, it passes the roles on <iamPath><clusterName>/ and the listed compute roles only', async () => {
    const stack = awsStack();
    const compute = new ComputeNodeRole(stack, 'Compute', { clusterName: 'c1' });
    const head = new HeadNodeRole(stack, 'HeadNode', { clusterName: 'c1', computeNodeRoles: [compute.role] });
    const sim = PolicySimulator.forRole(stack, head.role);
    const ec2 = { 'iam:PassedToService': 'ec2.amazonaws.com' };
    await expectAllowed(sim, requests(
      ['iam:PassRole', PolicySimulator.forRole(stack, compute.role).principalArn, ec2],
      ['iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/c1/queue-role', ec2],
    ));
    await expectDenied(sim, requests(
      ['iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/other-role', ec2],
      ['iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/c2/queue-role', ec2],
    ));
  });
});

describe.each(ENVIRONMENTS)('HeadNodeRole: settings ParallelCluster grants its own head node (issue 19) in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;
  const volume = (id: string) => `arn:${p}:ec2:${r}:${a}:volume/${id}`;
  const tagged = (cluster: string) => ({ 'ec2:ResourceTag/parallelcluster:cluster-name': cluster });
  const kept = 'vol-0fedcba9876543210';

  test.each([ParallelClusterVersion.V3_2, ParallelClusterVersion.LATEST])('detaches volumes at %s (templates/cdk_builder_utils.py:671)', async (version) => {
    const { sim } = headNode(env, { parallelClusterVersion: version });
    await expectAllowed(sim, requests(['ec2:DetachVolume', volume('vol-0123456789abcdef0')], ['ec2:DetachVolume', `arn:${p}:ec2:${r}:${a}:instance/i-0123`]));
    await expectDenied(sim, requests(['ec2:DetachVolume', `arn:${p}:ec2:${r}:444455556666:volume/vol-0123456789abcdef0`], ['ec2:DeleteVolume', volume('vol-0123456789abcdef0')]));
  });

  test('scoped to a cluster, it detaches only volumes without another cluster\'s tag', async () => {
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, clusterName: 'team-a-1' });
    await expectAllowed(sim, requests(['ec2:DetachVolume', volume('vol-0123456789abcdef0'), tagged('team-a-1')]));
    await expectDenied(sim, requests(['ec2:DetachVolume', volume('vol-0123456789abcdef0'), tagged('team-b-1')]));
  });

  test('scoped to a cluster, it attaches the SharedStorage volumes named by ID whatever their tag, and no other tagged volume', async () => {
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, clusterName: 'team-a-1', sharedStorageVolumeIds: [kept] });
    await expectAllowed(sim, requests(
      ['ec2:AttachVolume', volume(kept), tagged('deleted-cluster')],
      ['ec2:DetachVolume', volume(kept), tagged('deleted-cluster')],
      ['ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, tagged('team-a-1')],
    ));
    await expectDenied(sim, requests(
      ['ec2:AttachVolume', volume('vol-0aaaaaaaaaaaaaaaa'), tagged('deleted-cluster')],
      ['ec2:DeleteVolume', volume(kept)],
      ['ec2:ModifyVolume', volume(kept), tagged('deleted-cluster')],
      // The instance side of the request is still the cluster's only.
      ['ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, tagged('team-b-1')],
    ));
  });

  test('with the IDs given and no clusterName, it attaches the volumes of a cluster and the named ones, no untagged other (issue 18, finding 7)', async () => {
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, sharedStorageVolumeIds: [kept] });
    await expectAllowed(sim, requests(
      ['ec2:AttachVolume', volume(kept)],
      ['ec2:AttachVolume', volume('vol-0123456789abcdef0'), tagged('any-cluster')],
      ['ec2:DetachVolume', `arn:${p}:ec2:${r}:${a}:instance/i-0123`, tagged('any-cluster')],
    ));
    await expectDenied(sim, requests(
      ['ec2:AttachVolume', volume('vol-0aaaaaaaaaaaaaaaa')],
      ['ec2:DetachVolume', volume('vol-0aaaaaaaaaaaaaaaa')],
      ['ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:instance/i-0123`],
    ));
  });

  test('scoped to a cluster, it attaches no untagged volume it is not told of (issue 18, finding 7)', async () => {
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, clusterName: 'team-a-1' });
    await expectDenied(sim, requests(['ec2:AttachVolume', volume('vol-0aaaaaaaaaaaaaaaa')], ['ec2:DetachVolume', volume('vol-0aaaaaaaaaaaaaaaa')]));
  });

  const subnet = (id: string) => `arn:${p}:ec2:${r}:${a}:subnet/${id}`;
  const image = (id: string) => `arn:${p}:ec2:${r}::image/${id}`;
  const launchProps = { computeSubnetIds: ['subnet-0123456789abcdef0'], computeImageIds: ['ami-0123456789abcdef0'] };

  test.each([ParallelClusterVersion.V3_2, ParallelClusterVersion.LATEST])(
    'with computeSubnetIds and computeImageIds at %s, compute nodes launch only there and from those or Amazon\'s AMIs (cdk_builder_utils.py:780-801)',
    async (version) => {
      const { sim } = headNode(env, { parallelClusterVersion: version, ...launchProps });
      const actions = version === ParallelClusterVersion.LATEST ? ['ec2:RunInstances', 'ec2:CreateFleet'] : ['ec2:RunInstances'];
      await expectAllowed(sim, requests(...actions.flatMap((action): Array<[string, string, Record<string, string>?]> => [
        [action, subnet('subnet-0123456789abcdef0')],
        [action, image('ami-0123456789abcdef0'), { 'ec2:Owner': a }],
        [action, image('ami-0a1b2c3d4e5f60718'), { 'ec2:Owner': 'amazon' }],
        [action, `arn:${p}:ec2:${r}:${a}:instance/i-0new`],
        [action, `arn:${p}:ec2:${r}:${a}:launch-template/lt-0123456789abcdef0`],
        [action, `arn:${p}:ec2:${r}:${a}:volume/vol-0new`],
      ])));
      await expectDenied(sim, requests(
        ...actions.flatMap((action): Array<[string, string, Record<string, string>?]> => [
          [action, subnet('subnet-0aaaaaaaaaaaaaaa1')],
          [action, image('ami-0aaaaaaaaaaaaaaa1'), { 'ec2:Owner': a }],
          [action, image('ami-0aaaaaaaaaaaaaaa1'), { 'ec2:Owner': 'aws-marketplace' }],
          [action, image('ami-0aaaaaaaaaaaaaaa1')],
        ]),
        ['ec2:RunInstances', `arn:${p}:ec2:${r}::snapshot/snap-0123456789abcdef0`, { 'ec2:SnapshotID': 'snap-0123456789abcdef0' }],
      ));
    },
  );

  test('computeImageIds empty: only Amazon\'s AMIs; without the props, any subnet and AMI (the doc)', async () => {
    const official = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, computeImageIds: [] });
    await expectAllowed(official.sim, requests(
      ['ec2:RunInstances', image('ami-0a1b2c3d4e5f60718'), { 'ec2:Owner': 'amazon' }],
      ['ec2:RunInstances', subnet('subnet-0aaaaaaaaaaaaaaa1')],
    ));
    await expectDenied(official.sim, requests(['ec2:CreateFleet', image('ami-0aaaaaaaaaaaaaaa1'), { 'ec2:Owner': a }]));
    const open = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST });
    await expectAllowed(open.sim, requests(
      ['ec2:RunInstances', image('ami-0aaaaaaaaaaaaaaa1'), { 'ec2:Owner': a }],
      ['ec2:CreateFleet', subnet('subnet-0aaaaaaaaaaaaaaa1')],
    ));
  });

  test('without the IDs, a scoped head node cannot attach a volume kept from a deleted cluster (the case the prop is for)', async () => {
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, clusterName: 'team-a-1' });
    await expectDenied(sim, requests(['ec2:AttachVolume', volume(kept), tagged('deleted-cluster')]));
  });

  test('a munge key with login nodes: the key and the login nodes\' target groups (cdk_builder_utils.py:741-768)', async () => {
    const stack = stackIn(env);
    const munge = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Munge', `arn:${p}:secretsmanager:${r}:${a}:secret:munge-AbCdEf`);
    const head = new HeadNodeRole(stack, 'HeadNode', { mungeKeySecret: munge, enableLoginNodes: true });
    const sim = PolicySimulator.forRole(stack, head.role);
    await expectAllowed(sim, requests(
      ['secretsmanager:GetSecretValue', munge.secretArn],
      ['elasticloadbalancing:DescribeTargetGroups', '*'],
      ['elasticloadbalancing:DescribeTargetHealth', '*'],
    ));
    await expectDenied(sim, requests(
      ['secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:other-AbCdEf`],
      ['elasticloadbalancing:ModifyTargetGroup', '*'],
    ));
  });

  test('a munge key without login nodes: no target group reads', async () => {
    const stack = stackIn(env);
    const munge = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Munge', `arn:${p}:secretsmanager:${r}:${a}:secret:munge-AbCdEf`);
    const sim = PolicySimulator.forRole(stack, new HeadNodeRole(stack, 'HeadNode', { mungeKeySecret: munge }).role);
    await expectAllowed(sim, requests(['secretsmanager:GetSecretValue', munge.secretArn]));
    await expectDenied(sim, requests(['elasticloadbalancing:DescribeTargetHealth', '*']));
  });

  test('capacity reservation resource groups: ListGroupResources on those groups only (cdk_builder_utils.py:848-858)', async () => {
    const group = `arn:${p}:resource-groups:${r}:${a}:group/odcrs`;
    const { sim } = headNode(env, { parallelClusterVersion: ParallelClusterVersion.LATEST, capacityReservationResourceGroupArns: [group] });
    await expectAllowed(sim, requests(['resource-groups:ListGroupResources', group]));
    await expectDenied(sim, requests(
      ['resource-groups:ListGroupResources', `arn:${p}:resource-groups:${r}:${a}:group/other`],
      ['resource-groups:DeleteGroup', group],
    ));
  });
});

describe('HeadNodeRole: issue-19 props are checked', () => {
  test('a volume ID that is not one, or a pattern, is refused', () => {
    expect(() => new HeadNodeRole(awsStack(), 'H', { sharedStorageVolumeIds: ['vol-*'] })).toThrow(/'vol-\*', which is not an EBS volume ID/);
    expect(() => new HeadNodeRole(awsStack(), 'H', { sharedStorageVolumeIds: ['String'] })).toThrow(/not an EBS volume ID/);
  });

  test('subnet and AMI IDs that are not ones, an empty subnet list, and either with AWS Batch are refused (issue 18)', () => {
    expect(() => new HeadNodeRole(awsStack(), 'H', { computeSubnetIds: ['subnet-*'] })).toThrow(/'subnet-\*', which is not a subnet ID/);
    expect(() => new HeadNodeRole(awsStack(), 'H', { computeImageIds: ['ami-0123'] })).toThrow(/'ami-0123', which is not an AMI ID/);
    expect(() => new HeadNodeRole(awsStack(), 'H', { computeSubnetIds: [] })).toThrow(/computeSubnetIds is empty/);
    expect(() => new HeadNodeRole(awsStack(), 'H', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: ParallelClusterVersion.V3_15, computeImageIds: [] }))
      .toThrow(/computeImageIds is set but scheduler is Scheduler.AWS_BATCH/);
  });

  test('a resource group ARN with a wildcard is refused', () => {
    expect(() => new HeadNodeRole(awsStack(), 'H', { capacityReservationResourceGroupArns: ['arn:aws:resource-groups:us-east-1:111122223333:group/*'] }))
      .toThrow(/not a resource group ARN without wildcards/);
  });

  test('munge keys are Slurm only', () => {
    const stack = awsStack();
    const munge = secretsmanager.Secret.fromSecretNameV2(stack, 'M', 'munge');
    expect(() => new HeadNodeRole(stack, 'H', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: ParallelClusterVersion.V3_15, mungeKeySecret: munge }))
      .toThrow(/mungeKeySecret is set but scheduler is Scheduler.AWS_BATCH/);
  });
});
