import * as fs from 'fs';
import * as path from 'path';
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { parse } from 'yaml';
import { IamAccessMode, ParallelClusterIam, ParallelClusterIamProps, ParallelClusterVersion, Scheduler } from '../../src';
import { PolicySimulator } from '../support/simulate';
import { AWS, TestEnvironment, agnosticStack, awsStack, ENVIRONMENTS, stackIn } from '../support/stacks';

const EC2 = (env: TestEnvironment) => `ec2.${env.urlSuffix}`;

function arnOf(stack: Stack, role: iam.IRole): string {
  return PolicySimulator.forRole(stack, role).principalArn;
}

function roleLogicalId(stack: Stack, role: iam.IRole): string {
  return stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
}

/** Every role the construct created, and the user role apart. */
function clusterRoles(cluster: ParallelClusterIam): iam.IRole[] {
  return [
    cluster.headNodeRole.role,
    ...cluster.computeNodeRoleList.map((r) => r.role),
    ...(cluster.lambdaFunctionsRole ? [cluster.lambdaFunctionsRole.role] : []),
    ...(cluster.imageBuilderRoles ? [cluster.imageBuilderRoles.instanceRole, cluster.imageBuilderRoles.cleanupLambdaRole] : []),
  ];
}

function full(stack: Stack, props: ParallelClusterIamProps = {}): ParallelClusterIam {
  return new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['cpu', 'gpu'], enableImageBuilder: true, ...props });
}

