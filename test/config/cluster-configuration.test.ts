import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { parse } from 'yaml';
import {
  ClusterConfiguration,
  IamAccessMode,
  ImageConfiguration,
  ParallelClusterIam,
  ParallelClusterIamProps,
  ParallelClusterVersion,
  Scheduler,
} from '../../src';
import { OwnRole, isOwnRole } from '../../src/private/library-role';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, agnosticStack, stackIn } from '../support/stacks';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'cluster-config.yaml');
const exampleText = () => fs.readFileSync(EXAMPLE, 'utf-8');

/** The example config moved to another partition and account: its ARNs and region follow the stack. */
function exampleFor(env: TestEnvironment): ClusterConfiguration {
  const text = exampleText()
    .replace(/arn:aws:/g, `arn:${env.partition}:`)
    .replace(/123456789012/g, env.account)
    .replace(/us-east-1/g, env.region);
  return ClusterConfiguration.fromYaml(text, 'cluster-config.yaml');
}

// Cloud assemblies of synthesized test apps, removed after the tests.
const assemblies: string[] = [];
afterAll(() => assemblies.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
function synth(stack: Stack) {
  const assembly = (stack.node.root as App).synth();
  assemblies.push(assembly.directory);
  return assembly;
}

function cluster(stack: Stack, props: ParallelClusterIamProps): ParallelClusterIam {
  return new ParallelClusterIam(stack, 'Cluster', props);
}

const s3Object = (env: TestEnvironment, bucketAndKey: string) => `arn:${env.partition}:s3:::${bucketAndKey}`;
const secret = (env: TestEnvironment, name: string) => `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${name}`;

describe.each(ENVIRONMENTS)('roles derived from the example configuration in $partition', (env) => {
  const stack = stackIn(env);
  const iamConstruct = cluster(stack, { configuration: exampleFor(env) });
  const head = PolicySimulator.forRole(stack, iamConstruct.headNodeRole.role);
  const queue = (name: string) => PolicySimulator.forRole(stack, iamConstruct.computeNodeRole(name).role);
  const login = PolicySimulator.forRole(stack, iamConstruct.loginNodeRoles.login.role);
  const user = PolicySimulator.forRole(stack, iamConstruct.userRole.role);

  test('one compute role per queue and one login role per pool, from the file', () => {
    expect(iamConstruct.queueNames).toEqual(['cpu', 'gpu-spot', 'highmem']);
    expect(iamConstruct.loginNodePoolNames).toEqual(['login']);
    expect(iamConstruct.scheduler).toBe(Scheduler.SLURM);
  });

  test("each queue's custom action objects are readable by that queue's role only", async () => {
    const scripts: Record<string, string[]> = {
      'cpu': ['genomics-hpc-bootstrap/compute/cpu-setup.sh'],
      'gpu-spot': [
        'genomics-hpc-bootstrap/compute/gpu-drivers.sh',
        'genomics-hpc-bootstrap/compute/gpu-setup.sh',
        'genomics-hpc-bootstrap/compute/gpu-models.json',
      ],
      'highmem': [],
    };
    const all = Object.values(scripts).flat();
    for (const name of Object.keys(scripts)) {
      for (const object of all) {
        expect([name, object, await queue(name).allows('s3:GetObject', s3Object(env, object))])
          .toEqual([name, object, scripts[name].includes(object)]);
      }
      // Never the rest of the bucket, never writes.
      expect(await queue(name).allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/head/configure.sh'))).toBe(false);
      expect(await queue(name).allows('s3:PutObject', s3Object(env, 'genomics-hpc-bootstrap/compute/cpu-setup.sh'))).toBe(false);
    }
    for (const object of all) {
      expect(await head.allows('s3:GetObject', s3Object(env, object))).toBe(false);
      expect(await login.allows('s3:GetObject', s3Object(env, object))).toBe(false);
    }
  });

  test('the head node reads its script and its s3:// argument; the login pool reads its own script', async () => {
    expect(await head.allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/head/configure.sh'))).toBe(true);
    expect(await head.allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/head/sssd-overrides.conf'))).toBe(true);
    expect(await head.allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/login/motd.sh'))).toBe(false);
    expect(await login.allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/login/motd.sh'))).toBe(true);
    expect(await login.allows('s3:GetObject', s3Object(env, 'genomics-hpc-bootstrap/head/configure.sh'))).toBe(false);
  });

  test('each secret: GetSecretValue for the head node only, DescribeSecret for the user (and the munge key\'s value, issue 19)', async () => {
    for (const name of ['slurm-accounting-password-AbCdEf', 'slurm-munge-key-GhIjKl']) {
      expect(await head.allows('secretsmanager:GetSecretValue', secret(env, name))).toBe(true);
      expect(await queue('cpu').allows('secretsmanager:GetSecretValue', secret(env, name))).toBe(false);
      expect(await login.allows('secretsmanager:GetSecretValue', secret(env, name))).toBe(false);
      expect(await user.allows('secretsmanager:DescribeSecret', secret(env, name))).toBe(true);
      // ParallelCluster's munge key validator reads the key with the user's credentials (secret_validators.py:34-54).
      expect(await user.allows('secretsmanager:GetSecretValue', secret(env, name))).toBe(name.startsWith('slurm-munge-key'));
    }
    expect(await head.allows('secretsmanager:GetSecretValue', secret(env, 'other-AbCdEf'))).toBe(false);
  });

  test('S3Access per queue: the right queue, bucket, keys and write access', async () => {
    const results = s3Object(env, 'genomics-results/cpu/run1.bam');
    const gpuResults = s3Object(env, 'genomics-results/gpu/run1.bam');
    const reference = s3Object(env, 'genomics-reference-data/hg38/chr1.fa');
    expect(await queue('cpu').allows('s3:GetObject', reference)).toBe(true);
    expect(await queue('cpu').allows('s3:PutObject', reference)).toBe(false);
    expect(await queue('cpu').allows('s3:PutObject', results)).toBe(true);
    expect(await queue('cpu').allows('s3:PutObject', gpuResults)).toBe(false);
    expect(await queue('gpu-spot').allows('s3:PutObject', gpuResults)).toBe(true);
    expect(await queue('gpu-spot').allows('s3:GetObject', reference)).toBe(false);
    expect(await queue('highmem').allows('s3:GetObject', reference)).toBe(false);
    expect(await queue('highmem').allows('s3:PutObject', results)).toBe(false);
    // The head node's S3Access has a KeyName: hg38/* only.
    expect(await head.allows('s3:GetObject', reference)).toBe(true);
    expect(await head.allows('s3:GetObject', s3Object(env, 'genomics-reference-data/hg19/chr1.fa'))).toBe(false);
  });

  test('the FSx data repository buckets are the user\'s, with FSx for Lustre', async () => {
    // The file's Region scopes the user's regional permissions to it.
    const inRegion = { 'aws:RequestedRegion': env.region };
    expect(await user.allows('s3:GetObject', s3Object(env, 'genomics-raw-reads/incoming/sample.fastq'), inRegion)).toBe(true);
    expect(await user.allows('s3:PutObject', s3Object(env, 'genomics-results/fsx-export/x'), inRegion)).toBe(true);
    expect(await user.allows('s3:PutObject', s3Object(env, 'some-other-bucket/x'), inRegion)).toBe(false);
    // The cluster stack creates the file system with the stack's tags (issue 18: FSx writes only through
    // CloudFormation, and creations only with the cluster-name tag in the request).
    const created = { ...inRegion, 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'aws:RequestTag/parallelcluster:cluster-name': 'genomics', 'aws:TagKeys': ['parallelcluster:cluster-name'] };
    expect(await user.allows('fsx:CreateFileSystem', `arn:${env.partition}:fsx:${env.region}:${env.account}:file-system/*`, created)).toBe(true);
    expect(await user.allows('fsx:CreateFileSystem', `arn:${env.partition}:fsx:${env.region}:${env.account}:file-system/*`,
      { ...inRegion, 'aws:CalledVia': ['cloudformation.amazonaws.com'] })).toBe(false);
  });

  test('EFS with IamAuthorization: the node roles may mount that file system only', async () => {
    const fs1 = `arn:${env.partition}:elasticfilesystem:${env.region}:${env.account}:file-system/fs-0123456789abcdef0`;
    const other = `arn:${env.partition}:elasticfilesystem:${env.region}:${env.account}:file-system/fs-0000000000000000f`;
    for (const sim of [head, queue('cpu'), queue('highmem'), login]) {
      expect(await sim.allows('elasticfilesystem:ClientMount', fs1)).toBe(true);
      expect(await sim.allows('elasticfilesystem:ClientWrite', fs1)).toBe(true);
      expect(await sim.allows('elasticfilesystem:ClientMount', other)).toBe(false);
    }
  });

  test('the completed configuration is the whole file, comments kept, with every created role filled in', () => {
    const out = synth(stack).directory;
    const text = fs.readFileSync(path.join(out, `${stack.artifactId}.pcluster-config.yaml`), 'utf-8');
    expect(text).toContain('# GPU work, on Spot.');
    // The comment of the removed S3Access goes with it.
    expect(text).not.toContain('# Reference data the head node stages for jobs.');
    expect(text).toContain('# Slurm accounting in an RDS database; the password is a Secrets Manager secret.');
    const doc = parse(text);
    const original = parse(exampleFor(env).toYaml());
    expect(doc.HeadNode.Iam).toEqual({ InstanceRole: expect.stringMatching(new RegExp(`^arn:${env.partition}:iam::${env.account}:role/parallelcluster/`)) });
    expect(doc.Scheduling.SlurmQueues.map((q: any) => Object.keys(q.Iam))).toEqual([['InstanceRole'], ['InstanceRole'], ['InstanceRole']]);
    expect(doc.LoginNodes.Pools[0].Iam.InstanceRole).toMatch(/role\/parallelcluster\//);
    expect(doc.Iam.Roles.LambdaFunctionsRole).toMatch(/role\/parallelcluster\//);
    // Everything but the Iam sections is the user's.
    const strip = (d: any) => {
      const copy = JSON.parse(JSON.stringify(d));
      delete copy.Iam;
      delete copy.HeadNode.Iam;
      copy.Scheduling.SlurmQueues.forEach((q: any) => delete q.Iam);
      copy.LoginNodes.Pools.forEach((p: any) => delete p.Iam);
      return copy;
    };
    expect(strip(doc)).toEqual(strip(original));
    expect(Object.keys(doc)).toEqual([...Object.keys(original), 'Iam']);
    // The report says what the file implied.
    const report = fs.readFileSync(path.join(out, `${stack.artifactId}.iam-report.md`), 'utf-8');
    expect(report).toContain('## Derived from the configuration');
    expect(report).toContain('Scheduling/SlurmSettings/MungeKeySecretArn');
  });
});

describe('sections that name their own role', () => {
  const text = `
Region: us-east-1
HeadNode:
  InstanceType: t3.medium
  Iam:
    InstanceRole: arn:aws:iam::111122223333:role/custom/MyHeadNode
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: own
      Iam:
        InstanceProfile: arn:aws:iam::111122223333:instance-profile/custom/MyProfile
    - Name: created
      Iam:
        AdditionalIamPolicies:
          - Policy: arn:aws:iam::111122223333:policy/JobPolicy
`;

  test('are kept, get no role, and the report says so; the others are created', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    // The head node role is off the cluster path: accepted on purpose (issue 18, finding 1).
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(text), allowExternalRoles: true });
    expect(Object.keys(c.computeNodeRoles)).toEqual(['created']);
    expect(() => c.headNodeRole).toThrow(/no head node role/);
    const completed = parse(c.clusterConfig());
    expect(completed.HeadNode.Iam).toEqual({ InstanceRole: 'arn:aws:iam::111122223333:role/custom/MyHeadNode' });
    expect(completed.Scheduling.SlurmQueues[0].Iam).toEqual({ InstanceProfile: 'arn:aws:iam::111122223333:instance-profile/custom/MyProfile' });
    // AdditionalIamPolicies moved onto the created role, and out of the file.
    expect(Object.keys(completed.Scheduling.SlurmQueues[1].Iam)).toEqual(['InstanceRole']);
    const role = c.computeNodeRole('created').role.node.defaultChild as iam.CfnRole;
    expect(JSON.stringify(stack.resolve(role.managedPolicyArns))).toContain('policy/JobPolicy');
    // The user may pass the head node role the file names.
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/custom/MyHeadNode', { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true);
    // To EC2 only: not to Lambda, where the user could run a function of their own as it.
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/custom/MyHeadNode', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(false);
    // Without the opt-in, the file's line and setting are named.
    expect(() => cluster(stackIn(ENVIRONMENTS[0]), { configuration: ClusterConfiguration.fromYaml(text) }))
      .toThrow(/^cluster-config\.yaml:\d+: HeadNode\/Iam\/InstanceRole is 'arn:aws:iam::111122223333:role\/custom\/MyHeadNode', which is on the path '\/custom\/'/);
    const out = synth(stack).directory;
    const report = fs.readFileSync(path.join(out, `${stack.artifactId}.iam-report.md`), 'utf-8');
    expect(report).toContain('HeadNode/Iam/InstanceRole is set in cluster-config.yaml: it is kept, and no role is created for the head node');
    expect(report).toContain("Scheduling/SlurmQueues[0]/Iam/InstanceProfile is set in cluster-config.yaml: it is kept, and no role is created for queue 'own'");
  });
});

describe('settings of the Iam section', () => {
  const base = (iamSection: string, extra = '') => `
${iamSection}
HeadNode:
  InstanceType: t3.medium
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: q
${extra}`;

  test('PermissionsBoundary goes on every cluster role and back into the file', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(base('Iam:\n  PermissionsBoundary: arn:aws:iam::111122223333:policy/Boundary')),
    });
    const role = c.computeNodeRole('q').role.node.defaultChild as iam.CfnRole;
    expect(stack.resolve(role.permissionsBoundary)).toBe('arn:aws:iam::111122223333:policy/Boundary');
    expect(parse(c.clusterConfig()).Iam.PermissionsBoundary).toBe('arn:aws:iam::111122223333:policy/Boundary');
    // Not on the user role: the file's boundary is for the cluster's roles.
    expect((c.userRole.role.node.defaultChild as iam.CfnRole).permissionsBoundary).toBeUndefined();
  });

  test('a boundary in the file that differs from the mode\'s is an error naming the line', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'B', 'arn:aws:iam::111122223333:policy/Other');
    expect(() => cluster(stack, {
      iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
      configuration: ClusterConfiguration.fromYaml(base('Iam:\n  PermissionsBoundary: arn:aws:iam::111122223333:policy/Boundary')),
    })).toThrow(/^cluster-config.yaml:3: Iam\/PermissionsBoundary is '.*Boundary' but the construct's permissions boundary is '.*Other'/);
  });

  test('ResourcePrefix puts the roles on its path with its name prefix', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(base('Iam:\n  ResourcePrefix: /genomics/gx-')) });
    expect(c.iamPath).toBe('/genomics/');
    const role = c.computeNodeRole('q').role.node.defaultChild as iam.CfnRole;
    expect(role.path).toBe('/genomics/');
    expect(role.roleName).toMatch(/^gx-Queue-q-[0-9A-F]{8}$/);
    expect(() => cluster(stackIn(ENVIRONMENTS[0]), {
      iamPath: '/other/', configuration: ClusterConfiguration.fromYaml(base('Iam:\n  ResourcePrefix: /genomics/gx-')),
    })).toThrow(/cluster-config.yaml:3: Iam\/ResourcePrefix puts ParallelCluster's roles on '\/genomics\/' but the iamPath prop is '\/other\/'/);
  });

  test('LambdaFunctionsVpcConfig gives the Lambda role VPC access', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(base('', 'DeploymentSettings:\n  LambdaFunctionsVpcConfig:\n    SubnetIds: [subnet-12345678]\n    SecurityGroupIds: [sg-12345678]')),
    });
    const role = c.lambdaFunctionsRole.role.node.defaultChild as iam.CfnRole;
    expect(JSON.stringify(stack.resolve(role.managedPolicyArns))).toContain('AWSLambdaVPCAccessExecutionRole');
  });
});

