/** Names shared by the deploy app (integ/deploy-app.ts) and the deploy test (integ/deploy.test.ts). */

/** The stack's name; the test reads it back from CloudFormation by this name. */
export const INTEG_STACK_NAME = 'ParallelClusterIamInteg';

/** The IAM path of the cluster roles (not the default, so that a path that is ignored shows). */
export const INTEG_IAM_PATH = '/pcluster-integ/';

/** The deploy app's variants: the first deploy, and the update of the same stack. */
export const VARIANTS = ['base', 'updated'] as const;

/** The cluster deploy test (integ/cluster-deploy.test.ts): its stack, and the cluster's name. */
export const INTEG_CLUSTER_STACK_NAME = 'ParallelClusterInteg';
export const INTEG_CLUSTER_NAME = 'integ-cluster-1';

