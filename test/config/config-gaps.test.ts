import { Stack } from 'aws-cdk-lib';
import { ClusterConfiguration, ImageConfiguration, ParallelClusterIam, ParallelClusterIamProps } from '../../src';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS, TestEnvironment, agnosticStack, stackIn } from '../support/stacks';

/*
 * Issue 19 section 4: settings of the configuration files that decide permissions and were not derived.
 * CustomS3Bucket and DevSettings objects (what pcluster, its validators, the nodes, the Lambda functions and
 * the image build read and write there), and an SSM parameter as the directory service password.
 */

function cluster(stack: Stack, props: ParallelClusterIamProps): ParallelClusterIam {
  return new ParallelClusterIam(stack, 'Cluster', props);
}

const clusterFile = (extra: string) => `
HeadNode:
  InstanceType: t3.medium
Scheduling:
  Scheduler: slurm
  SlurmQueues:
    - Name: q
LoginNodes:
  Pools:
    - Name: login
      InstanceType: t3.medium
      Count: 1
${extra}`;

/** A key of a cluster's artifact directory (`<name>-<16 random>`, pcluster utils.py:107-127). */
const artifact = (env: TestEnvironment, bucket: string, clusterName: string, key: string) =>
  `arn:${env.partition}:s3:::${bucket}/parallelcluster/3.16.1/clusters/${clusterName}-abcdefghij012345/${key}`;
const object = (env: TestEnvironment, bucketAndKey: string) => `arn:${env.partition}:s3:::${bucketAndKey}`;

describe.each(ENVIRONMENTS)('CustomS3Bucket of a cluster scoped to hpc-prod in $partition', (env) => {
  const stack = stackIn(env);
  const c = cluster(stack, {
    clusterName: 'hpc-prod',
    configuration: ClusterConfiguration.fromYaml(clusterFile('CustomS3Bucket: team-artifacts\n')),
  });
  const sims = {
    user: PolicySimulator.forRole(stack, c.userRole.role),
    head: PolicySimulator.forRole(stack, c.headNodeRole.role),
    compute: PolicySimulator.forRole(stack, c.computeNodeRole('q').role),
    login: PolicySimulator.forRole(stack, c.loginNodeRoles.login.role),
    lambda: PolicySimulator.forRole(stack, c.lambdaFunctionsRole.role),
  };
  const own = (key: string) => artifact(env, 'team-artifacts', 'hpc-prod', key);
  const other = (key: string) => artifact(env, 'team-artifacts', 'hpc-prod-2', key);
  const bucket = object(env, 'team-artifacts');

  test('the user writes, reads and deletes the cluster\'s artifacts there, and checks and lists the bucket', async () => {
    for (const [action, resource] of [
      ['s3:PutObject', own('configs/cluster-config.yaml')],
      ['s3:GetObject', own('templates/aws-parallelcluster.cfn.yaml')],
      ['s3:GetObjectVersion', own('configs/cluster-config.yaml')],
      ['s3:GetObject', own('custom_resources/artifacts.zip')],
      ['s3:DeleteObject', own('configs/cluster-config.yaml')],
      ['s3:DeleteObjectVersion', own('configs/cluster-config.yaml')],
      ['s3:ListBucket', bucket],
      ['s3:ListBucketVersions', bucket],
      ['s3:GetBucketLocation', bucket],
      // export-cluster-logs without --bucket: <cluster>-logs-<timestamp>/ (models/common.py:160).
      ['s3:PutObject', object(env, 'team-artifacts/hpc-prod-logs-202612021200/archive.tar.gz')],
      ['s3:GetObject', object(env, 'team-artifacts/hpc-prod-logs-202612021200/task/x.gz')],
      ['s3:DeleteObject', object(env, 'team-artifacts/hpc-prod-logs-202612021200/task/x.gz')],
    ]) {
      expect(`${action} ${resource}: ${await sims.user.decision(action, resource)}`).toBe(`${action} ${resource}: Allowed`);
    }
  });

  test('the user reaches neither another cluster\'s artifacts nor the rest of the bucket, nor changes the bucket', async () => {
    for (const [action, resource] of [
      ['s3:PutObject', other('configs/cluster-config.yaml')],
      ['s3:GetObject', other('configs/cluster-config.yaml')],
      ['s3:DeleteObject', other('configs/cluster-config.yaml')],
      ['s3:PutObject', object(env, 'team-artifacts/payroll/data.csv')],
      ['s3:GetObject', object(env, 'team-artifacts/payroll/data.csv')],
      ['s3:PutObject', object(env, 'team-artifacts/other-cluster-logs-202612021200/x')],
      ['s3:PutBucketPolicy', bucket],
      ['s3:DeleteBucket', bucket],
      ['s3:GetObject', object(env, 'another-bucket/parallelcluster/3.16.1/clusters/hpc-prod-abcdefghij012345/configs/cluster-config.yaml')],
    ]) {
      expect(`${action} ${resource}: ${await sims.user.allows(action, resource)}`).toBe(`${action} ${resource}: false`);
    }
  });

  test('the head node reads its cluster\'s artifacts (as ParallelCluster\'s own head node role), no other cluster\'s', async () => {
    expect(await sims.head.allows('s3:GetObject', own('configs/cluster-config-with-implied-values.yaml'))).toBe(true);
    expect(await sims.head.allows('s3:GetObjectVersion', own('configs/cluster-config-with-implied-values.yaml'))).toBe(true);
    expect(await sims.head.allows('s3:GetBucketLocation', bucket)).toBe(true);
    expect(await sims.head.allows('s3:ListBucket', bucket)).toBe(true);
    expect(await sims.head.allows('s3:GetObject', other('configs/cluster-config-with-implied-values.yaml'))).toBe(false);
    expect(await sims.head.allows('s3:PutObject', own('configs/cluster-config.yaml'))).toBe(false);
    expect(await sims.head.allows('s3:GetObject', object(env, 'team-artifacts/payroll/data.csv'))).toBe(false);
  });

  test('the Lambda functions clean up the cluster\'s artifacts only', async () => {
    expect(await sims.lambda.allows('s3:DeleteObject', own('configs/cluster-config.yaml'))).toBe(true);
    expect(await sims.lambda.allows('s3:DeleteObjectVersion', own('configs/cluster-config.yaml'))).toBe(true);
    expect(await sims.lambda.allows('s3:ListBucketVersions', bucket)).toBe(true);
    expect(await sims.lambda.allows('s3:DeleteObject', other('configs/cluster-config.yaml'))).toBe(false);
    expect(await sims.lambda.allows('s3:DeleteObject', object(env, 'team-artifacts/payroll/data.csv'))).toBe(false);
  });

  test('compute and login nodes get nothing there (ParallelCluster\'s own do not)', async () => {
    for (const sim of [sims.compute, sims.login]) {
      expect(await sim.allows('s3:GetObject', own('configs/cluster-config.yaml'))).toBe(false);
      expect(await sim.allows('s3:ListBucket', bucket)).toBe(false);
    }
  });
});