describe('explicit props beside the configuration', () => {
  const config = () => ClusterConfiguration.fromFile(EXAMPLE);

  test('add to what the file implies', async () => {
    const stack = stackIn(ENVIRONMENTS[0], 'Explicit');
    const extra = secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:extra-AbCdEf');
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(exampleText().replace(/123456789012/g, '111122223333')), secrets: [extra] });
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    expect(await head.allows('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:extra-AbCdEf')).toBe(true);
    expect(await head.allows('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slurm-munge-key-GhIjKl')).toBe(true);
  });

  test.each<[string, ParallelClusterIamProps, RegExp]>([
    ['scheduler', { scheduler: Scheduler.AWS_BATCH }, /cluster-config.yaml:\d+: Scheduling\/Scheduler is 'slurm' but the scheduler prop is 'awsbatch'/],
    ['slurmQueues', { slurmQueues: ['cpu'] }, /Scheduling\/SlurmQueues names the queues \[cpu, gpu-spot, highmem\] but the slurmQueues prop is \[cpu\]/],
    ['loginNodePools', { loginNodePools: [] }, /LoginNodes\/Pools names the pools \[login\]/],
    ['enableFsxLustre', { enableFsxLustre: false }, /SharedStorage has FSx for Lustre storage but the enableFsxLustre prop is false/],
    ['region', { region: 'us-west-2' }, /cluster-config.yaml:5: Region is 'us-east-1' but the region prop is 'us-west-2'/],
    ['login nodes on an old revision', { parallelClusterVersion: ParallelClusterVersion.V3_6 }, /LoginNodes is set but parallelClusterVersion is V3_6/],
  ])('a conflicting %s is a synth error naming the file, line and path', (_name, props, error) => {
    const stack = stackIn(ENVIRONMENTS[0]);
    expect(() => cluster(stack, { configuration: config(), ...props })).toThrow(error);
  });

  test('a Region other than the stack\'s is an error', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const text = exampleText().replace('Region: us-east-1', 'Region: eu-west-1');
    expect(() => cluster(stack, { configuration: ClusterConfiguration.fromYaml(text) }))
      .toThrow(/^cluster-config.yaml:5: Region is 'eu-west-1' but the stack TestStack is in 'us-east-1'/);
  });
});