describe.each(ENVIRONMENTS)('wiring in $partition', (env) => {
  test('the user may pass every role created here to its service, and nothing outside the set', async () => {
    const stack = stackIn(env);
    const cluster = full(stack);
    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    const passes = async (role: iam.IRole, service: string) =>
      user.allows('iam:PassRole', arnOf(stack, role), { 'iam:PassedToService': service });

    expect(await passes(cluster.headNodeRole.role, EC2(env))).toBe(true);
    expect(await passes(cluster.computeNodeRole('cpu').role, EC2(env))).toBe(true);
    expect(await passes(cluster.computeNodeRole('gpu').role, EC2(env))).toBe(true);
    expect(await passes(cluster.lambdaFunctionsRole!.role, 'lambda.amazonaws.com')).toBe(true);
    expect(await passes(cluster.imageBuilderRoles!.instanceRole, EC2(env))).toBe(true);
    expect(await passes(cluster.imageBuilderRoles!.cleanupLambdaRole, 'lambda.amazonaws.com')).toBe(true);
    // Outside the set: another role of the account, the user role itself.
    expect(await user.allows('iam:PassRole', `arn:${env.partition}:iam::${env.account}:role/Admin`,
      { 'iam:PassedToService': EC2(env) })).toBe(false);
    expect(await passes(cluster.userRole.role, EC2(env))).toBe(false);
  });

  test('the head node may pass each queue role, and no role outside the cluster path', async () => {
    const stack = stackIn(env);
    const cluster = full(stack);
    const head = PolicySimulator.forRole(stack, cluster.headNodeRole.role);
    for (const queue of cluster.queueNames) {
      expect(await head.allows('iam:PassRole', arnOf(stack, cluster.computeNodeRole(queue).role), { 'iam:PassedToService': EC2(env) })).toBe(true);
    }
    expect(await head.allows('iam:PassRole', `arn:${env.partition}:iam::${env.account}:role/Admin`, { 'iam:PassedToService': EC2(env) })).toBe(false);
    expect(await head.allows('iam:PassRole', arnOf(stack, cluster.userRole.role), { 'iam:PassedToService': EC2(env) })).toBe(false);
  });

  test('secrets: the user may describe them, the head node may read them, the compute nodes may not', async () => {
    const stack = stackIn(env);
    const secretArn = `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:slurmdb-AbCdEf`;
    const cluster = full(stack, { secrets: [secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret', secretArn)] });
    const other = `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:other-AbCdEf`;
    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    const head = PolicySimulator.forRole(stack, cluster.headNodeRole.role);
    const compute = PolicySimulator.forRole(stack, cluster.computeNodeRole('cpu').role);
    expect(await user.allows('secretsmanager:DescribeSecret', secretArn)).toBe(true);
    expect(await user.allows('secretsmanager:GetSecretValue', secretArn)).toBe(false);
    expect(await head.allows('secretsmanager:GetSecretValue', secretArn)).toBe(true);
    expect(await head.allows('secretsmanager:GetSecretValue', other)).toBe(false);
    expect(await compute.allows('secretsmanager:GetSecretValue', secretArn)).toBe(false);
  });

  test('additionalIamPolicies: on the head and compute roles, and in the user allow-list (privileged mode)', async () => {
    const stack = stackIn(env);
    const extra = new iam.ManagedPolicy(stack, 'Extra', { managedPolicyName: 'team-software', statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const cluster = full(stack, { additionalIamPolicies: [extra], iamAccessMode: IamAccessMode.privileged() });
    const template = Template.fromStack(stack);
    const extraRef = { Ref: stack.getLogicalId(extra.node.defaultChild as iam.CfnManagedPolicy) };
    const attached = (role: iam.IRole) => (template.toJSON().Resources[roleLogicalId(stack, role)].Properties.ManagedPolicyArns as unknown[])
      .some((arn) => JSON.stringify(arn) === JSON.stringify(extraRef));
    expect(attached(cluster.headNodeRole.role)).toBe(true);
    expect(attached(cluster.computeNodeRole('cpu').role)).toBe(true);
    expect(attached(cluster.computeNodeRole('gpu').role)).toBe(true);
    expect(attached(cluster.lambdaFunctionsRole!.role)).toBe(false);
    expect(attached(cluster.imageBuilderRoles!.instanceRole)).toBe(false);

    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    const onPath = `arn:${env.partition}:iam::${env.account}:role/parallelcluster/MyClusterRole`;
    expect(await user.allows('iam:AttachRolePolicy', onPath, { 'iam:PolicyARN': `arn:${env.partition}:iam::${env.account}:policy/team-software` })).toBe(true);
    expect(await user.allows('iam:AttachRolePolicy', onPath, { 'iam:PolicyARN': `arn:${env.partition}:iam::${env.account}:policy/other` })).toBe(false);
  });
});

describe('paths and boundaries', () => {
  test('one shared iamPath for every cluster role and instance profile; the user role stays outside it', async () => {
    const stack = awsStack();
    const cluster = full(stack, { iamPath: '/hpc/team-a/' });
    const template = Template.fromStack(stack).toJSON();
    for (const role of clusterRoles(cluster)) {
      expect(template.Resources[roleLogicalId(stack, role)].Properties.Path).toBe('/hpc/team-a/');
    }
    expect(template.Resources[roleLogicalId(stack, cluster.userRole.role)].Properties.Path).toBe('/');
    const profiles = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::InstanceProfile');
    expect(profiles.length).toBe(4); // head node, two queues, image build
    expect(profiles.every((p: any) => p.Properties.Path === '/hpc/team-a/')).toBe(true);

    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    expect(arnOf(stack, cluster.headNodeRole.role)).toMatch(/^arn:aws:iam::111122223333:role\/hpc\/team-a\//);
    expect(await user.allows('iam:PassRole', arnOf(stack, cluster.headNodeRole.role), { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/x', { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
  });

  test("permissions-boundary mode: every cluster role carries the mode's boundary, the user role none", () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');
    const cluster = full(stack, { iamAccessMode: IamAccessMode.permissionsBoundary(boundary) });
    const template = Template.fromStack(stack).toJSON();
    const expected = stack.resolve(boundary.managedPolicyArn);
    for (const role of clusterRoles(cluster)) {
      expect(template.Resources[roleLogicalId(stack, role)].Properties.PermissionsBoundary).toEqual(expected);
    }
    expect(template.Resources[roleLogicalId(stack, cluster.userRole.role)].Properties.PermissionsBoundary).toBeUndefined();
    expect(cluster.permissionsBoundary).toBe(boundary);
  });

  test('permissionsBoundary (privileged mode): every role created here carries it, the user role included', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');
    const cluster = full(stack, { iamAccessMode: IamAccessMode.privileged(), permissionsBoundary: boundary });
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.keys(roles).length).toBe(clusterRoles(cluster).length + 1);
    for (const role of Object.values(roles)) {
      expect((role as any).Properties.PermissionsBoundary).toEqual(stack.resolve(boundary.managedPolicyArn));
    }
  });

  test('the same boundary given twice is accepted', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');
    const again = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Again', 'HpcBoundary');
    expect(() => full(stack, { iamAccessMode: IamAccessMode.permissionsBoundary(boundary), permissionsBoundary: again })).not.toThrow();
  });

  test('two different boundaries are an error', () => {
    const stack = awsStack();
    const a = iam.ManagedPolicy.fromManagedPolicyName(stack, 'A', 'BoundaryA');
    const b = iam.ManagedPolicy.fromManagedPolicyName(stack, 'B', 'BoundaryB');
    expect(() => full(stack, { iamAccessMode: IamAccessMode.permissionsBoundary(a), permissionsBoundary: b }))
      .toThrow('permissionsBoundary "arn:aws:iam::111122223333:policy/BoundaryB" differs from the boundary of IamAccessMode.permissionsBoundary "arn:aws:iam::111122223333:policy/BoundaryA"');
  });

  test('lambdaFunctionsInVpc reaches the Lambda functions role and the image cleanup role', () => {
    const stack = awsStack();
    const cluster = full(stack, { lambdaFunctionsInVpc: true });
    const template = Template.fromStack(stack).toJSON();
    const vpcPolicy = (role: iam.IRole) => JSON.stringify(template.Resources[roleLogicalId(stack, role)].Properties.ManagedPolicyArns)
      .includes('service-role/AWSLambdaVPCAccessExecutionRole');
    expect(vpcPolicy(cluster.lambdaFunctionsRole!.role)).toBe(true);
    expect(vpcPolicy(cluster.imageBuilderRoles!.cleanupLambdaRole)).toBe(true);
    expect(vpcPolicy(cluster.headNodeRole.role)).toBe(false);

    const without = awsStack();
    const plain = full(without);
    const plainLambda = Template.fromStack(without).toJSON().Resources[roleLogicalId(without, plain.lambdaFunctionsRole!.role)];
    expect(JSON.stringify(plainLambda.Properties.ManagedPolicyArns ?? []))
      .not.toContain('AWSLambdaVPCAccessExecutionRole');
  });

  test('FSx: the user may create file systems and use the data repository bucket', async () => {
    const stack = awsStack();
    const cluster = full(stack, { enableFsxLustre: true, fsxDataRepositoryBuckets: [s3.Bucket.fromBucketName(stack, 'Data', 'hpc-data')] });
    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    expect(await user.allows('s3:GetObject', 'arn:aws:s3:::hpc-data/input.dat')).toBe(true);
    expect(await user.allows('s3:GetObject', 'arn:aws:s3:::other-bucket/input.dat')).toBe(false);
  });
});

describe('roles and names', () => {
  test('defaults: one queue named compute, no image roles, restricted mode', () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster');
    expect(cluster.queueNames).toEqual(['compute']);
    expect(Object.keys(cluster.computeNodeRoles)).toEqual(['compute']);
    expect(cluster.computeNodeRoleList).toEqual([cluster.computeNodeRole('compute')]);
    expect(cluster.imageBuilderRoles).toBeUndefined();
    expect(cluster.imageConfigOutput).toBeUndefined();
    expect(cluster.userRole.iamAccessMode.name).toBe('restricted');
    expect(() => cluster.imageConfig()).toThrow('Cluster has no image build roles: set enableImageBuilder to true');
    expect(() => cluster.computeNodeRole('gpu')).toThrow("There is no Slurm queue 'gpu': the queues are 'compute'.");
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 4);
  });

  test('in a concrete environment the cluster roles get stable names within IAM limits; the user role does not', () => {
    const names = () => {
      const stack = awsStack('AStackWithAVeryLongNameThatMustBeCut');
      const cluster = new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['a'.repeat(25)], enableImageBuilder: true });
      const template = Template.fromStack(stack).toJSON();
      return [...clusterRoles(cluster), cluster.userRole.role].map((r) => template.Resources[roleLogicalId(stack, r)].Properties.RoleName);
    };
    const first = names();
    expect(first.slice(0, -1).every((n) => /^[\w+=,.@-]{1,64}$/.test(n))).toBe(true);
    expect(first[0]).toMatch(/^AStackWithAVeryLongNameThatMustBeCut-Cluster-HeadNode-[0-9A-F]{8}$/);
    // The longest kind: the stack and construct part is cut so that the name has 64 characters.
    expect(first[1]).toMatch(new RegExp(`^AStackWithAVeryLongName-Queue-${'a'.repeat(25)}-[0-9A-F]{8}$`));
    expect(first[1].length).toBe(64);
    expect(first[2]).toMatch(/^AStackWithAVeryLongNameThatMustBeCut-Cl-LambdaFunctions-[0-9A-F]{8}$/);
    expect(first[3]).toMatch(/-ImageBuild-[0-9A-F]{8}$/);
    expect(first[4]).toMatch(/-ImageCleanup-[0-9A-F]{8}$/);
    expect(new Set(first).size).toBe(first.length);
    expect(first[first.length - 1]).toBeUndefined();
    expect(names()).toEqual(first);
  });

  test('the names differ between regions, so one stack may be deployed to several', () => {
    const name = (env: TestEnvironment) => {
      const stack = stackIn(env);
      const cluster = new ParallelClusterIam(stack, 'Cluster');
      return Template.fromStack(stack).toJSON().Resources[roleLogicalId(stack, cluster.headNodeRole.role)].Properties.RoleName;
    };
    expect(name(AWS)).not.toEqual(name({ ...AWS, region: 'eu-west-1' }));
  });

  test('an environment-agnostic stack leaves the names to CloudFormation', () => {
    const stack = agnosticStack();
    new ParallelClusterIam(stack, 'Cluster');
    for (const role of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))) {
      expect((role as any).Properties.RoleName).toBeUndefined();
    }
  });

  test('AWS Batch: a head node role and a Lambda functions role for Batch, no queue roles', async () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster', { parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged() });
    expect(cluster.queueNames).toEqual([]);
    expect(cluster.computeNodeRoleList).toEqual([]);
    expect(cluster.headNodeRole.scheduler).toBe(Scheduler.AWS_BATCH);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 3);
    // The Lambda functions run the Batch cluster's functions (container image builds), not the Slurm ones.
    const lambda = PolicySimulator.forRole(stack, cluster.lambdaFunctionsRole.role);
    expect(await lambda.allows('codebuild:StartBuild', `arn:aws:codebuild:us-east-1:${stack.account}:project/pcluster-c-build-docker-images-project`)).toBe(true);
    expect(await lambda.allows('ec2:TerminateInstances', '*', { 'ec2:ResourceTag/parallelcluster:node-type': 'Compute' })).toBe(false);
  });

  test('login node pools: one role per pool on the path, in the fragment, refused for AWS Batch and with bad names', async () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster', { loginNodePools: ['login', 'login-gpu'] });
    expect(cluster.loginNodePoolNames).toEqual(['login', 'login-gpu']);
    const login = cluster.loginNodeRoles.login;
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: stack.resolve((login.role.node.defaultChild as iam.CfnRole).roleName),
      Path: '/parallelcluster/',
    });
    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    expect(await user.allows('iam:PassRole', arnOf(stack, login.role), { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true);
    expect(parse(cluster.clusterConfig()).LoginNodes.Pools.map((p: any) => p.Name)).toEqual(['login', 'login-gpu']);
    expect(() => new ParallelClusterIam(awsStack(), 'Batch', { parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(), loginNodePools: ['login'] }))
      .toThrow(/loginNodePools is \[login\] but the scheduler is Scheduler.AWS_BATCH/);
    expect(() => new ParallelClusterIam(awsStack(), 'Bad', { loginNodePools: ['Login'] })).toThrow(/login node pool name 'Login' is invalid/);
    expect(() => new ParallelClusterIam(awsStack(), 'Default', { slurmQueues: ['default'] })).toThrow(/Slurm queue name 'default' is invalid: .*not 'default'/);
  });
});