describe('CustomS3Bucket without clusterName', () => {
  test('any cluster\'s artifact directory in the bucket, still nothing else of it', async () => {
    const env = ENVIRONMENTS[0];
    const stack = stackIn(env);
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(clusterFile('CustomS3Bucket: team-artifacts\n')) });
    const head = PolicySimulator.forRole(stack, c.headNodeRole.role);
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    expect(await head.allows('s3:GetObject', artifact(env, 'team-artifacts', 'any', 'configs/x.yaml'))).toBe(true);
    expect(await user.allows('s3:PutObject', artifact(env, 'team-artifacts', 'any', 'configs/x.yaml'))).toBe(true);
    expect(await head.allows('s3:GetObject', object(env, 'team-artifacts/payroll/data.csv'))).toBe(false);
    expect(await user.allows('s3:PutObject', object(env, 'team-artifacts/payroll/data.csv'))).toBe(false);
  });

  test('a value that is not a bucket name is refused at its line', () => {
    expect(() => ClusterConfiguration.fromYaml(clusterFile('CustomS3Bucket: s3://team-artifacts/prefix\n'), 'c.yaml'))
      .toThrow(/^c\.yaml:13: CustomS3Bucket 's3:\/\/team-artifacts\/prefix' is not an S3 bucket name/);
  });
});