describe('the build-image configuration', () => {
  const text = `# Our build
Build:
  InstanceType: c5.xlarge
  ParentImage: ami-0123456789abcdef0
  Components:
    - Type: script
      Value: s3://genomics-hpc-bootstrap/image/install-tools.sh
    - Type: arn
      Value: arn:aws:imagebuilder:us-east-1:aws:component/amazon-cloudwatch-agent-linux/1.0.1
`;
  const withPolicy = `${text}  Iam:
    AdditionalIamPolicies:
      - Policy: arn:aws:iam::111122223333:policy/BuildExtras
`;

  test('creates the build roles, grants its script components, and fills Build/Iam', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(exampleText().replace(/123456789012/g, '111122223333')),
      imageConfiguration: ImageConfiguration.fromYaml(text),
    });
    expect(c.imageBuilderRoles).toBeDefined();
    const build = PolicySimulator.forRole(stack, c.imageBuilderRoles!.instanceRole);
    expect(await build.allows('s3:GetObject', 'arn:aws:s3:::genomics-hpc-bootstrap/image/install-tools.sh')).toBe(true);
    expect(await build.allows('s3:GetObject', 'arn:aws:s3:::genomics-hpc-bootstrap/head/configure.sh')).toBe(false);
    const completed = c.imageConfig();
    expect(completed.startsWith('# Our build\n')).toBe(true);
    const doc = parse(completed);
    expect(Object.keys(doc.Build.Iam)).toEqual(['InstanceRole', 'CleanupLambdaRole']);
    const out = synth(stack).directory;
    expect(parse(fs.readFileSync(path.join(out, `${stack.artifactId}.pcluster-image-config.yaml`), 'utf-8')).Build.Iam.InstanceRole)
      .toMatch(/^arn:aws:iam::111122223333:role\/parallelcluster\//);
  });

  test('Build/Iam/AdditionalIamPolicies move onto the build instance role and out of the file', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(exampleText().replace(/123456789012/g, '111122223333')),
      imageConfiguration: ImageConfiguration.fromYaml(withPolicy),
    });
    const role = c.imageBuilderRoles!.instanceRole.node.defaultChild as iam.CfnRole;
    expect(JSON.stringify(stack.resolve(role.managedPolicyArns))).toContain('policy/BuildExtras');
    expect(Object.keys(parse(c.imageConfig()).Build.Iam)).toEqual(['InstanceRole', 'CleanupLambdaRole']);
  });
});