describe('configuration fragments', () => {
  // The output's value as CloudFormation would resolve it (the simulator's fake ARNs are the real ones
  // for named roles).
  function resolvedOutput(stack: Stack, cluster: ParallelClusterIam, output: CfnOutput): string {
    const value = Template.fromStack(stack).toJSON().Outputs[stack.resolve(output.logicalId)].Value;
    return PolicySimulator.forRole(stack, cluster.headNodeRole.role).evaluate(value);
  }

  test('Slurm: the output resolves to the exact Iam structure, with the boundary and no AdditionalIamPolicies', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');
    const extra = new iam.ManagedPolicy(stack, 'Extra', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    const cluster = full(stack, { iamAccessMode: IamAccessMode.permissionsBoundary(boundary), additionalIamPolicies: [extra] });
    const text = resolvedOutput(stack, cluster, cluster.clusterConfigOutput);
    expect(parse(text)).toEqual({
      Iam: {
        Roles: { LambdaFunctionsRole: arnOf(stack, cluster.lambdaFunctionsRole!.role) },
        PermissionsBoundary: 'arn:aws:iam::111122223333:policy/HpcBoundary',
      },
      HeadNode: { Iam: { InstanceRole: arnOf(stack, cluster.headNodeRole.role) } },
      Scheduling: {
        Scheduler: 'slurm',
        SlurmQueues: [
          { Name: 'cpu', Iam: { InstanceRole: arnOf(stack, cluster.computeNodeRole('cpu').role) } },
          { Name: 'gpu', Iam: { InstanceRole: arnOf(stack, cluster.computeNodeRole('gpu').role) } },
        ],
      },
    });
    expect(text).not.toContain('AdditionalIamPolicies');
  });

  test('image build: Build/Iam with the instance role, the cleanup role and the boundary', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary');
    const cluster = full(stack, { iamAccessMode: IamAccessMode.permissionsBoundary(boundary) });
    const text = resolvedOutput(stack, cluster, cluster.imageConfigOutput!);
    expect(parse(text)).toEqual({
      Build: {
        Iam: {
          InstanceRole: arnOf(stack, cluster.imageBuilderRoles!.instanceRole),
          CleanupLambdaRole: arnOf(stack, cluster.imageBuilderRoles!.cleanupLambdaRole),
          PermissionsBoundary: 'arn:aws:iam::111122223333:policy/HpcBoundary',
        },
      },
    });
  });

  test('AWS Batch: the Lambda functions role, the head node role and the scheduler', () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster', { parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged() });
    expect(parse(resolvedOutput(stack, cluster, cluster.clusterConfigOutput))).toEqual({
      Iam: { Roles: { LambdaFunctionsRole: arnOf(stack, cluster.lambdaFunctionsRole.role) } },
      HeadNode: { Iam: { InstanceRole: arnOf(stack, cluster.headNodeRole.role) } },
      Scheduling: { Scheduler: 'awsbatch' },
    });
  });

  test('the method returns the same YAML as the output, with tokens', () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster');
    expect(cluster.clusterConfig()).toMatch(/InstanceRole: "\$\{Token\[/);
    Template.fromStack(stack).hasOutput(stack.resolve(cluster.clusterConfigOutput.logicalId), {
      Value: stack.resolve(cluster.clusterConfig()),
      Description: Match.stringLikeRegexp('Iam settings of the ParallelCluster cluster configuration'),
    });
  });
});

