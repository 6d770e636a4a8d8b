import * as fs from 'fs';
import * as path from 'path';
import { Tags } from 'aws-cdk-lib';
import { Annotations as Found, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnElement, Stack } from 'aws-cdk-lib/core';
import {
  ClusterConfiguration,
  ClusterDeletionPolicy,
  ParallelCluster,
  ParallelClusterProps,
  ParallelClusterVersion,
  ValidationFailureLevel,
} from '../../src';
import { isOwnRole } from '../../src/private/library-role';
import { attackRequests } from '../support/attack-requests';
import { describeCall, parallelClusterCalls } from '../support/pcluster-calls';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, agnosticStack, awsStack, stackIn } from '../support/stacks';

const CONFIG = path.join(__dirname, 'cluster.yaml');
const TEXT = fs.readFileSync(CONFIG, 'utf-8');
const NAME = 'hpc-1';

function build(stack: Stack, props: Partial<ParallelClusterProps> = {}, id: string = 'Hpc'): ParallelCluster {
  return new ParallelCluster(stack, id, { configuration: ClusterConfiguration.fromFile(CONFIG), clusterName: NAME, ...props });
}

function clusterResource(stack: Stack): any {
  const resources = Template.fromStack(stack).findResources('Custom::PclusterCluster');
  return Object.values(resources)[0];
}

