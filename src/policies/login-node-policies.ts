import { PolicyContext, allow } from './context';
import { iam } from '../private/cdk';

/*
 * Statements of the login node role (`LoginNodes/Pools[]/Iam`, ParallelCluster 3.7+). The doc has no
 * such section: this is what ParallelCluster 3.7.0 grants the login node roles it creates
 * (`LoginNodesIamResources` in cli/src/pcluster/templates/cdk_builder_utils.py), with the
 * cluster-specific names turned into patterns so that one role serves any cluster. What later releases
 * added is in revisions.ts (block `loginNode`); the construct wiring lives in ../login-node-role.ts.
 */

/**
 * Block `loginNode` as of ParallelCluster 3.7.0.
 *
 * The Auto Scaling group of a pool is named `<cluster>-<pool>-AutoScalingGroup` (login_nodes_stack.py);
 * a login node completes the group's lifecycle hooks when it has finished (or fails) bootstrapping.
 */
export function loginNodeStatements(ctx: PolicyContext): iam.PolicyStatement[] {
  return [
    allow('EC2DescribeInstanceAttribute', ['ec2:DescribeInstanceAttribute'], ['*']),
    allow('S3ParallelClusterObjects', ['s3:GetObject'], [ctx.s3(`${ctx.region}-aws-parallelcluster/*`)]),
    allow('AutoScalingCompleteLifecycleAction', ['autoscaling:CompleteLifecycleAction'],
      [ctx.arn('autoscaling', ctx.region, 'autoScalingGroup:*:autoScalingGroupName/*-AutoScalingGroup')]),
  ];
}
