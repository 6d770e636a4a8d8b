import * as iam from 'aws-cdk-lib/aws-iam';
import { IamAccessMode, ParallelClusterUserRole, ParallelClusterVersion } from '../src';
import { PolicySimulator } from './support/simulate';
import { ENVIRONMENTS, stackIn } from './support/stacks';

describe('IamAccessMode', () => {
  test('the three modes of the doc', () => {
    const boundary = iam.ManagedPolicy.fromManagedPolicyArn(stackIn(ENVIRONMENTS[0]), 'B', 'arn:aws:iam::111122223333:policy/Boundary');
    const modes = [IamAccessMode.privileged(), IamAccessMode.restricted(), IamAccessMode.permissionsBoundary(boundary)];
    expect(modes.map((m) => [m.name, m.grantsIamRights, m.boundary])).toEqual([
      ['privileged', true, undefined],
      ['restricted', false, undefined],
      ['permissionsBoundary', true, boundary],
    ]);
  });

  test('the default mode of the user role is restricted', () => {
    const stack = stackIn(ENVIRONMENTS[0]);
    const user = new ParallelClusterUserRole(stack, 'User');
    expect(user.iamAccessMode.name).toBe('restricted');
    // No IAM policy: only the base policy (in two parts in the latest revision, which is larger).
    expect(user.managedPolicies.map((policy) => (policy as iam.ManagedPolicy).node.id)).toEqual(['BasePolicy', 'BasePolicy2']);
  });

  // The boundary may come from anywhere: created in the app, or imported by ARN or by name.
  describe.each(ENVIRONMENTS)('boundary sources in $partition', (env) => {
    const p = env.partition;
    test.each([
      ['created in the stack', (stack: any) => new iam.ManagedPolicy(stack, 'Boundary', {
        managedPolicyName: 'ClusterBoundary',
        statements: [new iam.PolicyStatement({ actions: ['*'], resources: ['*'] })],
      })],
      ['imported by name', (stack: any) => iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'ClusterBoundary')],
      ['imported by ARN', (stack: any) => iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Boundary', `arn:${p}:iam::111122223333:policy/ClusterBoundary`)],
    ])('%s', async (_name, make) => {
      const stack = stackIn(env);
      const user = new ParallelClusterUserRole(stack, 'User', {
        parallelClusterVersion: ParallelClusterVersion.V3_2,
        iamAccessMode: IamAccessMode.permissionsBoundary(make(stack)),
      });
      const sim = PolicySimulator.forRole(stack, user.role);
      const role = `arn:${p}:iam::111122223333:role/parallelcluster/head`;
      expect(await Promise.all([
        sim.decision('iam:CreateRole', role, { 'iam:PermissionsBoundary': `arn:${p}:iam::111122223333:policy/ClusterBoundary` }),
        sim.decision('iam:CreateRole', role, { 'iam:PermissionsBoundary': `arn:${p}:iam::111122223333:policy/OtherBoundary` }),
        sim.decision('iam:CreateRole', role),
      ])).toEqual(['Allowed', 'ImplicitlyDenied', 'ImplicitlyDenied']);
    });
  });
});
