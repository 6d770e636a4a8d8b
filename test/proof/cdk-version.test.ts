import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ParallelClusterIam } from '../../src';

/*
 * CI runs the unit tests twice: against the peer floor, and against the newest aws-cdk-lib
 * (scripts/test-newest-cdk.sh), which sets EXPECTED_AWS_CDK_LIB_VERSION. This proves the second run
 * really loads that version, in the tests and in the library alike.
 */
describe('the aws-cdk-lib the tests run against', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded: string = require('aws-cdk-lib/package.json').version;

  test('is the version the run asked for (the floor, 2.88.0, unless scripts/test-newest-cdk.sh set another)', () => {
    expect(loaded).toBe(process.env.EXPECTED_AWS_CDK_LIB_VERSION ?? '2.88.0');
  });

  test('is the one the library builds its constructs with', () => {
    const stack = new Stack(new App(), 'Version');
    const cluster = new ParallelClusterIam(stack, 'Cluster');
    expect(cluster.headNodeRole.role.node.defaultChild).toBeInstanceOf(iam.CfnRole);
    expect(Stack.of(cluster)).toBe(stack);
  });
});
