import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ClusterConfiguration, ParallelCluster } from '../../src';
import { awsStack } from '../support/stacks';

/*
 * The template of a stack with one ParallelCluster, in one fixed environment: any change to the
 * provider wiring, the resource's properties, the role's policies or the logical ids (which
 * CloudFormation uses to decide what to replace: a replaced cluster resource is a new cluster) fails
 * here. Review the diff, then accept it with `npx jest -u test/cluster/snapshot.test.ts`.
 */
test('a stack with one cluster', () => {
  const stack = awsStack();
  new ParallelCluster(stack, 'Hpc', {
    configuration: ClusterConfiguration.fromFile(path.join(__dirname, 'cluster.yaml')),
    clusterName: 'hpc-1',
  });
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});
