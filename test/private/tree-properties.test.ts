import * as fs from 'fs';
import { join } from 'path';
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterIam } from '../../src';
import { TREE_PROPERTIES_CONTEXT } from '../../src/private/tree-properties';
import { AWS, stackIn } from '../support/stacks';

/*
 * The library's own resources are listed in tree.json by their type only (src/private/tree-properties.ts):
 * their properties are the template's. The user's resources keep aws-cdk-lib's behaviour, and a context key
 * brings the library's properties back.
 */

const TYPE = 'aws:cdk:cloudformation:type';
const PROPS = 'aws:cdk:cloudformation:props';

/** A cluster's IAM and, beside it, a role and a policy of the user's own, as an L1 and an L2. */
function clusterStack(context?: unknown): Stack {
  const stack = stackIn(AWS);
  if (context !== undefined) {
    stack.node.setContext(TREE_PROPERTIES_CONTEXT, context);
  }
  new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['q1', 'q2'], loginNodePools: ['login'], enableImageBuilder: true, clusterName: 'c' });
  new iam.CfnRole(stack, 'OwnCfnRole', { assumeRolePolicyDocument: { Statement: [] }, path: '/own/' });
  new iam.Role(stack, 'OwnRole', { assumedBy: new iam.AccountRootPrincipal() })
    .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  return stack;
}

/** Each L1 resource of the stack with its tree.json attributes and its template properties. */
function treeAndTemplate(stack: Stack): Array<{ resource: CfnResource; attributes: any; properties: any }> {
  const assembly = Stage.of(stack)!.synth();
  const resources = assembly.getStackByName(stack.stackName).template.Resources;
  const tree = JSON.parse(fs.readFileSync(join(assembly.directory, 'tree.json'), 'utf-8'));
  return stack.node.findAll().filter(CfnResource.isCfnResource).filter((r) => r.cfnResourceType.startsWith('AWS::IAM::')).map((resource) => ({
    resource,
    attributes: resource.node.scopes.slice(1).reduce((node, scope) => node.children[scope.node.id], tree.tree).attributes,
    properties: resources[stack.resolve(resource.logicalId)].Properties,
  }));
}

const isOwn = (resource: CfnResource) => resource.node.path.includes('/Own');

describe("the library's resources in tree.json", () => {
  test('are listed by type only; the user\'s resources keep their properties', () => {
    const entries = treeAndTemplate(clusterStack());
    const library = entries.filter((e) => !isOwn(e.resource));
    // The roles, their instance profiles and their managed policies.
    expect(new Set(library.map((e) => e.resource.cfnResourceType))).toEqual(new Set(['AWS::IAM::Role', 'AWS::IAM::InstanceProfile', 'AWS::IAM::ManagedPolicy']));
    for (const { resource, attributes } of library) {
      expect(attributes).toEqual({ [TYPE]: resource.cfnResourceType });
    }
    const own = entries.filter((e) => isOwn(e.resource));
    // The user's CfnRole, iam.Role and its default policy.
    expect(own.map((e) => e.resource.cfnResourceType).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role']);
    for (const { resource, attributes } of own) {
      expect(attributes[TYPE]).toBe(resource.cfnResourceType);
      expect(attributes[PROPS]).toBeDefined();
    }
    expect(own.find((e) => e.resource.node.path.endsWith('/OwnCfnRole'))!.attributes[PROPS].path).toBe('/own/');
  });

  test.each([true, 'true'])('list their properties, as the template has them, with the context set to %p', (context) => {
    const entries = treeAndTemplate(clusterStack(context)).filter((e) => !isOwn(e.resource));
    expect(entries.length).toBeGreaterThan(10);
    for (const { resource, attributes, properties } of entries) {
      expect(attributes[TYPE]).toBe(resource.cfnResourceType);
      expect(attributes[PROPS].path).toBe(properties.Path);
      if (resource.cfnResourceType === 'AWS::IAM::Role') {
        expect(attributes[PROPS].roleName).toBe(properties.RoleName);
        expect(attributes[PROPS].assumeRolePolicyDocument).toEqual(properties.AssumeRolePolicyDocument);
      }
      if (resource.cfnResourceType === 'AWS::IAM::ManagedPolicy') {
        expect(attributes[PROPS].policyDocument).toEqual(properties.PolicyDocument);
      }
    }
  });

  test('any other value of the context leaves them out', () => {
    for (const { resource, attributes } of treeAndTemplate(clusterStack(false)).filter((e) => !isOwn(e.resource))) {
      expect(attributes).toEqual({ [TYPE]: resource.cfnResourceType });
    }
  });
});
