// The TypeScript side of the bindings check (scripts/bindings-check.sh): the same configuration as
// examples/python/app.py and examples/java/.../BindingsExample.java, written the way a TypeScript user
// writes it. The three synthesized templates must be identical, so any change here must be made in the
// Python and Java apps as well.
//
// Outputs go to $CDK_OUTDIR (read by App itself), so the script can put each language's assembly apart.
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IamAccessMode, ParallelClusterUserRole } from '../../src';

const ACCOUNT = '123456789012';
const app = new App();

// Commercial partition, permissions-boundary mode, every optional feature: exercises a static factory
// with an argument, lists of interfaces and every prop type through the bindings.
const stack = new Stack(app, 'BindingsUserRole', { env: { account: ACCOUNT, region: 'us-east-1' } });
const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'parallelcluster-boundary');
const user = new ParallelClusterUserRole(stack, 'User', {
  assumedBy: new iam.AccountPrincipal(ACCOUNT),
  roleName: 'ParallelClusterUser',
  iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
  enableFsxLustre: true,
  fsxDataRepositoryBuckets: [s3.Bucket.fromBucketName(stack, 'FsxData', 'example-fsx-data')],
  enableImageBuilder: true,
  secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'SlurmDbPassword', 'slurmdb-password')],
  additionalIamPolicies: [iam.ManagedPolicy.fromManagedPolicyName(stack, 'Extra', 'parallelcluster-extra-s3')],
  customRoles: [iam.Role.fromRoleName(stack, 'CustomHead', 'custom-head-node')],
  iamPath: '/hpc/',
});
new CfnOutput(stack, 'UserRoleArn', { value: user.roleArn });
new CfnOutput(stack, 'IamAccessMode', { value: user.iamAccessMode.name });

// China partition with every default: no props object at all.
const china = new Stack(app, 'BindingsUserRoleChina', { env: { account: ACCOUNT, region: 'cn-north-1' } });
new CfnOutput(china, 'UserRoleArn', { value: new ParallelClusterUserRole(china, 'User').roleArn });

app.synth();