describe('bad configuration', () => {
  /** The error message of reading `text` from a file named bad.yaml. */
  const readError = (text: string): string | undefined => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-config-'));
    const p = path.join(dir, 'bad.yaml');
    fs.writeFileSync(p, text);
    try {
      ClusterConfiguration.fromFile(p);
      return undefined;
    } catch (e) {
      return (e as Error).message.replace(dir + path.sep, '');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const valid = exampleText();

  test.each<[string, string, RegExp]>([
    // The line to fix is the one that opens the '[', not where the parser gave up (line 3).
    ['invalid YAML', 'HeadNode:\n  InstanceType: [t3\nScheduling: {}\n', /^bad\.yaml:2: invalid YAML: .*\(line 2: "InstanceType: \[t3"\)/],
    ['a bad queue name', valid.replace('Name: gpu-spot', 'Name: GPU_spot'),
      /^bad\.yaml:78: Scheduling\/SlurmQueues\[1\]\/Name 'GPU_spot' is not a valid queue name/],
    ['a duplicate queue name', valid.replace('Name: highmem', 'Name: cpu'),
      /^bad\.yaml:\d+: Scheduling\/SlurmQueues\[2\]\/Name 'cpu' is the name of another queue/],
    ['a bad pool name', valid.replace('- Name: login', '- Name: default'),
      /^bad\.yaml:\d+: LoginNodes\/Pools\[0\]\/Name 'default' is not a valid pool name/],
    ['a secret that is not an ARN', valid.replace('arn:aws:secretsmanager:us-east-1:123456789012:secret:slurm-munge-key-GhIjKl', 'slurm-munge-key'),
      /^bad\.yaml:\d+: Scheduling\/SlurmSettings\/MungeKeySecretArn 'slurm-munge-key' is not a Secrets Manager secret ARN/],
    ['a script URL without a key', valid.replace('s3://genomics-hpc-bootstrap/login/motd.sh', 's3://genomics-hpc-bootstrap'),
      /^bad\.yaml:\d+: LoginNodes\/Pools\[0\]\/CustomActions\/OnNodeStart\/Script 's3:\/\/genomics-hpc-bootstrap' is not a valid S3 URL/],
    ['a bad bucket', valid.replace('s3://genomics-raw-reads/incoming', 's3://Genomics_Raw/incoming'),
      /^bad\.yaml:\d+: SharedStorage\[0\]\/FsxLustreSettings\/ImportPath 's3:\/\/Genomics_Raw\/incoming' is not a valid S3 URL/],
    ['an unknown scheduler', valid.replace('Scheduler: slurm', 'Scheduler: pbs'),
      /^bad\.yaml:\d+: Scheduling\/Scheduler is 'pbs'/],
    ['no queue', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues: []\n', /^bad\.yaml:3: Scheduling\/SlurmQueues needs at least one queue/],
    ['too many queues', `Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n${Array.from({ length: 51 }, (_, i) => `    - Name: q${i}\n`).join('')}`,
      /Scheduling\/SlurmQueues has 51 queues: ParallelCluster allows at most 50/],
    ['S3Access next to InstanceRole', valid.replace('    # Reference data the head node stages for jobs.\n', '    InstanceRole: arn:aws:iam::123456789012:role/Mine\n'),
      /HeadNode\/Iam\/S3Access is set next to InstanceRole, which ParallelCluster refuses/],
    ['a document that is not a map', '- a\n- b\n', /^bad\.yaml:1: \(document\) is not a YAML mapping/],
    ['an admin policy on a queue', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n      Iam:\n        AdditionalIamPolicies:\n' +
      '          - Policy: arn:aws:iam::aws:policy/AdministratorAccess\n',
    /^bad\.yaml:7: Scheduling\/SlurmQueues\[0\]\/Iam\/AdditionalIamPolicies\[0\]\/Policy 'arn:aws:iam::aws:policy\/AdministratorAccess' makes the role account admin/],
    // Issue 19: placeholders and values that name no resource.
    ['a placeholder Lambda functions role', valid + '\nIam:\n  Roles:\n    LambdaFunctionsRole: String\n',
      /^bad\.yaml:\d+: Iam\/Roles\/LambdaFunctionsRole 'String' is not an IAM role ARN/],
    ['a placeholder volume id', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\nSharedStorage:\n  - Name: v\n    StorageType: Ebs\n' +
      '    EbsSettings:\n      VolumeId: String\n', /^bad\.yaml:9: SharedStorage\[0\]\/EbsSettings\/VolumeId 'String' is not an EBS volume id/],
    ['a KMS key alias', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\nSharedStorage:\n  - Name: v\n    StorageType: Efs\n' +
      '    EfsSettings:\n      KmsKeyId: alias/storage\n', /^bad\.yaml:9: SharedStorage\[0\]\/EfsSettings\/KmsKeyId 'alias\/storage' is a key alias/],
    ['a placeholder KMS key', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\nSharedStorage:\n  - Name: v\n    StorageType: Ebs\n' +
      '    EbsSettings:\n      KmsKeyId: String\n', /^bad\.yaml:9: SharedStorage\[0\]\/EbsSettings\/KmsKeyId 'String' is not a KMS key ID or key ARN/],
    ['a capacity reservation group that is not an ARN', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n' +
      '      CapacityReservationTarget:\n        CapacityReservationResourceGroupArn: String\n',
    /^bad\.yaml:6: Scheduling\/SlurmQueues\[0\]\/CapacityReservationTarget\/CapacityReservationResourceGroupArn 'String' is not a resource group ARN/],
    // Issue 18: the subnets and AMIs the head node launches compute nodes in and from.
    ['a placeholder subnet id', 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n      Networking:\n        SubnetIds:\n          - String\n',
      /^bad\.yaml:7: Scheduling\/SlurmQueues\[0\]\/Networking\/SubnetIds\[0\] 'String' is not a subnet id/],
    ['a custom AMI that is not an AMI id', 'Image:\n  Os: alinux2023\n  CustomAmi: ami-*\nScheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n',
      /^bad\.yaml:3: Image\/CustomAmi 'ami-\*' is not an AMI id/],
  ])('%s is an error naming the file, line and path', (_name, text, error) => {
    expect(readError(text)).toMatch(error);
  });

  test('a scheduler the revision does not support', () => {
    const text = 'Scheduling:\n  Scheduler: awsbatch\n  AwsBatchQueues:\n    - Name: q\n';
    const stack = stackIn(ENVIRONMENTS[0]);
    // awsbatch is a scheduler of revisions up to V3_15 (3.15.x), with a privileged user; 3.16 removed it.
    const V3_15 = ParallelClusterVersion.V3_15;
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(text), iamAccessMode: IamAccessMode.privileged(), parallelClusterVersion: V3_15,
    });
    expect(c.scheduler).toBe(Scheduler.AWS_BATCH);
    expect(() => cluster(stackIn(ENVIRONMENTS[0]), { configuration: ClusterConfiguration.fromYaml(text), parallelClusterVersion: V3_15 }))
      .toThrow(/restricted mode forbids/);
    expect(() => cluster(stackIn(ENVIRONMENTS[0]), { configuration: ClusterConfiguration.fromYaml(text), iamAccessMode: IamAccessMode.privileged() }))
      .toThrow(/cluster-config\.yaml:2: Scheduling\/Scheduler is 'awsbatch', which ParallelCluster 3\.16 no longer supports/);
  });

  test('keys the library does not need are ignored', () => {
    const text = `${valid}\nSomethingNew:\n  Whatever: [1, 2]\nHeadNode2: x\n`;
    expect(() => ClusterConfiguration.fromYaml(text)).not.toThrow();
  });
});

