/**
 * The CDK app the local deploy test (`npx projen integ:local`, see docs/deploy-test.md) deploys to
 * the moto emulator. It is an ordinary app: `cdk deploy --app 'ts-node integ/deploy-app.ts'`.
 *
 * The context value `integ:variant` selects the stack's shape, so that the test can deploy one shape
 * and then update the same stack to another:
 * - `base` (the default): what the test deploys first;
 * - `updated`: `base` with one add-on toggled, so that the update adds resources and must leave
 *   every other resource as it was.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamAccessMode, ParallelClusterUserRole } from '../src';
import { INTEG_IAM_PATH, INTEG_STACK_NAME, VARIANTS } from './constants';

const app = new App();
const variant = app.node.tryGetContext('integ:variant') ?? 'base';
if (!(VARIANTS as readonly string[]).includes(variant)) {
  throw new Error(`Context integ:variant is '${variant}': use one of ${VARIANTS.join(', ')}.`);
}
const stack = new Stack(app, INTEG_STACK_NAME, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

// A boundary the organisation would own: the cluster roles must carry it in permissions-boundary mode.
const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
  description: 'Permissions boundary of the ParallelCluster roles (integration test)',
  statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
});

const user = new ParallelClusterUserRole(stack, 'User', {
  iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
  iamPath: INTEG_IAM_PATH,
  permissionsBoundary: boundary,
  enableFsxLustre: variant === 'updated',
});

new CfnOutput(stack, 'UserRoleArn', { value: user.roleArn });
