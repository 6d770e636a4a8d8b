/**
 * The cluster deploy test: deploys a `ParallelCluster` (integ/cluster-app.ts) with the AWS CDK CLI to the
 * local emulator, with a stand-in provider (integ/stand-in-provider.ts) in place of ParallelCluster's,
 * updates it and destroys it. Run it with `npx projen integ:local`; docs/deploy-test.md says what it proves
 * (CloudFormation's wiring of the cluster stack: properties, strings, attributes, update and delete order,
 * the deletion policy) and what it does not (ParallelCluster itself).
 */
import * as fs from 'fs';
import * as path from 'path';
import { DescribeStacksCommand, ListStackResourcesCommand, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { INTEG_CLUSTER_NAME, INTEG_CLUSTER_STACK_NAME } from './constants';
import { CLUSTER_APP, Template, cdkAsync, cfn, iamClient, readStack, workDir } from './readback';
import { RecordedRequest, StandInProvider, standInAttributes } from './stand-in-provider';
import { LATEST_CHECKED_RELEASE } from '../src/policies/revisions';
import { PCLUSTER_NAMES, PROVIDER_TEMPLATE_KEY } from '../src/private/pcluster-rules';

jest.setTimeout(10 * 60_000);

const CLUSTER_TYPE = 'Custom::PclusterCluster';

/** The stack's resources, by logical id (all pages). */
async function stackResources(stackName: string): Promise<Record<string, StackResourceSummary>> {
  const result: Record<string, StackResourceSummary> = {};
  let NextToken: string | undefined;
  do {
    const page = await cfn().send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
    for (const r of page.StackResourceSummaries ?? []) {
      result[r.LogicalResourceId!] = r;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return result;
}

async function outputs(stackName: string): Promise<Record<string, string>> {
  const stack = (await cfn().send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0];
  return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
}

/**
 * When the provider receives a request, which resources of the cluster stack exist (not deleted): the
 * cluster must be deleted while the roles it runs with and the provider stack are still there.
 */
async function observe(request: RecordedRequest): Promise<any> {
  if (request.RequestType !== 'Delete') {
    return undefined;
  }
  const resources = await stackResources(INTEG_CLUSTER_STACK_NAME);
  return Object.fromEntries(Object.entries(resources).map(([id, r]) => [id, r.ResourceStatus]));
}

const provider = new StandInProvider(observe);

/** The CLI runs while the stand-in, in this process, answers: it must not block the event loop. */
async function cdkCluster(label: string, args: string[]): Promise<void> {
  await cdkAsync(label, args, CLUSTER_APP);
}

/** Where ParallelCluster serves its provider template in us-east-1 (src/cluster/provider.ts). */
const PROVIDER_BUCKET = `us-east-1-${PCLUSTER_NAMES.publicBucketInfix}`;
const PROVIDER_KEY = `parallelcluster/${LATEST_CHECKED_RELEASE}/${PROVIDER_TEMPLATE_KEY}`;

/**
 * Puts the stand-in template where the emulator reads the provider stack's TemplateURL: LocalStack fetches a
 * TemplateURL of S3 from its own S3, by bucket and key. (Plain HTTP: the emulator's S3 takes unsigned
 * requests, and the test has no S3 client.)
 */
async function putStandInTemplate(): Promise<void> {
  const endpoint = process.env.AWS_ENDPOINT_URL!;
  for (const [url, body] of [[`${endpoint}/${PROVIDER_BUCKET}`, undefined], [`${endpoint}/${PROVIDER_BUCKET}/${PROVIDER_KEY}`, JSON.stringify(provider.template())]]) {
    const response = await fetch(url!, { method: 'PUT', body });
    if (!response.ok) {
      throw new Error(`PUT ${url} failed: ${response.status} ${await response.text()}`);
    }
  }
}

async function deployCluster(variant: string): Promise<Template> {
  const out = path.join(workDir(), `cluster-${variant}.out`);
  await cdkCluster(`cluster-deploy-${variant}`, ['deploy', '--context', `integ:variant=${variant}`, '--output', out, '--require-approval', 'never']);
  return JSON.parse(fs.readFileSync(path.join(out, `${INTEG_CLUSTER_STACK_NAME}.template.json`), 'utf8'));
}

function clusterLogicalId(template: Template): string {
  const ids = Object.entries(template.Resources).filter(([, r]) => r.Type === CLUSTER_TYPE).map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The template's value with each role's Fn::GetAtt Arn replaced by the deployed role's ARN. */
async function withRoleArns(value: any, template: Template, physical: Record<string, StackResourceSummary>): Promise<any> {
  if (Array.isArray(value)) {
    return Promise.all(value.map((v) => withRoleArns(v, template, physical)));
  }
  if (value && typeof value === 'object') {
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn' && template.Resources[getAtt[0]]?.Type === 'AWS::IAM::Role') {
      const role = await iamClient().send(new GetRoleCommand({ RoleName: physical[getAtt[0]].PhysicalResourceId! }));
      return role.Role!.Arn;
    }
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await withRoleArns(v, template, physical)]));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Every scalar of a value, with its path, that is not a string. */
function nonStrings(value: any, where = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => nonStrings(v, `${where}/${i}`));
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => nonStrings(v, `${where}/${k}`));
  }
  return typeof value === 'string' ? [] : [`${where}: ${JSON.stringify(value)}`];
}