describe('an environment-agnostic stack', () => {
  test('takes the region from the file, and warns that the completed file needs the ARNs', () => {
    const stack = agnosticStack();
    const c = cluster(stack, { configuration: ClusterConfiguration.fromFile(EXAMPLE) });
    // The file's Region scopes the policies even though the stack has none.
    const template = JSON.stringify(stack.resolve((c.userRole.managedPolicies[0] as iam.ManagedPolicy).document));
    expect(template).toContain('"aws:RequestedRegion":["us-east-1"]');
    expect(c.clusterConfig()).toContain('# GPU work, on Spot.');
    const out = synth(stack);
    expect(fs.existsSync(path.join(out.directory, `${stack.artifactId}.pcluster-config.yaml`))).toBe(false);
    const warnings = out.getStackArtifact(stack.artifactId).messages.filter((m) => m.level === 'warning').map((m) => String(m.entry.data));
    expect(warnings.some((w) => w.includes('pcluster-config.yaml was not written'))).toBe(true);
  });
});

describe('settings ParallelCluster\'s validators and head node read (issue 19)', () => {
  const text = (env: TestEnvironment) => `
Region: ${env.region}
HeadNode:
  InstanceType: t3.medium
Scheduling:
  Scheduler: slurm
  SlurmSettings:
    MungeKeySecretArn: arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:hpc/munge-AbCdEf
  SlurmQueues:
    - Name: q
      CapacityReservationTarget:
        CapacityReservationResourceGroupArn: arn:${env.partition}:resource-groups:${env.region}:${env.account}:group/odcrs
      ComputeResources:
        - Name: c
          CapacityReservationTarget:
            CapacityReservationResourceGroupArn: arn:${env.partition}:resource-groups:${env.region}:${env.account}:group/odcrs-c
LoginNodes:
  Pools:
    - Name: login
SharedStorage:
  - MountDir: /kept
    Name: kept
    StorageType: Ebs
    EbsSettings:
      VolumeId: vol-0fedcba9876543210
      KmsKeyId: 0a1b2c3d-1111-2222-3333-444455556666
  - MountDir: /efs
    Name: efs
    StorageType: Efs
    EfsSettings:
      KmsKeyId: arn:${env.partition}:kms:${env.region}:${env.account}:key/mrk-0123456789abcdef0123456789abcdef
`;

  test.each(ENVIRONMENTS)('munge key, capacity reservation groups, kept volumes and KMS keys are derived in $partition', async (env) => {
    const stack = stackIn(env);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(text(env)), clusterName: 'team-a-1' });
    const p = env.partition;
    const r = env.region;
    const a = env.account;
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    const munge = `arn:${p}:secretsmanager:${r}:${a}:secret:hpc/munge-AbCdEf`;
    const group = (name: string) => `arn:${p}:resource-groups:${r}:${a}:group/${name}`;
    const volume = (id: string) => `arn:${p}:ec2:${r}:${a}:volume/${id}`;
    const oldTag = { 'ec2:ResourceTag/parallelcluster:cluster-name': 'deleted-cluster' };
    expect(await head.allows('secretsmanager:GetSecretValue', munge)).toBe(true);
    // The file's Region scopes the head node's calls on `*` to it.
    expect(await head.allows('elasticloadbalancing:DescribeTargetHealth', '*', { 'aws:RequestedRegion': r })).toBe(true);
    expect(await head.allows('resource-groups:ListGroupResources', group('odcrs'))).toBe(true);
    expect(await head.allows('resource-groups:ListGroupResources', group('odcrs-c'))).toBe(true);
    expect(await head.allows('resource-groups:ListGroupResources', group('other'))).toBe(false);
    expect(await head.allows('ec2:AttachVolume', volume('vol-0fedcba9876543210'), oldTag)).toBe(true);
    expect(await head.allows('ec2:AttachVolume', volume('vol-0aaaaaaaaaaaaaaaa'), oldTag)).toBe(false);
    expect(await user.allows('secretsmanager:GetSecretValue', munge)).toBe(true);
    expect(await user.allows('secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:other-AbCdEf`)).toBe(false);
    // KMS also needs the key policy (test/roles/user-role-named-resources.test.ts); here the statement's keys.
    const kmsStatement = user.documents.flatMap((d: any) => d.Statement).find((s: any) => s.Sid === 'KmsDescribeKey');
    expect(kmsStatement.Resource).toEqual([
      `arn:${p}:kms:${r}:${a}:key/0a1b2c3d-1111-2222-3333-444455556666`,
      `arn:${p}:kms:${r}:${a}:key/mrk-0123456789abcdef0123456789abcdef`,
    ]);
    expect(kmsStatement.Action).toBe('kms:DescribeKey');
  });

  test('without those settings, none of it', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml('HeadNode:\n  InstanceType: t3.medium\nScheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n'),
    });
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    expect(await head.allows('elasticloadbalancing:DescribeTargetHealth', '*')).toBe(false);
    expect(await head.allows('resource-groups:ListGroupResources', 'arn:aws:resource-groups:us-east-1:111122223333:group/odcrs')).toBe(false);
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    expect(user.documents.flatMap((d: any) => d.Statement).some((s: any) => s.Sid === 'KmsDescribeKey')).toBe(false);
  });
});

