/**
 * The CDK app of the cluster deploy test (integ/cluster-deploy.test.ts, see docs/deploy-test.md): a
 * `ParallelCluster`, as the library synthesizes it. Its nested provider stack is a stand-in all the same: the
 * emulator reads a TemplateURL of S3 from its own S3, where the test puts the stand-in template
 * (integ/stand-in-provider.ts) under the bucket and key of ParallelCluster's. The stand-in takes the same
 * parameters and gives the same outputs as ParallelCluster's template, and its ServiceToken is an SNS topic
 * whose HTTP subscriber, a server of the test, records each request and answers with the attributes
 * ParallelCluster's provider returns.
 *
 * Variant `base` (the default) is the first deploy; variant `updated` (context `integ:variant=updated`)
 * changes the configuration (ScaledownIdletime, a queue's MaxCount), which makes the cluster resource an
 * update, in place.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { INTEG_CLUSTER_NAME, INTEG_CLUSTER_STACK_NAME, VARIANTS } from './constants';
import { ClusterConfiguration, ClusterDeletionPolicy, ParallelCluster } from '../src';

const app = new App();
const variant = app.node.tryGetContext('integ:variant') ?? 'base';
if (!(VARIANTS as readonly string[]).includes(variant)) {
  throw new Error(`Context integ:variant is '${variant}': use one of ${VARIANTS.join(', ')}.`);
}
const updated = variant === 'updated';

const stack = new Stack(app, INTEG_CLUSTER_STACK_NAME, {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
const cluster = new ParallelCluster(stack, 'Cluster', {
  configuration: ClusterConfiguration.fromYaml(`
Image:
  Os: alinux2023
HeadNode:
  InstanceType: m6i.xlarge
  Networking:
    SubnetId: subnet-0123456789abcdef0
  Ssh:
    KeyName: hpc-admin
  LocalStorage:
    RootVolume:
      Size: 100
      Encrypted: true
LoginNodes:
  Pools:
    - Name: login
      InstanceType: m6i.large
      Count: 1
      Networking:
        SubnetIds:
          - subnet-0123456789abcdef0
Scheduling:
  Scheduler: slurm
  SlurmSettings:
    ScaledownIdletime: ${updated ? 20 : 10}
  SlurmQueues:
    - Name: compute
      ComputeResources:
        - Name: c6i
          InstanceType: c6i.2xlarge
          MinCount: 0
          MaxCount: ${updated ? 32 : 16}
      Networking:
        SubnetIds:
          - subnet-0123456789abcdef0
`),
  clusterName: INTEG_CLUSTER_NAME,
  deletionPolicy: ClusterDeletionPolicy.RETAIN,
});

// Every attribute the construct exposes, as outputs, so that the test reads what Fn::GetAtt resolved to.
new CfnOutput(stack, 'HeadNodeInstanceId', { value: cluster.headNodeInstanceId });
new CfnOutput(stack, 'HeadNodePrivateIpAddress', { value: cluster.headNodePrivateIpAddress });
new CfnOutput(stack, 'ClusterStatus', { value: cluster.clusterStatus });
new CfnOutput(stack, 'CloudformationStackArn', { value: cluster.cloudformationStackArn });
new CfnOutput(stack, 'Version', { value: cluster.version });
new CfnOutput(stack, 'ValidationMessages', { value: cluster.validationMessages });
new CfnOutput(stack, 'LoginNodesAddress', { value: cluster.loginNodesAddress(0) });
