/**
 * The command-line tool's output deploys as it is written: `cdk-parallelcluster-iam` turns
 * examples/cluster-config.yaml and examples/image-config.yaml into a template, which is created with
 * CloudFormation's CreateStack (what `aws cloudformation deploy` calls) on the local emulator that
 * scripts/integ-local.sh started. Every role the completed configurations name then exists under that
 * ARN, with the template's managed policies and its configuration-derived inline policies; the stack
 * is deleted at the end.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CreateStackCommand, DeleteStackCommand, waitUntilStackCreateComplete, waitUntilStackDeleteComplete } from '@aws-sdk/client-cloudformation';
import * as YAML from 'yaml';
import { ROOT, Template, cfn, iamClient, readRole, workDir } from './readback';

const STACK = 'ParallelClusterIamCliInteg';
// The emulator's account for credentials whose access key is not an account id.
const ACCOUNT = '000000000000';

jest.setTimeout(10 * 60_000);

test('the CLI output for the example configuration deploys, and the completed configuration names the deployed roles', async () => {
  const out = path.join(workDir(), 'cli.out');
  execFileSync(process.execPath, [
    '-r', 'ts-node/register', path.join(ROOT, 'src', 'cli', 'main.ts'),
    '--cluster-config', path.join(ROOT, 'examples', 'cluster-config.yaml'),
    '--image-config', path.join(ROOT, 'examples', 'image-config.yaml'),
    '--account', ACCOUNT, '--stack-name', STACK, '--out', out,
  ], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.dev.json'), TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const templateBody = fs.readFileSync(path.join(out, `${STACK}.template.json`), 'utf8');
  const template: Template = JSON.parse(templateBody);
  const client = cfn();
  await client.send(new CreateStackCommand({ StackName: STACK, TemplateBody: templateBody, Capabilities: ['CAPABILITY_NAMED_IAM'] }));
  try {
    await waitUntilStackCreateComplete({ client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { StackName: STACK });
    const cluster = YAML.parse(fs.readFileSync(path.join(out, `${STACK}.pcluster-config.yaml`), 'utf8'));
    const image = YAML.parse(fs.readFileSync(path.join(out, `${STACK}.pcluster-image-config.yaml`), 'utf8'));
    const named: Record<string, string> = {
      'head node': cluster.HeadNode.Iam.InstanceRole,
      'Lambda functions': cluster.Iam.Roles.LambdaFunctionsRole,
      'image build instance': image.Build.Iam.InstanceRole,
      'image cleanup Lambda': image.Build.Iam.CleanupLambdaRole,
    };
    for (const queue of cluster.Scheduling.SlurmQueues) {
      named[`queue ${queue.Name}`] = queue.Iam.InstanceRole;
    }
    for (const pool of cluster.LoginNodes.Pools) {
      named[`pool ${pool.Name}`] = pool.Iam.InstanceRole;
    }
    const roles = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    const iam = iamClient();
    for (const [what, arn] of Object.entries(named)) {
      const name = arn.split('/').pop()!;
      const deployed = await readRole(iam, name);
      expect([what, deployed.arn]).toEqual([what, arn]);
      const synthesized = roles.find((r) => r.Properties.RoleName === name)!;
      expect([what, deployed.attached.length]).toEqual([what, synthesized.Properties.ManagedPolicyArns.length]);
    }
    // The configuration-derived grants are there: the cpu queue reads its custom action script.
    const cpu = await readRole(iam, cluster.Scheduling.SlurmQueues[0].Iam.InstanceRole.split('/').pop());
    const statements = Object.values<any>(cpu.inline).flatMap((doc) => doc.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Sid: 'CustomActionScripts',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::genomics-hpc-bootstrap/compute/cpu-setup.sh',
    }));
  } finally {
    await client.send(new DeleteStackCommand({ StackName: STACK }));
    await waitUntilStackDeleteComplete({ client, maxWaitTime: 300, minDelay: 1, maxDelay: 5 }, { StackName: STACK });
  }
});
