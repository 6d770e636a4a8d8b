import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
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
  ParallelClusterVersion,
  Scheduler,
} from '../../src';

/*
 * Snapshots of each construct's template, in one fixed environment. They catch any change to what the
 * library synthesizes, intended or not: the `test` task runs jest with `--ci` and never with
 * `--updateSnapshot`, so a changed template fails the build and a missing snapshot is not written.
 * Review the diff, then accept it with `npx projen test:update`.
 *
 * The other tests check what the policies mean; these check that nothing else moved (logical ids, which
 * CloudFormation uses to decide what to replace; descriptions; the split of statements into policies).
 */

const ENV = { region: 'us-east-1', account: '123456789012' };

function newStack(): Stack {
  return new Stack(new App(), 'Snapshot', { env: ENV });
}

function snapshot(stack: Stack): unknown {
  return Template.fromStack(stack).toJSON();
}

describe('ParallelClusterUserRole', () => {
  test('defaults (restricted mode)', () => {
    const stack = newStack();
    new ParallelClusterUserRole(stack, 'User');
    expect(snapshot(stack)).toMatchSnapshot();
  });

  test('every option (permissions-boundary mode, AWS Batch, FSx, image builder, custom roles, secrets)', () => {
    const stack = newStack();
    new ParallelClusterUserRole(stack, 'User', {
      // AWS Batch ends with ParallelCluster 3.15.
      parallelClusterVersion: ParallelClusterVersion.V3_15,
      iamAccessMode: IamAccessMode.permissionsBoundary(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'cluster-boundary')),
      enableAwsBatch: true,
      enableFsxLustre: true,
      fsxDataRepositoryBuckets: [s3.Bucket.fromBucketName(stack, 'Data', 'my-fsx-data')],
      enableImageBuilder: true,
      secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'slurm/dbpassword')],
      additionalIamPolicies: [iam.ManagedPolicy.fromManagedPolicyName(stack, 'Extra', 'cluster-extra')],
      customRoles: [iam.Role.fromRoleName(stack, 'Custom', 'my-head-node-role')],
      iamPath: '/hpc/',
      roleName: 'parallelcluster-user',
      permissionsBoundary: iam.ManagedPolicy.fromManagedPolicyName(stack, 'UserBoundary', 'user-boundary'),
    });
    expect(snapshot(stack)).toMatchSnapshot();
  });
});

describe.each([
  ['HeadNodeRole (Slurm)', (stack: Stack) => new HeadNodeRole(stack, 'HeadNode')],
  ['HeadNodeRole (AWS Batch)', (stack: Stack) => new HeadNodeRole(stack, 'HeadNode', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: ParallelClusterVersion.V3_15 })],
  ['ComputeNodeRole', (stack: Stack) => new ComputeNodeRole(stack, 'ComputeNode')],
  ['LoginNodeRole', (stack: Stack) => new LoginNodeRole(stack, 'LoginNode')],
  ['LambdaFunctionsRole', (stack: Stack) => new LambdaFunctionsRole(stack, 'LambdaFunctions')],
  ['ImageBuilderRoles', (stack: Stack) => new ImageBuilderRoles(stack, 'ImageBuilder')],
  ['ParallelClusterIam', (stack: Stack) => new ParallelClusterIam(stack, 'Cluster')],
])('%s', (_name, build) => {
  test('defaults', () => {
    const stack = newStack();
    build(stack);
    expect(snapshot(stack)).toMatchSnapshot();
  });
});

describe('the example app (examples/app.ts)', () => {
  test('template', () => {
    // The example synthesizes into ./example.out when it is loaded: run it in a scratch directory.
    const cwd = process.cwd();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'snapshot-example-'));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      process.chdir(scratch);
      jest.isolateModules(() => {
        // The example does its work when loaded. A dynamic import() would need jest's experimental ESM
        // support, so it is required, in a fresh module registry.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('../../examples/app');
      });
      const template = JSON.parse(fs.readFileSync(path.join(scratch, 'example.out', 'ParallelClusterIamExample.template.json'), 'utf-8'));
      expect(template).toMatchSnapshot();
    } finally {
      process.chdir(cwd);
      log.mockRestore();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