describe.each(ENVIRONMENTS)('ParallelCluster in $partition', (env: TestEnvironment) => {
  let stack: Stack;
  let cluster: ParallelCluster;
  let template: Template;
  beforeAll(() => {
    stack = stackIn(env);
    cluster = build(stack);
    template = Template.fromStack(stack);
  });

  test('nests the official provider, partition-correct, with our role as CustomLambdaRole', () => {
    const providers = template.findResources('AWS::CloudFormation::Stack');
    expect(Object.keys(providers)).toHaveLength(1);
    const provider: any = Object.values(providers)[0];
    expect(provider.Properties.TemplateURL).toEqual({
      'Fn::Join': ['', ['https://', { Ref: 'AWS::Region' }, '-aws-parallelcluster.s3.', { Ref: 'AWS::Region' }, '.',
        { Ref: 'AWS::URLSuffix' }, '/parallelcluster/3.16.1/templates/custom_resource/cluster.yaml']],
    });
    const roleId = stack.getLogicalId(cluster.providerRole.node.defaultChild as CfnElement);
    expect(provider.Properties.Parameters).toEqual({ CustomLambdaRole: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    // The role's policies outlive the provider (its cleanup function runs on delete).
    const policyId = stack.getLogicalId(stack.node.findChild('ParallelClusterProvider-3-16-1').node.findChild('Role')
      .node.findChild('RuntimePolicy').node.defaultChild as CfnElement);
    expect(provider.DependsOn).toEqual([policyId]);
  });

  test('the provider role is assumed by Lambda only', () => {
    const role = template.toJSON().Resources[stack.getLogicalId(cluster.providerRole.node.defaultChild as CfnElement)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
  });

  test('the cluster resource: name, configuration with our roles, every scalar a string, deletion policy', () => {
    const resource = clusterResource(stack);
    const props = resource.Properties;
    expect(props.ClusterName).toBe(NAME);
    expect(props.DeletionPolicy).toBe('Delete');
    const config = props.ClusterConfiguration;
    expect(config.HeadNode.LocalStorage.RootVolume).toEqual({ Size: '100', Encrypted: 'true' });
    expect(config.Scheduling.SlurmQueues[0].ComputeResources[0].MinCount).toBe('0');
    const headRole = stack.getLogicalId(cluster.iam.headNodeRole.role.node.defaultChild as CfnElement);
    expect(config.HeadNode.Iam).toEqual({ InstanceRole: { 'Fn::GetAtt': [headRole, 'Arn'] } });
    expect(config.Scheduling.SlurmQueues[0].Iam.InstanceRole['Fn::GetAtt'][1]).toBe('Arn');
    expect(config.Iam.Roles.LambdaFunctionsRole['Fn::GetAtt'][1]).toBe('Arn');
    const scalars: unknown[] = [];
    const walk = (v: any): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object' && !('Fn::GetAtt' in v)) Object.values(v).forEach(walk);
      else if (!(v && typeof v === 'object')) scalars.push(v);
    };
    walk(config);
    expect(scalars.filter((s) => typeof s !== 'string')).toEqual([]);
    // The cluster is deleted before its roles' policies and instance profiles (the roles it references).
    const headPolicy = stack.getLogicalId(cluster.iam.headNodeRole.node.findAll()
      .find((c) => c instanceof iam.CfnManagedPolicy) as CfnElement);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([headPolicy]));
    expect(resource.DependsOn).not.toContain(headRole);
  });

  test('typed attributes and outputs', () => {
    expect(stack.resolve(cluster.headNodeInstanceId)).toEqual({ 'Fn::GetAtt': [expect.any(String), 'headNode.instanceId'] });
    expect(stack.resolve(cluster.headNodePrivateIpAddress)['Fn::GetAtt'][1]).toBe('headNode.privateIpAddress');
    expect(stack.resolve(cluster.clusterStatus)['Fn::GetAtt'][1]).toBe('clusterStatus');
    expect(stack.resolve(cluster.cloudformationStackArn)['Fn::GetAtt'][1]).toBe('cloudformationStackArn');
    expect(stack.resolve(cluster.validationMessages)['Fn::GetAtt'][1]).toBe('validationMessages');
    expect(() => cluster.headNodePublicIpAddress).toThrow(/headNodePublicIp: true/);
    const outputs = template.toJSON().Outputs;
    const ssm: any = Object.entries(outputs).find(([k]) => k.includes('SessionManagerUrl'))![1];
    const mappingId = ssm.Value['Fn::Join'][1][1]['Fn::FindInMap'][0];
    const host = template.toJSON().Mappings[mappingId][env.partition].host;
    expect(host).toBe({ 'aws': 'console.aws.amazon.com', 'aws-us-gov': 'console.amazonaws-us-gov.com', 'aws-cn': 'console.amazonaws.cn' }[env.partition]);
    const ssh: any = Object.entries(outputs).find(([k]) => k.includes('SshCommand'))![1];
    expect(ssh.Value['Fn::Join'][1][0]).toBe('ssh -i ~/.ssh/hpc-admin.pem ec2-user@');
  });

  test('no IAM administration anywhere: every role in the stack is refused CreateRole, PutRolePolicy, AttachRolePolicy', async () => {
    const roles = stack.node.findAll().filter(isOwnRole);
    expect(roles.length).toBeGreaterThanOrEqual(5);
    const target = `arn:${env.partition}:iam::${env.account}:role/parallelcluster/x`;
    for (const role of roles) {
      const sim = PolicySimulator.forRole(stack, role);
      for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
        expect([role.node.path, action, await sim.decision(action, target)]).toEqual([role.node.path, action, expect.not.stringMatching(/^Allowed$/)]);
      }
    }
  });

  describe('the provider role, simulated', () => {
    let sim: PolicySimulator;
    let arnOf: (c: iam.IRole) => string;
    beforeAll(() => {
      sim = PolicySimulator.forRole(stack, cluster.providerRole);
      arnOf = (r) => sim.evaluate({ 'Fn::GetAtt': [stack.getLogicalId(r.node.defaultChild as CfnElement), 'Arn'] });
    });

    test('allows every create, update and delete request pcluster makes as the user (restricted mode)', async () => {
      const calls = parallelClusterCalls({
        env,
        clusterName: NAME,
        // The construct's default: a path of the cluster's own.
        iamPath: `/parallelcluster/${NAME}/`,
        roleArns: {
          headNode: arnOf(cluster.iam.headNodeRole.role),
          computeNode: arnOf(cluster.iam.computeNodeRoles.compute.role),
          lambdaFunctions: arnOf(cluster.iam.lambdaFunctionsRole.role),
        },
      }).filter((c) => c.roles.includes('user.restricted') && ['create-cluster', 'update-cluster', 'delete-cluster'].includes(c.operation))
        // The cluster has no login nodes.
        .filter((c) => !/Login|login/.test(c.resource))
        // A scoped user acts on the cluster's own instances, which carry its name tag (set at launch).
        .map((c) => (c.context === undefined && /^ec2:/.test(c.action) && c.resource.includes(':instance/')
          ? { ...c, context: { 'aws:ResourceTag/parallelcluster:cluster-name': NAME, 'ec2:ResourceTag/parallelcluster:cluster-name': NAME } }
          : c));
      expect(calls.length).toBeGreaterThan(50);
      const decisions = await Promise.all(calls.map((c) => sim.decision(c.action, c.resource, c.context)));
      expect(calls.flatMap((c, i) => (decisions[i] === 'Allowed' ? [] : [`${c.operation} ${describeCall(c)}: ${decisions[i]}`]))).toEqual([]);
    });

    test('allows the provider-runtime requests, scoped to this stack and this resource', async () => {
      const { partition: p, region: r, account: a } = env;
      const bucket = 'teststack-parallelclusterprovider-pclustercustomresourcebucket-1a2b3c4d5e6f'.substring(0, 63);
      const fn = 'pcluster-cfn-0a1b2c3d-1111-2222-3333-444455556666';
      const logicalId = stack.getLogicalId(cluster.resource.node.defaultChild as CfnElement);
      const allowed: Array<[string, string]> = [
        ['s3:PutObject', `arn:${p}:s3:::${bucket}/${NAME}/event.json`],
        ['s3:GetObject', `arn:${p}:s3:::${bucket}/${NAME}/event.json`],
        ['s3:DeleteObject', `arn:${p}:s3:::${bucket}/${NAME}/event.json`],
        ['s3:DeleteObjectVersion', `arn:${p}:s3:::${bucket}/${NAME}/event.json`],
        ['s3:ListBucket', `arn:${p}:s3:::${bucket}`],
        ['s3:ListBucketVersions', `arn:${p}:s3:::${bucket}`],
        ['events:PutRule', `arn:${p}:events:${r}:${a}:rule/${logicalId}AB12CD34`],
        ['events:PutTargets', `arn:${p}:events:${r}:${a}:rule/${logicalId}AB12CD34`],
        ['events:RemoveTargets', `arn:${p}:events:${r}:${a}:rule/${logicalId}AB12CD34`],
        ['events:DeleteRule', `arn:${p}:events:${r}:${a}:rule/${logicalId}AB12CD34`],
        ['lambda:AddPermission', `arn:${p}:lambda:${r}:${a}:function:${fn}`],
        ['lambda:RemovePermission', `arn:${p}:lambda:${r}:${a}:function:${fn}`],
        ['cloudformation:DescribeStacks', `arn:${p}:cloudformation:${r}:${a}:stack/TestStack/0a1b2c3d-1111-2222-3333-444455556666`],
        ['logs:CreateLogStream', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${fn}:log-stream:2026/12/02/x`],
        ['logs:PutLogEvents', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/${fn}:log-stream:2026/12/02/[$LATEST]abc`],
        ['logs:CreateLogGroup', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/TestStack-ParallelClusterProv-CleanupS3bucketFun-AbC`],
        ['logs:PutLogEvents', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/TestStack-ParallelClusterProv-CleanupS3bucketFun-AbC:log-stream:x`],
        ['xray:PutTraceSegments', '*'],
        ['xray:PutTelemetryRecords', '*'],
      ];
      // The provider adds parallelcluster:custom_resource and the stack's tags to the cluster's Tags, which
      // pcluster puts on the cluster stack: CreateStack must still be allowed with them.
      const createStack = await sim.decision('cloudformation:CreateStack',
        `arn:${p}:cloudformation:${r}:${a}:stack/${NAME}/0a1b2c3d-1111-2222-3333-444455556666`, {
          'aws:TagKeys': ['parallelcluster:cluster-name', 'parallelcluster:version', 'parallelcluster:custom_resource', 'team'],
          'aws:RequestTag/parallelcluster:cluster-name': NAME,
          'aws:RequestTag/parallelcluster:version': '3.16.1',
          'aws:RequestTag/parallelcluster:custom_resource': 'cluster',
          'aws:RequestTag/team': 'genomics',
        });
      expect(createStack).toBe('Allowed');
      const denied: Array<[string, string]> = [
        ['s3:GetObject', `arn:${p}:s3:::payments-data/${NAME}/event.json`],
        ['s3:PutObject', `arn:${p}:s3:::othertack-bucket/x`],
        ['events:PutRule', `arn:${p}:events:${r}:${a}:rule/SomeoneElsesRule`],
        ['events:PutTargets', `arn:${p}:events:${r}:${a}:rule/payments-nightly`],
        ['lambda:AddPermission', `arn:${p}:lambda:${r}:${a}:function:payments-api`],
        // (cloudformation:DescribeStacks stays account-wide in the user policy: pcluster list-clusters needs it.)
        ['logs:PutLogEvents', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/payments-api:log-stream:x`],
      ];
      const decide = (rows: Array<[string, string]>) => Promise.all(rows.map(([action, resource]) => sim.decision(action, resource)));
      const yes = await decide(allowed);
      expect(allowed.filter((_, i) => yes[i] !== 'Allowed')).toEqual([]);
      const no = await decide(denied);
      expect(denied.filter((_, i) => no[i] === 'Allowed')).toEqual([]);
    });

    test('may pass only this cluster\'s roles', async () => {
      const { partition: p, account: a } = env;
      const ec2 = p === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com';
      const ctx = { 'iam:PassedToService': ec2 };
      for (const role of [cluster.iam.headNodeRole.role, cluster.iam.computeNodeRoles.compute.role]) {
        expect(await sim.decision('iam:PassRole', arnOf(role), ctx)).toBe('Allowed');
      }
      for (const other of ['Admin', 'team-b/HeadNode', 'parallelcluster-evil/HeadNode', 'parallelcluster/hpc-2/HeadNode', 'parallelcluster/HeadNode',
        'cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1']) {
        expect([other, await sim.decision('iam:PassRole', `arn:${p}:iam::${a}:role/${other}`, ctx)]).toEqual([other, expect.not.stringMatching(/^Allowed$/)]);
      }
      // Nor its own role.
      expect(await sim.decision('iam:PassRole', arnOf(cluster.providerRole), { 'iam:PassedToService': 'lambda.amazonaws.com' })).not.toBe('Allowed');
    });

    test('denies the attack matrix (user rows)', async () => {
      const rows = attackRequests({ env, clusterName: NAME, userRoleArn: arnOf(cluster.providerRole) })
        .filter((row) => row.roles.includes('user.restricted'));
      expect(rows.length).toBeGreaterThan(10);
      const decisions = await Promise.all(rows.map((row) => sim.decision(row.action, row.resource, row.context)));
      expect(rows.flatMap((row, i) => (decisions[i] === 'Allowed' ? [`finding ${row.finding}: ${row.what}: ${describeCall(row)}`] : []))).toEqual([]);
    });
  });
});

describe('pass-throughs', () => {
  test('deletionPolicy, suppressValidators, validationFailureLevel and safe extra properties reach the resource', () => {
    const stack = awsStack();
    build(stack, {
      deletionPolicy: ClusterDeletionPolicy.RETAIN,
      suppressValidators: ['type:InstanceProfileValidator'],
      validationFailureLevel: ValidationFailureLevel.WARNING,
      additionalProperties: { Foo: 3 },
    });
    const props = clusterResource(stack).Properties;
    expect(props.DeletionPolicy).toBe('Retain');
    expect(props.SuppressValidators).toEqual(['type:InstanceProfileValidator']);
    expect(props.ValidationFailureLevel).toBe('WARNING');
    expect(props.Foo).toBe('3');
  });

  test.each([
    ['RollbackOnFailure', /every update would fail/],
    ['ForceUpdate', /the create would fail/],
    ['DryRun', /neither function knows/],
    ['Dryrun', /never comes/],
  ])('refuses %s', (key, why) => {
    expect(() => build(awsStack(), { additionalProperties: { [key]: true } })).toThrow(new RegExp(`'${key}'`));
    expect(() => build(awsStack(), { additionalProperties: { [key]: true } })).toThrow(why);
  });

  test('refuses properties the construct sets', () => {
    expect(() => build(awsStack(), { additionalProperties: { ClusterName: 'x' } })).toThrow(/'ClusterName'.*use that prop/);
  });
});

describe('refused at synth', () => {
  test('a cluster name equal to the stack name', () => {
    expect(() => build(awsStack('hpc-1'))).toThrow(/clusterName 'hpc-1' is the name of the stack/);
  });

  test('an invalid or too long name', () => {
    expect(() => build(awsStack(), { clusterName: '1hpc' })).toThrow(/'1hpc' is not a valid ParallelCluster cluster name/);
    expect(() => build(awsStack(), { clusterName: `a${'b'.repeat(60)}` })).toThrow(/at most 60/);
  });

  test('more than 40 characters with Slurm accounting', () => {
    const text = TEXT.replace('    ScaledownIdletime: 10\n', '    ScaledownIdletime: 10\n    Database:\n      Uri: db.example.com:3306\n' +
      '      UserName: slurm\n      PasswordSecretArn: arn:aws:secretsmanager:us-east-1:111122223333:secret:slurm-AbCdEf\n');
    const configuration = ClusterConfiguration.fromYaml(text, 'accounting.yaml');
    expect(() => build(awsStack(), { configuration, clusterName: `a${'b'.repeat(40)}` })).toThrow(/Slurm accounting.*at most 40/);
    expect(() => build(awsStack(), { configuration, clusterName: `a${'b'.repeat(39)}` })).not.toThrow();
  });

  test('a release that is not major.minor.patch, or a revision that does not match it', () => {
    expect(() => build(awsStack(), { parallelClusterRelease: '3.16' })).toThrow(/'3.16' is not a ParallelCluster release/);
    expect(() => build(awsStack(), {
      parallelClusterRelease: '3.15.1', parallelClusterVersion: ParallelClusterVersion.V3_16,
    })).toThrow(/needs V3_15/);
  });

  test('the head node public IP without asking for it; with ElasticIp it is offered', () => {
    const stack = awsStack();
    const configuration = ClusterConfiguration.fromYaml(TEXT.replace('    SubnetId: subnet-0123456789abcdef0\n  Ssh',
      '    SubnetId: subnet-0123456789abcdef0\n    ElasticIp: true\n  Ssh'));
    const cluster = build(stack, { configuration });
    expect(stack.resolve(cluster.headNodePublicIpAddress)['Fn::GetAtt'][1]).toBe('headNode.publicIpAddress');
    expect(clusterResource(stack).Properties.ClusterConfiguration.HeadNode.Networking.ElasticIp).toBe('true');
  });
});

describe('several clusters and releases', () => {
  test('clusters of one stack and release share one provider, whose role carries each cluster\'s policies and rule', () => {
    const stack = awsStack();
    const a = build(stack, {}, 'A');
    const b = build(stack, { clusterName: 'hpc-2' }, 'B');
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::CloudFormation::Stack'))).toHaveLength(1);
    expect(a.providerRole).toBe(b.providerRole);
    const role = t.toJSON().Resources[stack.getLogicalId(a.providerRole.node.defaultChild as CfnElement)];
    expect(role.Properties.ManagedPolicyArns).toHaveLength(a.iam.userRole.managedPolicies.length + b.iam.userRole.managedPolicies.length);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:rule/${stack.getLogicalId(a.resource.node.defaultChild as CfnElement)}\\*`)])] } }),
          Match.objectLike({ Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`:rule/${stack.getLogicalId(b.resource.node.defaultChild as CfnElement)}\\*`)])] } }),
        ]),
      },
    });
  });

  test('too many clusters for the shared provider role\'s managed policy quota are refused at synthesis', () => {
    const stack = awsStack();
    ['a', 'b', 'c', 'd', 'e', 'f'].forEach((x) => build(stack, { clusterName: `hpc-${x}` }, x));
    expect(() => Template.fromStack(stack)).toThrow(/ParallelClusterProvider-3-16-1\/Role\/Role has \d+ managed policies.*another stack/s);
  });

  test('clusters sharing a provider must agree on the permissions boundary', () => {
    const stack = awsStack();
    build(stack, {}, 'A');
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'hpc-boundary');
    expect(() => build(stack, { clusterName: 'hpc-2', permissionsBoundary: boundary }, 'B')).toThrow(/share one provider.*permissionsBoundary/);
  });

  test('the same cluster name twice is refused', () => {
    const stack = awsStack();
    build(stack, {}, 'A');
    expect(() => build(stack, {}, 'B')).toThrow(/named 'hpc-1'/);
  });

  test('another release gets its own provider', () => {
    const stack = awsStack();
    build(stack, {}, 'A');
    build(stack, { clusterName: 'hpc-old', parallelClusterRelease: '3.15.1' }, 'B');
    const urls = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::Stack'))
      .map((r: any) => JSON.stringify(r.Properties.TemplateURL));
    expect(urls.some((u) => u.includes('/parallelcluster/3.16.1/'))).toBe(true);
    expect(urls.some((u) => u.includes('/parallelcluster/3.15.1/'))).toBe(true);
  });
});