describe('the subnets, AMIs and volumes a file names limit the head node (issue 18, finding 7)', () => {
  const file = (extra: string) => `
HeadNode:
  InstanceType: t3.medium
Image:
  Os: alinux2023
  CustomAmi: ami-0123456789abcdef0
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: q1
      Networking:
        SubnetIds:
          - subnet-0123456789abcdef0
    - Name: q2
      Image:
        CustomAmi: ami-0fedcba9876543210
      Networking:
        SubnetIds:
          - subnet-0fedcba9876543210
${extra}`;

  test.each(ENVIRONMENTS)('compute nodes launch in the queues\' subnets, from their AMIs or Amazon\'s, in $partition', async (env) => {
    const stack = stackIn(env);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(file('')) });
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    const { partition: p, region: r, account: a } = env;
    const subnet = (id: string) => `arn:${p}:ec2:${r}:${a}:subnet/${id}`;
    const image = (id: string) => `arn:${p}:ec2:${r}::image/${id}`;
    for (const action of ['ec2:RunInstances', 'ec2:CreateFleet']) {
      expect(await head.allows(action, subnet('subnet-0123456789abcdef0'))).toBe(true);
      expect(await head.allows(action, subnet('subnet-0fedcba9876543210'))).toBe(true);
      expect(await head.allows(action, subnet('subnet-0aaaaaaaaaaaaaaa1'))).toBe(false);
      expect(await head.allows(action, image('ami-0123456789abcdef0'), { 'ec2:Owner': a })).toBe(true);
      expect(await head.allows(action, image('ami-0fedcba9876543210'), { 'ec2:Owner': a })).toBe(true);
      expect(await head.allows(action, image('ami-0a1b2c3d4e5f60718'), { 'ec2:Owner': 'amazon' })).toBe(true);
      expect(await head.allows(action, image('ami-0aaaaaaaaaaaaaaa1'), { 'ec2:Owner': a })).toBe(false);
    }
    // No SharedStorage volume by ID: only volumes of a cluster.
    expect(await head.allows('ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:volume/vol-0aaaaaaaaaaaaaaaa`)).toBe(false);
    expect(await head.allows('ec2:AttachVolume', `arn:${p}:ec2:${r}:${a}:volume/vol-0aaaaaaaaaaaaaaaa`,
      { 'ec2:ResourceTag/parallelcluster:cluster-name': 'hpc' })).toBe(true);
  });

  test('with DevSettings/AmiSearchFilters (the official AMI may have another owner), any AMI', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(file('DevSettings:\n  AmiSearchFilters:\n    Owner: \'444455556666\'\n')) });
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    expect(await head.allows('ec2:RunInstances', 'arn:aws:ec2:us-east-1::image/ami-0aaaaaaaaaaaaaaa1', { 'ec2:Owner': '444455556666' })).toBe(true);
    expect(await head.allows('ec2:RunInstances', 'arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0aaaaaaaaaaaaaaa1')).toBe(false);
  });
});

