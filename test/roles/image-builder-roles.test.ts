import { CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ImageBuilderRoles, ImageBuilderRolesProps, ParallelClusterVersion } from '../../src';
import {
  Statement,
  otherRegion,
  docAwsManagedPolicyArns,
  docStatements,
  expectAllowed,
  expectDenied,
  nearMisses,
  requests,
  requestsAllowedBy,
  roleStatements,
  drivable,
  withIssue12Narrowings,
  withIssue18Narrowings,
  withoutSid,
} from '../support/cluster-roles-helpers';
import { PolicySimulator } from '../support/simulate';
import { AWS, AWS_US_GOV, ENVIRONMENTS, TestEnvironment, awsStack, stackIn } from '../support/stacks';

const DOC_REVISION: ImageBuilderRolesProps = { parallelClusterVersion: ParallelClusterVersion.V3_2 };

function imageRoles(env: TestEnvironment, props: ImageBuilderRolesProps = {}) {
  const stack = stackIn(env);
  const roles = new ImageBuilderRoles(stack, 'Image', props);
  return {
    stack,
    roles,
    instance: PolicySimulator.forRole(stack, roles.instanceRole),
    cleanup: PolicySimulator.forRole(stack, roles.cleanupLambdaRole),
    template: Template.fromStack(stack),
  };
}

/**
 * The doc's cleanup block (revision V3_2) with its documented differences: `SNS:` written `sns:`, and the
 * service-side fixes every revision gets (src/policies/service-fixes.ts): CloudFormation's Lambda reads,
 * and the log group's ARN without `:*`. (V3_14's image-stack condition: test/policies/service-fixes.test.ts.)
 */
function expectedCleanup(env: TestEnvironment): Statement[] {
  return docStatements('imageBuilder.cleanupLambda', env)
    .map((s) => ({ ...s, Action: s.Action.map((action) => action.replace(/^SNS:/, 'sns:')) }))
    .map((s) => (s.Action.includes('lambda:DeleteFunction') ? { ...s, Action: [...s.Action, 'lambda:GetFunction', 'lambda:GetPolicy'] } : s))
    .map((s) => (s.Action.includes('logs:DeleteLogGroup') ? { ...s, Resource: [s.Resource[0].replace(/:\*$/, ''), ...s.Resource] } : s))
    // Issue 12: the build's own role and instance profile (ParallelClusterImage-<stack id>), not every one on the path.
    .map((s) => (s.Action.includes('iam:DeleteRole') || s.Action.includes('iam:DeleteInstanceProfile')
      ? { ...s, Resource: s.Resource.map((arn) => arn.replace(/\/parallelcluster\/\*$/, '/parallelcluster/ParallelClusterImage-*')) } : s))
    // Issue 18 (findings 4 and 5): image stacks and ParallelCluster's AMIs only, in every revision.
    .flatMap((s) => withIssue18Narrowings('imageBuilder.cleanupLambda', [s], env));
}

/** The instance block with the issue 12 and 18 narrowings. */
function expectedInstance(env: TestEnvironment): Statement[] {
  return withIssue18Narrowings('imageBuilder.instanceRole',
    withIssue12Narrowings('imageBuilder.instanceRole', docStatements('imageBuilder.instanceRole', env), env), env);
}

