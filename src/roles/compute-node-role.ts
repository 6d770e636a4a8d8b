import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NodeRole, NodeRoleProps } from './node-role';
import { S3Access, s3AccessStatements } from './s3-access';
import { nodeClusterScope } from '../policies/cluster-scope';
import { computeNodeStatements } from '../policies/compute-node-policies';
import { policyBlock, policyContextFor } from '../policies/policy-block';
import { Construct } from '../private/cdk';
import { validateSecrets } from '../private/input-validation';
import { clusterIamPath, secretArnsForPolicies } from '../private/node-role';

/** Properties of a `ComputeNodeRole`. */
export interface ComputeNodeRoleProps extends NodeRoleProps {
  /**
   * Secrets Manager secrets that software on the compute nodes reads (`secretsmanager:GetSecretValue`),
   * for example in custom bootstrap actions. ParallelCluster's own compute node software reads none.
   *
   * @default - no secret
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * S3 buckets the compute nodes may read, or also write (ParallelCluster's
   * `Scheduling/SlurmQueues/Iam/S3Access`, which it refuses together with a custom role).
   *
   * @default - no access beyond the buckets ParallelCluster itself uses
   */
  readonly s3Access?: S3Access[];
}

/**
 * The IAM role and instance profile of the compute nodes of a Slurm queue
 * (`Scheduling/SlurmQueues/Iam/InstanceRole` or `InstanceProfile`): the seed doc's "Compute nodes IAM
 * role". Create one per queue that needs different permissions, and pass them to the `HeadNodeRole`'s
 * `computeNodeRoles`.
 */
export class ComputeNodeRole extends NodeRole {
  constructor(scope: Construct, id: string, props: ComputeNodeRoleProps = {}) {
    const iamPath = clusterIamPath(props.iamPath);
    validateSecrets(scope, 'secrets', props.secrets);
    const ctx = policyContextFor(scope, iamPath, props, nodeClusterScope(props.clusterName));
    super(scope, id, props, {
      description: 'AWS ParallelCluster compute nodes',
      iamPath,
      statements: [
        ...policyBlock(ctx, 'computeNode', computeNodeStatements(ctx, secretArnsForPolicies(props.secrets))),
        ...s3AccessStatements('s3Access', props.s3Access ?? []),
      ],
      sharedPolicyId: 'ComputeNodePolicy',
    });
  }
}