describe('roles the files name are not created (issue 19)', () => {
  const clusterText = `
HeadNode:
  InstanceType: t3.medium
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: q
Iam:
  Roles:
    LambdaFunctionsRole: arn:aws:iam::111122223333:role/parallelcluster/MyLambdaRole
`;
  const imageText = `
Build:
  InstanceType: c5.xlarge
  ParentImage: ami-0123456789abcdef0
  Iam:
    InstanceRole: arn:aws:iam::111122223333:role/custom/MyBuildRole
    CleanupLambdaRole: arn:aws:iam::111122223333:role/custom/MyCleanupRole
`;

  test('an existing Iam/Roles/LambdaFunctionsRole: no Lambda functions role, and the file keeps it', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(clusterText) });
    expect(() => c.lambdaFunctionsRole).toThrow(/no Lambda functions role: the configuration names its own/);
    expect(stack.node.findAll().some((n) => n.node.path.endsWith('/LambdaFunctionsRole'))).toBe(false);
    expect(parse(c.clusterConfig()).Iam.Roles.LambdaFunctionsRole).toBe('arn:aws:iam::111122223333:role/parallelcluster/MyLambdaRole');
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/parallelcluster/MyLambdaRole', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(true);
  });

  test('a build-image file naming its instance role and cleanup role: no image build roles, the user may pass them', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(clusterText),
      imageConfiguration: ImageConfiguration.fromYaml(imageText),
      // The build roles are off the cluster path (issue 18, finding 1: refused without the opt-in).
      allowExternalRoles: true,
    });
    expect(c.imageBuilderRoles).toBeUndefined();
    expect(parse(c.imageConfig()).Build.Iam).toEqual({
      InstanceRole: 'arn:aws:iam::111122223333:role/custom/MyBuildRole',
      CleanupLambdaRole: 'arn:aws:iam::111122223333:role/custom/MyCleanupRole',
    });
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    // The user still builds images.
    expect(await user.allows('imagebuilder:CreateImageRecipe', 'arn:aws:imagebuilder:us-east-1:111122223333:image-recipe/parallelclusterimage-x/3.16.1')).toBe(true);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/custom/MyBuildRole', { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/custom/MyCleanupRole', { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(true);
  });

  /** The descriptions of the image build roles the stack creates. */
  const imageRoleDescriptions = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))
    .map((r: any) => r.Properties.Description as string).filter((d) => /image build/.test(d)).sort();

  test('a build-image file naming only its instance role gets only the cleanup role created', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(clusterText),
      imageConfiguration: ImageConfiguration.fromYaml(imageText.replace(/ {4}CleanupLambdaRole: .*\n/, '')),
      allowExternalRoles: true,
    });
    // No build instance role (nor profile) on the path: the user could pass it although the build uses the file's.
    expect(imageRoleDescriptions(stack)).toEqual(['AWS ParallelCluster image build cleanup Lambda function']);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::InstanceProfile')).filter((id) => /Image/.test(id))).toEqual([]);
    expect(c.imageBuilderRoles).toBeUndefined();
    const iamSection = parse(c.imageConfig()).Build.Iam;
    expect(iamSection.InstanceRole).toBe('arn:aws:iam::111122223333:role/custom/MyBuildRole');
    const cleanup = stack.node.findAll().find((n): n is OwnRole => isOwnRole(n) && /ImageCleanupRole/.test(n.node.path))!;
    expect(iamSection.CleanupLambdaRole).toBe(cleanup.roleArn);
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    const cleanupArn = `arn:aws:iam::111122223333:role/parallelcluster/${stack.resolve(cleanup.roleName)}`;
    expect(await user.allows('iam:PassRole', cleanupArn, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe(true);
    expect(await user.allows('iam:PassRole', 'arn:aws:iam::111122223333:role/custom/MyBuildRole', { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(true);
  });

  test('a build-image file naming only its cleanup role gets only the build instance role created, with the file\'s grants', async () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(clusterText),
      imageConfiguration: ImageConfiguration.fromYaml(imageText.replace(/ {4}InstanceRole: .*\n/, '') +
        '  Components:\n    - Type: script\n      Value: s3://team-build/install.sh\n'),
      allowExternalRoles: true,
    });
    expect(imageRoleDescriptions(stack)).toEqual(['AWS ParallelCluster image build instance']);
    expect(c.imageBuilderRoles).toBeUndefined();
    const iamSection = parse(c.imageConfig()).Build.Iam;
    expect(iamSection.CleanupLambdaRole).toBe('arn:aws:iam::111122223333:role/custom/MyCleanupRole');
    const role = stack.node.findAll().find((n): n is OwnRole => isOwnRole(n) && /ImageBuildRole/.test(n.node.path))!;
    expect(iamSection.InstanceRole).toBe(role.roleArn);
    const build = PolicySimulator.forRole(stack, role);
    expect(await build.allows('s3:GetObject', 'arn:aws:s3:::team-build/install.sh')).toBe(true);
    expect(await build.allows('s3:GetObject', 'arn:aws:s3:::team-build/other.sh')).toBe(false);
  });
});