describe.each(ENVIRONMENTS)('DevSettings objects in S3 in $partition', (env) => {
  const stack = stackIn(env);
  const c = cluster(stack, {
    configuration: ClusterConfiguration.fromYaml(clusterFile(`DevSettings:
  Cookbook:
    ChefCookbook: s3://team-dev/cookbooks/aws-parallelcluster-cookbook.tgz
  NodePackage: s3://team-dev/node/aws-parallelcluster-node.tgz
  ClusterTemplate: s3://team-dev/templates/cluster.yaml
`)),
  });
  const cookbook = object(env, 'team-dev/cookbooks/aws-parallelcluster-cookbook.tgz');
  const nodePackage = object(env, 'team-dev/node/aws-parallelcluster-node.tgz');
  const template = object(env, 'team-dev/templates/cluster.yaml');

  test('every node role reads the cookbook and the node package (ParallelCluster\'s CustomCookbookS3Url), not the template', async () => {
    for (const role of [c.headNodeRole.role, c.computeNodeRole('q').role, c.loginNodeRoles.login.role]) {
      const sim = PolicySimulator.forRole(stack, role);
      expect(await sim.allows('s3:GetObject', cookbook)).toBe(true);
      expect(await sim.allows('s3:GetObject', nodePackage)).toBe(true);
      expect(await sim.allows('s3:GetBucketLocation', object(env, 'team-dev'))).toBe(true);
      expect(await sim.allows('s3:GetObject', template)).toBe(false);
      expect(await sim.allows('s3:GetObject', object(env, 'team-dev/secrets.txt'))).toBe(false);
    }
  });

  test('the user reads the three (ParallelCluster\'s UrlValidator), nothing else of the bucket', async () => {
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    for (const resource of [cookbook, nodePackage, template]) {
      expect(await user.allows('s3:GetObject', resource)).toBe(true);
    }
    expect(await user.allows('s3:GetObject', object(env, 'team-dev/secrets.txt'))).toBe(false);
    expect(await user.allows('s3:PutObject', cookbook)).toBe(false);
  });
});

describe('DevSettings over https', () => {
  test('need no permission: no configuration policy for the user', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const c = cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(clusterFile('DevSettings:\n  Cookbook:\n    ChefCookbook: https://example.com/cookbook.tgz\n')),
    });
    expect(c.node.tryFindChild('UserConfigurationPolicy')).toBeUndefined();
  });
});

describe.each(ENVIRONMENTS)('a build-image file with CustomS3Bucket and DevSettings in $partition', (env) => {
  const stack = stackIn(env);
  const c = cluster(stack, {
    clusterName: 'hpc-prod',
    configuration: ClusterConfiguration.fromYaml(clusterFile('')),
    imageConfiguration: ImageConfiguration.fromYaml(`
Build:
  InstanceType: c5.xlarge
  ParentImage: ami-0123456789abcdef0
CustomS3Bucket: team-images
DevSettings:
  Cookbook:
    ChefCookbook: s3://team-dev/cookbook.tgz
  NodePackage: s3://team-dev/node.tgz
`),
  });
  const imageArtifact = (key: string) => object(env, `team-images/parallelcluster/3.16.1/images/my-image-abcdefghij012345/${key}`);

  test('the user writes and reads the build\'s artifacts there, and the DevSettings objects', async () => {
    const user = PolicySimulator.forRole(stack, c.userRole.role);
    expect(await user.allows('s3:PutObject', imageArtifact('configs/image-config.yaml'))).toBe(true);
    expect(await user.allows('s3:GetObject', imageArtifact('custom_resources/artifacts.zip'))).toBe(true);
    expect(await user.allows('s3:DeleteObjectVersion', imageArtifact('configs/image-config.yaml'))).toBe(true);
    expect(await user.allows('s3:ListBucket', object(env, 'team-images'))).toBe(true);
    expect(await user.allows('s3:GetObject', object(env, 'team-dev/cookbook.tgz'))).toBe(true);
    expect(await user.allows('s3:PutObject', object(env, 'team-images/payroll/data.csv'))).toBe(false);
  });

  test('the build instance reads the node package; the cookbook reaches it as a URL the user presigns', async () => {
    const build = PolicySimulator.forRole(stack, c.imageBuilderRoles!.instanceRole);
    expect(await build.allows('s3:GetObject', object(env, 'team-dev/node.tgz'))).toBe(true);
    expect(await build.allows('s3:GetObject', object(env, 'team-dev/cookbook.tgz'))).toBe(false);
    expect(await build.allows('s3:GetObject', imageArtifact('configs/image-config.yaml'))).toBe(false);
  });
});

