import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ComputeNodeRole,
  HeadNodeRole,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  LoginNodeRole,
  ParallelClusterUserRole,
  ParallelClusterVersion,
  Scheduler,
} from '../src';
import { PolicySimulator } from './support/simulate';
import { AWS, AWS_CN, awsStack, stackIn } from './support/stacks';

/*
 * The options every construct shares (ParallelClusterPolicyOptions): the newest policy revision by
 * default, an older one on request, and region scoping. What each revision adds is tested block by
 * block in revisions.test.ts; here we check that every construct applies the option at all.
 */

const arn = (service: string, region: string, resource: string) => `arn:aws:${service}:${region}:${AWS.account}:${resource}`;

type RoleFactory = (version?: ParallelClusterVersion, region?: string) => { stack: any; role: iam.IRole };

/** One request per construct that only a revision after the doc's (V3_2) allows. */
const cases: Array<[string, RoleFactory, string, string, Record<string, string | string[]>?]> = [
  ['ParallelClusterUserRole', (v, r) => { const stack = awsStack(); return { stack, role: new ParallelClusterUserRole(stack, 'U', { parallelClusterVersion: v, region: r }).role }; },
    // The cluster stack's tag changes, made by CloudFormation on the cluster's tagged resources (issue 18: the
    // EC2 write list only through it, and only on resources that carry the cluster-name tag).
    'ec2:DeleteTags', arn('ec2', 'us-east-1', 'instance/i-0123456789abcdef0'),
    { 'aws:CalledVia': ['cloudformation.amazonaws.com'], 'ec2:ResourceTag/parallelcluster:cluster-name': 'mycluster' }],
  ['HeadNodeRole', (v, r) => { const stack = awsStack(); return { stack, role: new HeadNodeRole(stack, 'H', { parallelClusterVersion: v, region: r }).role }; },
    'ec2:CreateFleet', arn('ec2', 'us-east-1', 'fleet/fleet-0123')],
  ['ComputeNodeRole', (v, r) => { const stack = awsStack(); return { stack, role: new ComputeNodeRole(stack, 'C', { parallelClusterVersion: v, region: r }).role }; },
    'dynamodb:PutItem', arn('dynamodb', 'us-east-1', 'table/parallelcluster-mycluster')],
];

describe.each(cases)('%s', (_name, make, action, resource, context) => {
  test('defaults to the newest revision, and V3_2 reproduces the doc', async () => {
    const latest = make();
    const doc = make(ParallelClusterVersion.V3_2);
    expect(await PolicySimulator.forRole(latest.stack, latest.role).allows(action, resource, context)).toBe(true);
    expect(await PolicySimulator.forRole(doc.stack, doc.role).allows(action, resource, context)).toBe(false);
  });
});

test('LambdaFunctionsRole: the AWS Batch variant runs CodeBuild and ECR clean-up, not the Slurm functions', async () => {
  const stack = awsStack();
  const slurmRole = new LambdaFunctionsRole(stack, 'Slurm').role;
  const batchRole = new LambdaFunctionsRole(stack, 'Batch', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: ParallelClusterVersion.V3_15 }).role;
  const slurm = PolicySimulator.forRole(stack, slurmRole);
  const batch = PolicySimulator.forRole(stack, batchRole);
  const startBuild = arn('codebuild', 'us-east-1', 'project/pcluster-mycluster-build-docker-images-project');
  expect(await batch.allows('codebuild:StartBuild', startBuild)).toBe(true);
  expect(await slurm.allows('codebuild:StartBuild', startBuild)).toBe(false);
  // A cluster's record (issue 18, finding 6: <node>.<cluster>.pcluster names only).
  const record = { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['queue1-st-c5-1.hpc.pcluster'] };
  expect(await slurm.allows('route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z123', record)).toBe(true);
  expect(await batch.allows('route53:ChangeResourceRecordSets', 'arn:aws:route53:::hostedzone/Z123', record)).toBe(false);
});

test('ImageBuilderRoles: region is the doc\'s <REGION> of the clean-up role', async () => {
  const stack = awsStack();
  const cleanup = PolicySimulator.forRole(stack, new ImageBuilderRoles(stack, 'I', { region: 'us-west-2' }).cleanupLambdaRole);
  const image = (region: string) => arn('imagebuilder', region, 'image/parallelclusterimage-abc/1.0.0/1');
  expect(await cleanup.allows('imagebuilder:DeleteImage', image('us-west-2'), { 'aws:RequestedRegion': 'us-west-2' })).toBe(true);
  expect(await cleanup.allows('imagebuilder:DeleteImage', image('us-east-1'), { 'aws:RequestedRegion': 'us-east-1' })).toBe(false);
});

test('LoginNodeRole defaults to the newest revision and refuses revisions before login nodes existed', () => {
  expect(() => new LoginNodeRole(awsStack(), 'Login')).not.toThrow();
  expect(() => new LoginNodeRole(awsStack(), 'Login', { parallelClusterVersion: ParallelClusterVersion.V3_6 }))
    .toThrow(/login nodes need ParallelCluster 3\.7 or later/);
});

describe('region', () => {
  test('scopes a regional statement of a node role to the region', async () => {
    const stack = awsStack();
    const head = new HeadNodeRole(stack, 'H', { region: 'us-east-1' });
    const sim = PolicySimulator.forRole(stack, head.role);
    expect(await sim.allows('ec2:DescribeInstances', '*', { 'aws:RequestedRegion': 'us-east-1' })).toBe(true);
    expect(await sim.allows('ec2:DescribeInstances', '*', { 'aws:RequestedRegion': 'eu-west-1' })).toBe(false);
  });

  test('is the doc\'s <REGION> of the node roles', async () => {
    const stack = awsStack();
    const compute = new ComputeNodeRole(stack, 'C', { region: 'us-west-2' });
    const sim = PolicySimulator.forRole(stack, compute.role);
    expect(await sim.allows('dynamodb:Query', `arn:aws:dynamodb:us-west-2:${AWS.account}:table/parallelcluster-c`, { 'aws:RequestedRegion': 'us-west-2' })).toBe(true);
    expect(await sim.allows('dynamodb:Query', `arn:aws:dynamodb:us-east-1:${AWS.account}:table/parallelcluster-c`, { 'aws:RequestedRegion': 'us-east-1' })).toBe(false);
  });

  test.each([
    ['eu-west-1', 'cn-north-1', /region 'eu-west-1' is in partition aws, but the stack .* is deployed to cn-north-1 \(partition aws-cn\)/],
    ['not a region', 'us-east-1', /region 'not a region' is not an AWS region/],
    ['*', 'us-east-1', /region '\*' is not an AWS region/],
  ])('refuses region %p in a stack in %s', (region, stackRegion, message) => {
    const env = stackRegion === 'cn-north-1' ? AWS_CN : AWS;
    expect(() => new ParallelClusterUserRole(stackIn(env), 'U', { region })).toThrow(message);
    expect(() => new HeadNodeRole(stackIn(env), 'H', { region })).toThrow(message);
  });
});
