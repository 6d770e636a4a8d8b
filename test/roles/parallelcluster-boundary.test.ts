import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IamAccessMode, ParallelClusterBoundary, ParallelClusterIam, ParallelClusterVersion } from '../../src';
import { MANAGED_POLICY_SIZE_QUOTA, policyDocumentSize } from '../../src/private/policy-size';
import { parallelClusterCalls, describeCall, CallerRole } from '../support/pcluster-calls';
import { PolicySimulator } from '../support/simulate';
import { AWS, ENVIRONMENTS, agnosticStack, stackIn } from '../support/stacks';

/*
 * ParallelClusterBoundary (issue 18, finding 2): one managed policy within IAM's quota, that caps the
 * cluster roles at what ParallelCluster needs (the calls matrix still passes for every cluster role
 * under it) and refuses wide additions. That it stops escalation is proved by the attack matrix
 * (test/proof/attack-matrix.test.ts, boundaryAttackRequests).
 */

describe('size', () => {
  test.each([
    ['LATEST', ParallelClusterVersion.LATEST],
    ['V3_2', ParallelClusterVersion.V3_2],
  ])('stays within one managed policy at %s, in every partition and env-agnostic', (_name, version) => {
    const stacks = [...ENVIRONMENTS.map((env) => stackIn(env)), agnosticStack()];
    for (const stack of stacks) {
      const boundary = new ParallelClusterBoundary(stack, 'Boundary', { parallelClusterVersion: version, iamPath: '/team-with-a-long-name/parallelcluster/' });
      const size = policyDocumentSize(stack, boundary.document);
      expect(size).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_QUOTA - 500);
      // With the image build roles too: still one policy, with less room for additionalStatements.
      const withImages = new ParallelClusterBoundary(stack, 'WithImages', { parallelClusterVersion: version, enableImageBuilder: true });
      expect(policyDocumentSize(stack, withImages.document)).toBeLessThanOrEqual(MANAGED_POLICY_SIZE_QUOTA);
    }
  });

  test('additions past the quota fail synthesis with the size', () => {
    const app = new App();
    const stack = new Stack(app, 'Big', { env: { account: '111122223333', region: 'us-east-1' } });
    new ParallelClusterBoundary(stack, 'Boundary', {
      additionalStatements: Array.from({ length: 40 }, (_, i) => new iam.PolicyStatement({
        actions: ['s3:GetObject'], resources: [`arn:aws:s3:::a-bucket-with-a-rather-long-name-number-${i}/*`],
      })),
    });
    expect(() => app.synth()).toThrow(/ParallelClusterBoundary is \d+ characters, over IAM's 6144-character managed-policy quota/);
  });
});

describe('inputs', () => {
  test('an admin-equivalent additional statement is refused', () => {
    expect(() => new ParallelClusterBoundary(stackIn(AWS), 'Boundary', {
      additionalStatements: [new iam.PolicyStatement({ actions: ['ssm:*'], resources: ['*'] })],
    })).toThrow(/additionalStatements has .*ssm:\*.*which grants ssm:SendCommand on every instance/);
  });

  test('iamPath is checked', () => {
    expect(() => new ParallelClusterBoundary(stackIn(AWS), 'Boundary', { iamPath: '/' })).toThrow(/iamPath '\/' would make every role/);
  });

  test.each(ENVIRONMENTS)('secrets: only the named ones, in $partition', async (env) => {
    const stack = stackIn(env);
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Ad', 'hpc/ad-password');
    const boundary = new ParallelClusterBoundary(stack, 'Boundary', { secrets: [secret] });
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      permissionsBoundary: boundary,
      inlinePolicies: { All: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: ['*'] })] }) },
    });
    const sim = PolicySimulator.forRole(stack, role);
    const arn = (name: string) => `arn:${env.partition}:secretsmanager:${env.region}:${env.account}:secret:${name}`;
    expect(await Promise.all([
      sim.decision('secretsmanager:GetSecretValue', arn('hpc/ad-password-AbCdEf')),
      sim.decision('secretsmanager:GetSecretValue', arn('prod/db-AbCdEf')),
    ])).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});