describe('an SSM parameter as DirectoryService/PasswordSecretArn', () => {
  const file = (parameter: string) => clusterFile(`DirectoryService:
  DomainName: corp.example.com
  DomainAddr: ldaps://corp.example.com
  PasswordSecretArn: ${parameter}
  DomainReadOnlyUser: cn=ReadOnlyUser,ou=Users,ou=CORP,dc=corp,dc=example,dc=com
`);

  test('is refused outside us-isob-east-1, where ParallelCluster refuses it', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    expect(() => cluster(stack, {
      configuration: ClusterConfiguration.fromYaml(file('arn:aws:ssm:us-east-1:111122223333:parameter/ad/password'), 'c.yaml'),
    })).toThrow(/^c\.yaml:16: DirectoryService\/PasswordSecretArn 'arn:aws:ssm:us-east-1:111122223333:parameter\/ad\/password' is an SSM parameter, which ParallelCluster accepts only in us-isob-east-1 .*store the password in Secrets Manager/);
  });

  test('in us-isob-east-1: the head node and the user (PasswordSecretArnValidator) may ssm:GetParameter it, no other', async () => {
    const parameter = 'arn:aws-iso-b:ssm:us-isob-east-1:111122223333:parameter/ad/password';
    const stack = agnosticStack();
    const c = cluster(stack, { configuration: ClusterConfiguration.fromYaml(file(parameter)) });
    for (const role of [c.headNodeRole.role, c.userRole.role]) {
      const sim = PolicySimulator.forRole(stack, role);
      expect(await sim.allows('ssm:GetParameter', parameter)).toBe(true);
      expect(await sim.allows('ssm:GetParameter', 'arn:aws-iso-b:ssm:us-isob-east-1:111122223333:parameter/other')).toBe(false);
    }
  });
});

describe('placeholders of ParallelCluster\'s full examples (`String`) are refused at their line', () => {
  const head = 'HeadNode:\n  InstanceType: t3.medium\n';
  const slurm = 'Scheduling:\n  Scheduler: slurm\n  SlurmQueues:\n    - Name: q\n';
  test.each<[string, string, RegExp]>([
    ['HeadNode/Iam/InstanceRole', `${slurm}${head}  Iam:\n    InstanceRole: String\n`, /^c\.yaml:8: HeadNode\/Iam\/InstanceRole 'String' is not an IAM role ARN/],
    ['a queue\'s Iam/InstanceProfile', `${slurm}      Iam:\n        InstanceProfile: String\n`,
      /^c\.yaml:6: Scheduling\/SlurmQueues\[0\]\/Iam\/InstanceProfile 'String' is not an IAM instance profile ARN/],
    ['Iam/PermissionsBoundary', `${slurm}Iam:\n  PermissionsBoundary: String\n`, /^c\.yaml:6: Iam\/PermissionsBoundary 'String' is not an IAM policy ARN/],
    ['DirectoryService/PasswordSecretArn', `${slurm}DirectoryService:\n  PasswordSecretArn: String\n`,
      /^c\.yaml:6: DirectoryService\/PasswordSecretArn 'String' is not a Secrets Manager secret ARN or an SSM parameter ARN/],
    ['CustomS3Bucket', `${slurm}CustomS3Bucket: String\n`, /^c\.yaml:5: CustomS3Bucket 'String' is not an S3 bucket name/],
  ])('%s', (_name, text, error) => {
    expect(() => ClusterConfiguration.fromYaml(text, 'c.yaml')).toThrow(error);
  });

  test.each<[string, RegExp]>([
    ['InstanceRole', /^i\.yaml:5: Build\/Iam\/InstanceRole 'String' is not an IAM role ARN/],
    ['CleanupLambdaRole', /^i\.yaml:5: Build\/Iam\/CleanupLambdaRole 'String' is not an IAM role ARN/],
    ['PermissionsBoundary', /^i\.yaml:5: Build\/Iam\/PermissionsBoundary 'String' is not an IAM policy ARN/],
  ])('Build/Iam/%s of a build-image file', (key, error) => {
    const text = `Build:\n  InstanceType: c5.xlarge\n  ParentImage: ami-0123456789abcdef0\n  Iam:\n    ${key}: String\n`;
    expect(() => ImageConfiguration.fromYaml(text, 'i.yaml')).toThrow(error);
  });
});