describe(`cdk deploy of ${INTEG_CLUSTER_STACK_NAME} (a ParallelCluster, stand-in provider) to the local emulator`, () => {
  let base: Template;
  let baseResources: Record<string, StackResourceSummary>;
  let updated: Template;

  beforeAll(async () => {
    await provider.start();
    await putStandInTemplate();
    // The cluster stack's template is larger than the 51,200 bytes CloudFormation takes inline: the CLI
    // uploads it to the bootstrap bucket (a no-op when integ/deploy.test.ts bootstrapped already).
    await cdkCluster('cluster-bootstrap', ['bootstrap']);
    base = await deployCluster('base');
    baseResources = await stackResources(INTEG_CLUSTER_STACK_NAME);
  });

  afterAll(async () => {
    await provider.stop();
  });

  describe('create', () => {
    test('the provider stack gets the provider role as CustomLambdaRole, and the cluster its ServiceToken', async () => {
      const [nestedId] = Object.entries(base.Resources).filter(([, r]) => r.Type === 'AWS::CloudFormation::Stack').map(([id]) => id);
      // The library's own TemplateURL (the emulator read the stand-in from its S3 there).
      const [, parts] = base.Resources[nestedId].Properties.TemplateURL['Fn::Join'];
      const url = parts.map((p: any) => (p.Ref === 'AWS::Region' ? 'us-east-1' : p.Ref === 'AWS::URLSuffix' ? 'amazonaws.com' : p)).join('');
      expect(url).toBe(`https://${PROVIDER_BUCKET}.s3.us-east-1.amazonaws.com/${PROVIDER_KEY}`);
      const roleId: string = base.Resources[nestedId].Properties.Parameters.CustomLambdaRole['Fn::GetAtt'][0];
      expect(base.Resources[roleId].Type).toBe('AWS::IAM::Role');
      const nestedOutputs = await outputs(baseResources[nestedId].PhysicalResourceId!);
      const role = await iamClient().send(new GetRoleCommand({ RoleName: baseResources[roleId].PhysicalResourceId! }));
      expect(nestedOutputs.CustomLambdaRole).toBe(role.Role!.Arn);

      expect(provider.requests.map((r) => r.RequestType)).toEqual(['Create']);
      expect(provider.requests[0].ServiceToken).toBe(nestedOutputs.ServiceToken);
      expect(provider.requests[0].ResourceType).toBe(CLUSTER_TYPE);
      expect(provider.requests[0].LogicalResourceId).toBe(clusterLogicalId(base));
    });

    test('the properties arrive as synthesized, with the deployed roles, every scalar a string', async () => {
      const request = provider.requests[0];
      const synthesized = base.Resources[clusterLogicalId(base)].Properties;
      const { ServiceToken, ...rest } = request.ResourceProperties;
      const { ServiceToken: _token, ...synthesizedRest } = synthesized;
      expect(ServiceToken).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/);
      expect(rest).toEqual(await withRoleArns(synthesizedRest, base, baseResources));
      expect(nonStrings(request.ResourceProperties)).toEqual([]);
      expect(rest.ClusterName).toBe(INTEG_CLUSTER_NAME);
      expect(rest.DeletionPolicy).toBe('Retain');
      expect(rest.ClusterConfiguration.Scheduling.SlurmSettings.ScaledownIdletime).toBe('10');
      expect(rest.ClusterConfiguration.HeadNode.Iam.InstanceRole).toMatch(/^arn:aws:iam::\d{12}:role\/parallelcluster\//);
    });

    test('Fn::GetAtt reads the attributes the provider answered with', async () => {
      const stackId = provider.requests[0].StackId;
      const expected = standInAttributes(INTEG_CLUSTER_NAME, 'Create', stackId);
      expect(await outputs(INTEG_CLUSTER_STACK_NAME)).toEqual(expect.objectContaining({
        HeadNodeInstanceId: expected['headNode.instanceId'],
        HeadNodePrivateIpAddress: expected['headNode.privateIpAddress'],
        ClusterStatus: 'CREATE_COMPLETE',
        CloudformationStackArn: expected.cloudformationStackArn,
        Version: '3.16.1',
        ValidationMessages: '[]',
        LoginNodesAddress: expected['loginNodes.0.address'],
      }));
      expect(baseResources[clusterLogicalId(base)].PhysicalResourceId).toBe(INTEG_CLUSTER_NAME);
    });
  });

  describe('update', () => {
    beforeAll(async () => {
      updated = await deployCluster('updated');
    });

    test('one Update request, in place, with the old and the new properties', () => {
      expect(provider.requests.map((r) => r.RequestType)).toEqual(['Create', 'Update']);
      const [create, update] = provider.requests;
      expect(update.PhysicalResourceId).toBe(INTEG_CLUSTER_NAME);
      expect(update.OldResourceProperties).toEqual(create.ResourceProperties);
      const config = update.ResourceProperties.ClusterConfiguration;
      expect(config.Scheduling.SlurmSettings.ScaledownIdletime).toBe('20');
      expect(config.Scheduling.SlurmQueues[0].ComputeResources[0].MaxCount).toBe('32');
      expect(nonStrings(update.ResourceProperties)).toEqual([]);
      expect(clusterLogicalId(updated)).toBe(clusterLogicalId(base));
    });

    test('the attributes are the update\'s', async () => {
      expect((await outputs(INTEG_CLUSTER_STACK_NAME)).ClusterStatus).toBe('UPDATE_COMPLETE');
      expect((await readStack(INTEG_CLUSTER_STACK_NAME))?.StackStatus).toBe('UPDATE_COMPLETE');
    });
  });

  describe('cdk destroy', () => {
    beforeAll(async () => {
      await cdkCluster('cluster-destroy', ['destroy', '--force']);
    });

    test('one Delete request, with the deletion policy, while everything else of the stack still exists', () => {
      expect(provider.requests.map((r) => r.RequestType)).toEqual(['Create', 'Update', 'Delete']);
      const del = provider.requests[2];
      expect(del.PhysicalResourceId).toBe(INTEG_CLUSTER_NAME);
      expect(del.ResourceProperties.DeletionPolicy).toBe('Retain');
      const others = Object.entries(del.observed as Record<string, string>)
        .filter(([id]) => id !== clusterLogicalId(updated));
      expect(others.length).toBe(Object.keys(updated.Resources).length - 1);
      expect(others.filter(([, status]) => status.startsWith('DELETE_'))).toEqual([]);
    });

    test('the stack is gone, and the stand-in met no problem', async () => {
      expect(await readStack(INTEG_CLUSTER_STACK_NAME)).toBeUndefined();
      expect(provider.errors).toEqual([]);
    });
  });
});