describe('warnings', () => {
  test('an environment-agnostic stack synthesizes without warnings', () => {
    const stack = agnosticStack();
    build(stack);
    Template.fromStack(stack);
    expect(Found.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('stack-level tags reach the cluster: acknowledgeable warning', () => {
    const stack = awsStack();
    Tags.of(stack).add('team', 'genomics');
    build(stack);
    Found.fromStack(stack).hasWarning('/TestStack/Hpc', Match.stringLikeRegexp(`team.*cannot change.*${ParallelCluster.STACK_TAGS_WARNING}`));
  });

  test('no tags, no warning', () => {
    const stack = awsStack();
    build(stack);
    expect(Found.fromStack(stack).findWarning('*', Match.stringLikeRegexp('copies the stack\'s tags'))).toEqual([]);
  });

  test('a big static fleet against the one-hour limit', () => {
    const stack = awsStack();
    build(stack, { configuration: ClusterConfiguration.fromYaml(TEXT.replace('MinCount: 0', 'MinCount: 200').replace('MaxCount: 16', 'MaxCount: 300')) });
    Found.fromStack(stack).hasWarning('/TestStack/Hpc', Match.stringLikeRegexp(`200 static instances.*${ParallelCluster.STATIC_FLEET_WARNING}`));
  });
});
