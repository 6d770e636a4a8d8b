import { NodeRole, NodeRoleProps } from './node-role';
import { ParallelClusterVersion } from '../parallelcluster-version';
import { nodeClusterScope } from '../policies/cluster-scope';
import { loginNodeStatements } from '../policies/login-node-policies';
import { policyBlock, policyContextFor } from '../policies/policy-block';
import { Construct } from '../private/cdk';
import { clusterIamPath } from '../private/node-role';

/**
 * Properties of a `LoginNodeRole`. Login nodes need ParallelCluster 3.7 or later, so
 * `parallelClusterVersion` must be `V3_7` or newer.
 */
export interface LoginNodeRoleProps extends NodeRoleProps {
}

/**
 * The IAM role and instance profile of the login nodes of a pool (`LoginNodes/Pools/Iam/InstanceRole`
 * or `InstanceProfile`, ParallelCluster 3.7+). The doc has no section for them: the permissions are
 * those ParallelCluster gives the login node roles it creates, for the selected version.
 */
export class LoginNodeRole extends NodeRole {
  /** The ParallelCluster version the role's permissions are for. */
  public readonly parallelClusterVersion: ParallelClusterVersion;

  constructor(scope: Construct, id: string, props: LoginNodeRoleProps = {}) {
    const version = props.parallelClusterVersion ?? ParallelClusterVersion.LATEST;
    if (!version.isAtLeast(ParallelClusterVersion.V3_7)) {
      throw new Error(
        `parallelClusterVersion is ${version} but login nodes need ParallelCluster 3.7 or later: use ` +
        'ParallelClusterVersion.V3_7 or a newer revision (the default is LATEST), or drop the login node role.',
      );
    }
    const iamPath = clusterIamPath(props.iamPath);
    const ctx = policyContextFor(scope, iamPath, props, nodeClusterScope(props.clusterName));
    super(scope, id, props, {
      description: 'AWS ParallelCluster login nodes',
      iamPath,
      statements: policyBlock(ctx, 'loginNode', loginNodeStatements(ctx)),
    });
    this.parallelClusterVersion = version;
  }
}