describe('files in the cloud assembly', () => {
  function synth(stack: Stack): string {
    return (stack.node.root as App).synth().directory;
  }

  test('a concrete environment: the config files (with the ARNs as text) and the report are written', () => {
    const stack = awsStack('FilesStack');
    const cluster = full(stack);
    const outdir = synth(stack);
    const config = fs.readFileSync(path.join(outdir, 'FilesStack.pcluster-config.yaml'), 'utf-8');
    expect(parse(config).HeadNode.Iam.InstanceRole).toBe(arnOf(stack, cluster.headNodeRole.role));
    expect(config).toContain(`InstanceRole: ${arnOf(stack, cluster.headNodeRole.role)}\n`);
    const image = parse(fs.readFileSync(path.join(outdir, 'FilesStack.pcluster-image-config.yaml'), 'utf-8'));
    expect(image.Build.Iam.CleanupLambdaRole).toBe(arnOf(stack, cluster.imageBuilderRoles!.cleanupLambdaRole));
    const report = fs.readFileSync(path.join(outdir, 'FilesStack.iam-report.md'), 'utf-8');
    expect(report.startsWith('# IAM permissions report: FilesStack/Cluster\n')).toBe(true);
    expect(report).toContain(`- ARN: \`${arnOf(stack, cluster.headNodeRole.role)}\``);
    expect(report).toMatch(/\n## Role `FilesStack-Cluster-HeadNode-[0-9A-F]{8}`: `HeadNode\/Iam\/InstanceRole` \(`FilesStack\/Cluster\/HeadNodeRole\/Role\/Resource`\)\n/);
    expect(report).toContain('## Role `FilesStack-*` (name generated by CloudFormation): the user role: the ParallelCluster CLI or API runs as it (`FilesStack/Cluster/UserRole/Role/Resource`)');
    expect(report).toContain('| `FilesStack-Cluster-ImageCleanup-8634E06B` | `Build/Iam/CleanupLambdaRole` (build-image configuration) | `FilesStack/Cluster/ImageBuilderRoles/CleanupLambdaRole/Resource` |');
  });

  test('the report is deterministic: the same app gives the same bytes', () => {
    const report = () => {
      const stack = awsStack('FilesStack');
      full(stack);
      return fs.readFileSync(path.join(synth(stack), 'FilesStack.iam-report.md'));
    };
    expect(report().equals(report())).toBe(true);
  });

  test('an environment-agnostic stack: no config file, a warning that says why; the report is still written', () => {
    const stack = agnosticStack('FilesStack');
    new ParallelClusterIam(stack, 'Cluster');
    const outdir = synth(stack);
    expect(fs.existsSync(path.join(outdir, 'FilesStack.pcluster-config.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'FilesStack.iam-report.md'))).toBe(true);
    Annotations.fromStack(stack).hasWarning('/FilesStack/Cluster', Match.stringLikeRegexp(
      '^FilesStack.pcluster-config.yaml was not written to the cloud assembly: \\$\\{ClusterLambdaFunctionsRole[0-9A-F]{8}\\.Arn\\}, ' +
      '\\$\\{ClusterHeadNodeRole[0-9A-F]{8}\\.Arn\\}, \\$\\{ClusterComputeNodeRolecomputeRole[0-9A-F]{8}\\.Arn\\} are only known at deployment\\. ' +
      'Give the stack a concrete account and region'));
  });

  test('two constructs in one stack get a file set each', () => {
    const stack = awsStack('FilesStack');
    new ParallelClusterIam(stack, 'A');
    new ParallelClusterIam(stack, 'B');
    const files = fs.readdirSync(synth(stack)).filter((f) => f.endsWith('.yaml') || f.endsWith('.md')).sort();
    expect(files).toEqual(['FilesStack.A.iam-report.md', 'FilesStack.A.pcluster-config.yaml', 'FilesStack.B.iam-report.md', 'FilesStack.B.pcluster-config.yaml']);
  });
});

describe('bad input', () => {
  test.each(['CPU', '1cpu', 'cpu_1', 'a'.repeat(26)])('refuses the queue name %j', (name) => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: [name] }))
      .toThrow(`Slurm queue name '${name}' is invalid: ParallelCluster accepts lower-case letters, digits and hyphens, starting with a letter, at most 25 characters`);
  });

  test('refuses duplicate queue names', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: ['cpu', 'gpu', 'cpu'] }))
      .toThrow("Slurm queue name 'cpu' is given more than once");
  });

  test('refuses an empty queue list for Slurm', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { slurmQueues: [] })).toThrow('slurmQueues is empty');
  });

  test('refuses slurmQueues with AWS Batch', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', {
      parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(), slurmQueues: ['cpu'],
    })).toThrow('slurmQueues is [cpu] but the scheduler is Scheduler.AWS_BATCH');
  });

  test('refuses restricted mode with AWS Batch', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { parallelClusterVersion: ParallelClusterVersion.V3_15, scheduler: Scheduler.AWS_BATCH }))
      .toThrow('The scheduler is Scheduler.AWS_BATCH but iamAccessMode is restricted');
  });

  test('refuses an invalid iamPath', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { iamPath: 'parallelcluster' })).toThrow("iamPath 'parallelcluster' is not a valid IAM path");
  });

  test('more than 10 managed policies on a role fails synthesis', () => {
    const stack = awsStack();
    const policies = Array.from({ length: 8 }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `extra-${i}`));
    new ParallelClusterIam(stack, 'Cluster', { additionalIamPolicies: policies });
    expect(() => Template.fromStack(stack)).toThrow(/Role TestStack\/Cluster\/HeadNodeRole\/Role has 1[1-9] managed policies, more than the 10 IAM allows per role by default/);
  });

  test('7 additional policies still fit the head node role', () => {
    const stack = awsStack();
    const policies = Array.from({ length: 6 }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `extra-${i}`));
    new ParallelClusterIam(stack, 'Cluster', { additionalIamPolicies: policies });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('clusterName', () => {
  test('every role is scoped to the cluster and the fragment names it', async () => {
    const stack = awsStack();
    const cluster = new ParallelClusterIam(stack, 'Cluster', { clusterName: 'team-a-1', hostedZoneId: 'Z0AAAA' });
    expect(cluster.clusterName).toBe('team-a-1');
    expect(cluster.clusterConfig().startsWith("# IAM roles built for the cluster 'team-a-1' only")).toBe(true);
    expect(cluster.clusterConfig()).toContain('pcluster create-cluster --cluster-name team-a-1');
    const table = (name: string) => `arn:aws:dynamodb:us-east-1:111122223333:table/parallelcluster-${name}`;
    for (const role of [cluster.headNodeRole.role, cluster.computeNodeRole('compute').role]) {
      const sim = PolicySimulator.forRole(stack, role);
      expect(await sim.allows('dynamodb:PutItem', table('team-a-1'))).toBe(true);
      expect(await sim.allows('dynamodb:PutItem', table('team-b-1'))).toBe(false);
    }
    const user = PolicySimulator.forRole(stack, cluster.userRole.role);
    expect(await user.allows('dynamodb:DeleteTable', table('team-a-1'))).toBe(true);
    expect(await user.allows('dynamodb:DeleteTable', table('team-a-2'))).toBe(false);
  });

  test('without clusterName the fragment has no comment', () => {
    expect(new ParallelClusterIam(awsStack(), 'Cluster').clusterConfig().startsWith('#')).toBe(false);
  });

  test('bad values are synth errors naming them', () => {
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { clusterName: 'team-*' }))
      .toThrow(/clusterName 'team-\*' is not a valid ParallelCluster cluster name/);
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', { hostedZoneId: 'Z0AAAA' }))
      .toThrow(/hostedZoneId 'Z0AAAA' is set but clusterName is not/);
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', {
      clusterName: 'c',
      hostedZoneId: 'Z0AAAA',
      scheduler: Scheduler.AWS_BATCH,
      iamAccessMode: IamAccessMode.privileged(),
      parallelClusterVersion: ParallelClusterVersion.V3_15,
    })).toThrow(/only Slurm clusters have a hosted zone/);
    // At a revision without AWS Batch, the scheduler itself is refused first.
    expect(() => new ParallelClusterIam(awsStack(), 'Cluster', {
      clusterName: 'c', hostedZoneId: 'Z0AAAA', scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(),
    })).toThrow(/ParallelCluster 3.16.0 removed the AWS Batch scheduler/);
  });
});