describe.each(ENVIRONMENTS)('ImageBuilderRoles in $partition', (env) => {
  const p = env.partition;
  const r = env.region;
  const a = env.account;

  describe('instance role', () => {
    test('its statements are the doc block imageBuilder.instanceRole, with a Sid', () => {
      const { instance } = imageRoles(env);
      expect(roleStatements(instance).map(withoutSid)).toEqual(expectedInstance(env));
      expect(roleStatements(instance).map((s) => s.Sid)).toEqual(['EC2ImageTagsAndAttributes', 'EC2ModifyParallelClusterImages']);
    });

    test('allows the doc block and denies its near misses and what it does not grant', async () => {
      const { instance } = imageRoles(env);
      // The StringLike statement (issue 12: AMIs of ParallelCluster's Image Builder images only) is checked by hand below.
      // Every statement is conditioned (issues 12 and 18: AMIs of ParallelCluster's Image Builder images only): by hand.
      expect(drivable(expectedInstance(env))).toEqual([]);
      const ami = `arn:${p}:ec2:${r}::image/ami-0123`;
      const builtBy = (image: string) => ({ 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/${image}/3.16.1/1` });
      await expectAllowed(instance, requests(
        ['ec2:ModifyImageAttribute', ami, builtBy('parallelclusterimage-my-image')],
        ['ec2:CreateTags', ami, builtBy('parallelclusterimage-my-image')],
      ));
      await expectDenied(instance, requests(
        ['ec2:ModifyImageAttribute', ami],
        ['ec2:ModifyImageAttribute', ami, builtBy('golden-image')],
        ['ec2:CreateTags', ami],
        ['ec2:CreateTags', ami, builtBy('golden-image')],
        ['ec2:CreateTags', `arn:${p}:ec2:${otherRegion(env)}::image/ami-0123`, builtBy('parallelclusterimage-my-image')],
      ));
      await expectDenied(instance, requests(
        ['ec2:DeregisterImage', `arn:${p}:ec2:${r}::image/ami-0123`],
        ['ec2:CreateTags', `arn:${p}:ec2:${r}:${a}:instance/i-0123`],
        ['ec2:ModifySnapshotAttribute', `arn:${p}:ec2:${r}::snapshot/snap-0123`],
      ));
    });

    test('has the doc\'s AWS managed policies and an EC2 trust under the partition\'s URL suffix', () => {
      const { instance, template, stack, roles } = imageRoles(env);
      expect(instance.awsManagedPolicyArns.sort()).toEqual(docAwsManagedPolicyArns('imageBuilder.instanceRole', env).sort());
      const trust = template.toJSON().Resources[stack.getLogicalId(roles.instanceRole.node.defaultChild as iam.CfnRole)]
        .Properties.AssumeRolePolicyDocument;
      expect(trust.Statement).toEqual([{
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: { 'Fn::Join': ['', ['ec2.', { Ref: 'AWS::URLSuffix' }]] } },
      }]);
      expect(instance.evaluate(trust.Statement[0].Principal.Service)).toBe(`ec2.${env.urlSuffix}`);
    });
  });

  describe('cleanup Lambda role', () => {
    test('its statements are the doc block imageBuilder.cleanupLambda (sns: in lower case), with a Sid each', () => {
      const { cleanup } = imageRoles(env, DOC_REVISION);
      expect(roleStatements(cleanup).map(withoutSid)).toEqual(expectedCleanup(env));
      expect(roleStatements(cleanup).map((s) => s.Sid)).toEqual([
        'IamDeleteRoles',
        'IamDeleteInstanceProfiles',
        'ImageBuilderDeleteInfrastructureConfiguration',
        'ImageBuilderDeleteComponent',
        'ImageBuilderDeleteImageRecipe',
        'ImageBuilderDeleteDistributionConfiguration',
        'ImageBuilderImage',
        'CloudFormationDeleteStack',
        'EC2TagImages',
        'TagResources',
        'LambdaDeleteFunction',
        'CloudWatchLogsDeleteLogGroup',
        'SNSDeleteTopic',
      ]);
    });

    test('allows every statement of the doc block', async () => {
      const { cleanup } = imageRoles(env, DOC_REVISION);
      await expectAllowed(cleanup, requestsAllowedBy(drivable(expectedCleanup(env)), env));
      // Issue 18: the conditioned statements, by hand.
      await expectAllowed(cleanup, requests(
        ['cloudformation:DeleteStack', `arn:${p}:cloudformation:${r}:${a}:stack/my-image/id`, { 'aws:ResourceTag/parallelcluster:image_id': 'my-image' }],
        ['ec2:CreateTags', `arn:${p}:ec2:${r}::image/ami-0123`,
          { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/parallelclusterimage-my-image/3.16.1/1` }],
      ));
      await expectDenied(cleanup, requests(
        ['cloudformation:DeleteStack', `arn:${p}:cloudformation:${r}:${a}:stack/payments/id`],
        ['ec2:CreateTags', `arn:${p}:ec2:${r}::image/ami-0123`],
      ));
    });

    test('denies near misses: other region, account, partition, IAM path', async () => {
      const { cleanup } = imageRoles(env, DOC_REVISION);
      await expectDenied(cleanup, nearMisses(drivable(expectedCleanup(env)), env));
    });

    test('denies what the doc does not grant', async () => {
      const { cleanup } = imageRoles(env, DOC_REVISION);
      await expectDenied(cleanup, requests(
        ['iam:CreateRole', `arn:${p}:iam::${a}:role/parallelcluster/ParallelClusterImage-x`],
        ['iam:DeleteRole', `arn:${p}:iam::${a}:role/admin`],
        ['iam:DeleteRole', `arn:${p}:iam::${a}:role/parallelcluster/my-cluster-HeadNode`],
        ['iam:DeleteRolePolicy', `arn:${p}:iam::${a}:role/parallelcluster/my-cluster/ComputeFleet`],
        ['iam:DeleteInstanceProfile', `arn:${p}:iam::${a}:instance-profile/parallelcluster/my-cluster-HeadNode`],
        ['imagebuilder:DeleteImage', `arn:${p}:imagebuilder:${r}:${a}:image/other-image/1.0.0/1`],
        ['imagebuilder:CreateImageRecipe', `arn:${p}:imagebuilder:${r}:${a}:image-recipe/parallelclusterimage-x/1.0.0`],
        ['lambda:DeleteFunction', `arn:${p}:lambda:${r}:${a}:function:pcluster-other`],
        ['lambda:InvokeFunction', `arn:${p}:lambda:${r}:${a}:function:ParallelClusterImage-x`],
        ['logs:DeleteLogGroup', `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/other:*`],
        ['sns:Publish', `arn:${p}:sns:${r}:${a}:ParallelClusterImage-x`],
        ['ec2:DeregisterImage', `arn:${p}:ec2:${r}::image/ami-0123`],
      ));
    });

    test('is trusted by Lambda and has AWSLambdaBasicExecutionRole', () => {
      const { cleanup, template, stack, roles } = imageRoles(env, DOC_REVISION);
      expect(cleanup.awsManagedPolicyArns).toEqual(docAwsManagedPolicyArns('imageBuilder.cleanupLambda', env));
      const trust = template.toJSON().Resources[stack.getLogicalId(roles.cleanupLambdaRole.node.defaultChild as iam.CfnRole)]
        .Properties.AssumeRolePolicyDocument;
      expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    });
  });
});

