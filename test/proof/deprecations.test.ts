import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  ClusterConfiguration,
  IamAccessMode,
  ParallelCluster,
  ParallelClusterBoundary,
  ParallelClusterIam,
  ParallelClusterUserRole,
} from '../../src';
import { awsStack } from '../support/stacks';

/*
 * The library calls no aws-cdk-lib API that is deprecated, at the floor and at the newest release (this file runs
 * in both: scripts/test-newest-cdk.sh). jsii prints a warning for every deprecated call, on every synthesis of a
 * user's app; with JSII_DEPRECATED=fail the call throws instead, and the error's stack names the library's line.
 * Every construct and option that reaches a different aws-cdk-lib API is built and synthesized below.
 */

const ROOT = path.join(__dirname, '..', '..');
let before: string | undefined;
beforeAll(() => {
  before = process.env.JSII_DEPRECATED;
  process.env.JSII_DEPRECATED = 'fail';
});
afterAll(() => {
  if (before === undefined) delete process.env.JSII_DEPRECATED;
  else process.env.JSII_DEPRECATED = before;
});

function synthesizes(build: (stack: Stack) => void): void {
  const stack = awsStack();
  build(stack);
  expect(Object.keys(Template.fromStack(stack).toJSON().Resources).length).toBeGreaterThan(0);
}

test('the whole set of cluster roles, with every option that reaches another aws-cdk-lib API', () => {
  synthesizes((stack) => {
    const bucket = s3.Bucket.fromBucketName(stack, 'Data', 'genomics-data');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'hpc/ldap');
    const cluster = new ParallelClusterIam(stack, 'Cluster', {
      clusterName: 'hpc-1',
      slurmQueues: ['cpu', 'gpu'],
      loginNodePools: ['login'],
      enableFsxLustre: true,
      fsxDataRepositoryBuckets: [bucket],
      enableImageBuilder: true,
      iamAccessMode: IamAccessMode.permissionsBoundary(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary')),
      additionalIamPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
      secrets: [secret],
      logExportBuckets: [s3.Bucket.fromBucketName(stack, 'Logs', 'hpc-logs')],
      kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', stack.formatArn({ service: 'kms', resource: 'key', resourceName: '1234abcd-12ab-34cd-56ef-1234567890ab' }))],
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    });
    // What users do with the roles: grants, extra statements and policies.
    const consumer = new iam.Role(stack, 'Consumer', { assumedBy: new iam.AccountRootPrincipal() });
    cluster.computeNodeRoleList[0].role.grantPassRole(consumer);
    cluster.headNodeRole.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects('*')] }));
    cluster.headNodeRole.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'));
  });
});

test('the roles derived from a cluster configuration file', () => {
  synthesizes((stack) => {
    new ParallelClusterIam(stack, 'FromFile', {
      configuration: ClusterConfiguration.fromFile(path.join(ROOT, 'examples', 'cluster-config.yaml')),
    });
  });
});

test('a cluster deployed through ParallelCluster\'s custom resource', () => {
  synthesizes((stack) => {
    new ParallelCluster(stack, 'Hpc', {
      configuration: ClusterConfiguration.fromFile(path.join(ROOT, 'test', 'cluster', 'cluster.yaml')),
      clusterName: 'hpc-1',
    });
  });
});

test('the standalone user role and the boundary', () => {
  synthesizes((stack) => {
    new ParallelClusterUserRole(stack, 'User', { iamAccessMode: IamAccessMode.restricted(), clusterNames: ['team-a-'] });
    new ParallelClusterBoundary(stack, 'TeamBoundary');
  });
});

test('the check can fail: a deprecated call throws here', () => {
  const stack = awsStack();
  const a = new iam.CfnRole(stack, 'A', { assumeRolePolicyDocument: {} });
  const b = new iam.CfnRole(stack, 'B', { assumeRolePolicyDocument: {} });
  // `addDependsOn` is deprecated at the floor and at the newest release.
  expect(() => a.addDependsOn(b)).toThrow(/deprecated/);
});