describe.each(ENVIRONMENTS)('ParallelCluster still works under it, in $partition', (env) => {
  test('every call of every cluster role is allowed with the boundary on the roles', async () => {
    const stack = stackIn(env);
    const boundary = new ParallelClusterBoundary(stack, 'Boundary', { enableImageBuilder: true });
    const cluster = new ParallelClusterIam(stack, 'Cluster', {
      iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
      slurmQueues: ['compute'],
      loginNodePools: ['login'],
      enableImageBuilder: true,
    });
    const roles: Partial<Record<CallerRole, iam.IRole>> = {
      headNode: cluster.headNodeRole.role,
      computeNode: cluster.computeNodeRoles.compute.role,
      loginNode: cluster.loginNodeRoles.login.role,
      lambdaFunctions: cluster.lambdaFunctionsRole.role,
      imageInstance: cluster.imageBuilderRoles!.instanceRole,
      imageCleanup: cluster.imageBuilderRoles!.cleanupLambdaRole,
    };
    const sims = Object.fromEntries(Object.entries(roles)
      .map(([k, r]) => [k, PolicySimulator.forRole(stack, r!)])) as Record<string, PolicySimulator>;
    for (const sim of Object.values(sims)) {
      expect(sim.permissionsBoundaryDocument).toBeDefined();
    }
    const arn = (r: iam.IRole) => sims.headNode.evaluate(stack.resolve(r.roleArn));
    const calls = parallelClusterCalls({
      env,
      clusterName: 'hpc-prod',
      imageId: 'hpc-image-1',
      roleArns: {
        headNode: arn(roles.headNode!),
        computeNode: arn(roles.computeNode!),
        loginNode: arn(roles.loginNode!),
        lambdaFunctions: arn(roles.lambdaFunctions!),
        imageInstance: arn(roles.imageInstance!),
      },
      boundaryArn: sims.headNode.evaluate(stack.resolve(boundary.managedPolicyArn)),
    });
    const rows = calls.flatMap((call) => call.roles.filter((role) => sims[role] !== undefined).map((role) => ({ role, call })));
    expect(new Set(rows.map((r) => r.role)).size).toBe(6);
    const decisions = await Promise.all(rows.map(({ role, call }) => sims[role].decision(call.action, call.resource, call.context)));
    const refused = rows.flatMap(({ role, call }, i) => (decisions[i] === 'Allowed' ? [] : [`${role} ${call.operation}: ${describeCall(call)}: ${decisions[i]}`]));
    expect(refused).toEqual([]);
    expect(rows.length).toBeGreaterThan(40);
  });
});

describe('the wide-boundary check', () => {
  // ARNs built with the stack's partition resolve to Fn::Join: the check must read their literal parts, not
  // take the whole ARN as unknown (which matched every role and warned on the library's own boundary).
  test.each([['with an account and region', () => stackIn(AWS)], ['env-agnostic', () => agnosticStack()]])('%s, the library\'s boundary gets no wide-boundary warning; PassRole on every role does', (_name, newStack) => {
    const stack = newStack();
    const boundary = new ParallelClusterBoundary(stack, 'Boundary');
    new ParallelClusterIam(stack, 'Cluster', { clusterName: 'hpc', slurmQueues: ['q'], iamAccessMode: IamAccessMode.permissionsBoundary(boundary) });
    const wide = new iam.ManagedPolicy(stack, 'Wide', {
      statements: [new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: '*' })] })],
    });
    new ParallelClusterIam(stack, 'Other', { clusterName: 'other', slurmQueues: ['q'], iamPath: '/other/', iamAccessMode: IamAccessMode.permissionsBoundary(wide) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('wideBoundary'));
    expect(warnings.filter((w) => w.id.startsWith('/Default/Cluster/') || w.id.includes('/Cluster/'))).toEqual([]);
    expect(warnings.some((w) => w.id.includes('/Other/'))).toBe(true);
  });
});