describe('ImageBuilderRoles options', () => {
  test('roles and instance profile are on the IAM path; the instance profile holds the instance role', () => {
    const { stack, roles, template } = imageRoles(AWS);
    const instanceId = stack.getLogicalId(roles.instanceRole.node.defaultChild as iam.CfnRole);
    const cleanupId = stack.getLogicalId(roles.cleanupLambdaRole.node.defaultChild as iam.CfnRole);
    const profileId = stack.getLogicalId(roles.instanceProfile.node.defaultChild as iam.CfnInstanceProfile);
    const resources = template.toJSON().Resources;
    expect(resources[instanceId].Properties.Path).toBe('/parallelcluster/');
    expect(resources[cleanupId].Properties.Path).toBe('/parallelcluster/');
    template.resourceCountIs('AWS::IAM::InstanceProfile', 1);
    expect(resources[profileId].Properties).toEqual({ Path: '/parallelcluster/', Roles: [{ Ref: instanceId }] });
    expect(stack.resolve(roles.instanceRoleArn)).toEqual({ 'Fn::GetAtt': [instanceId, 'Arn'] });
    expect(stack.resolve(roles.cleanupLambdaRoleArn)).toEqual({ 'Fn::GetAtt': [cleanupId, 'Arn'] });
    expect(stack.resolve(roles.instanceProfileArn)).toEqual({ 'Fn::GetAtt': [profileId, 'Arn'] });
    expect(roles.managedPolicies).toHaveLength(2);
    expect(roles.grantPrincipal).toBe(roles.instanceRole);
  });

  test('a custom iamPath moves the roles and profile, while the cleanup keeps deleting on /parallelcluster/', async () => {
    const { roles, template, stack, cleanup } = imageRoles(AWS_US_GOV, { ...DOC_REVISION, iamPath: '/hpc/' });
    expect(roles.iamPath).toBe('/hpc/');
    const resources = template.toJSON().Resources;
    for (const construct of [roles.instanceRole, roles.cleanupLambdaRole, roles.instanceProfile]) {
      expect(resources[stack.getLogicalId(construct.node.defaultChild as CfnResource)].Properties.Path).toBe('/hpc/');
    }
    // ParallelCluster creates the build's instance profile (and default roles) on its fixed path.
    expect(roleStatements(cleanup).map(withoutSid)).toEqual(expectedCleanup(AWS_US_GOV));
    await expectAllowed(cleanup, requests(
      ['iam:DeleteInstanceProfile', 'arn:aws-us-gov:iam::111122223333:instance-profile/parallelcluster/ParallelClusterImage-x'],
      ['iam:DeleteRole', 'arn:aws-us-gov:iam::111122223333:role/parallelcluster/ParallelClusterImage-x'],
    ));
    await expectDenied(cleanup, requests(
      ['iam:DeleteInstanceProfile', 'arn:aws-us-gov:iam::111122223333:instance-profile/hpc/x'],
      ['iam:DeleteRole', 'arn:aws-us-gov:iam::111122223333:role/hpc/x'],
    ));
  });

  test('an invalid iamPath is an error', () => {
    expect(() => new ImageBuilderRoles(awsStack(), 'Image', { iamPath: '/' })).toThrow(/iamPath '\/' would make every role/);
    expect(() => new ImageBuilderRoles(awsStack(), 'Image', { iamPath: '/a b/' })).toThrow(/iamPath '\/a b\/' is not a valid IAM path/);
  });

  test('enableSessionManager: false drops AmazonSSMManagedInstanceCore from the instance role only', () => {
    const { instance, cleanup } = imageRoles(AWS, { enableSessionManager: false });
    expect(instance.awsManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder']);
    expect(cleanup.awsManagedPolicyArns).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  });

  test('lambdaFunctionsInVpc adds AWSLambdaVPCAccessExecutionRole to the cleanup role only', () => {
    const { instance, cleanup } = imageRoles(AWS, { lambdaFunctionsInVpc: true });
    expect(cleanup.awsManagedPolicyArns).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
    ]);
    expect(instance.awsManagedPolicyArns.sort()).toEqual(docAwsManagedPolicyArns('imageBuilder.instanceRole', AWS).sort());
  });

  test('additionalIamPolicies go to the instance role only', () => {
    const stack = awsStack();
    const extra = iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Components', 'arn:aws:iam::111122223333:policy/read-components');
    const roles = new ImageBuilderRoles(stack, 'Image', { additionalIamPolicies: [extra] });
    const resources = Template.fromStack(stack).toJSON().Resources;
    const arnsOf = (role: iam.IRole) => resources[stack.getLogicalId(role.node.defaultChild as iam.CfnRole)].Properties.ManagedPolicyArns;
    expect(arnsOf(roles.instanceRole)).toContain('arn:aws:iam::111122223333:policy/read-components');
    expect(arnsOf(roles.cleanupLambdaRole)).not.toContain('arn:aws:iam::111122223333:policy/read-components');
  });

  test('a permissions boundary from the prop or from iam.PermissionsBoundary.of reaches both roles', () => {
    const stack = awsStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'pcluster-boundary');
    new ImageBuilderRoles(stack, 'WithProp', { permissionsBoundary: boundary });
    iam.PermissionsBoundary.of(new ImageBuilderRoles(stack, 'Scoped')).apply(boundary);
    const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(4);
    for (const role of roles) {
      expect(stack.resolve(role.Properties.PermissionsBoundary)).toEqual(stack.resolve(boundary.managedPolicyArn));
    }
  });
});

describe('ImageBuilderRoles role names', () => {
  test('each role takes its own name, on the IAM path', () => {
    const stack = awsStack();
    new ImageBuilderRoles(stack, 'Image', { instanceRoleName: 'hpc-image-build', cleanupLambdaRoleName: 'hpc-image-cleanup' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'hpc-image-build', Path: '/parallelcluster/' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'hpc-image-cleanup', Path: '/parallelcluster/' });
  });

  test.each([
    [{ instanceRoleName: 'bad name' }, /instanceRoleName 'bad name' is not a valid IAM role name/],
    [{ cleanupLambdaRoleName: 'x'.repeat(65) }, /cleanupLambdaRoleName 'x+' is not a valid IAM role name: use 1 to 64 characters/],
  ])('an invalid name %p is refused at synth time', (props, message) => {
    expect(() => new ImageBuilderRoles(awsStack(), 'Image', props)).toThrow(message);
  });
});
