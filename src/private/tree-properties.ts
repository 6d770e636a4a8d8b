import type { TreeInspector } from 'aws-cdk-lib';
import { CfnResource } from './cdk';

/**
 * The context key that brings the library's resources' properties back into `tree.json`: `true` (or
 * `"true"`, as `cdk synth -c` passes it).
 */
export const TREE_PROPERTIES_CONTEXT = 'cdk-parallelcluster-iam:treeProperties';

// The attributes under which aws-cdk-lib's tree metadata lists an L1 resource's CloudFormation type and
// resolved properties (the `inspect` of every generated `Cfn*` class, unchanged from 2.88 to current releases).
const TREE_TYPE = 'aws:cdk:cloudformation:type';
export const TREE_PROPERTIES = 'aws:cdk:cloudformation:props';

/** A generated L1 class: it reports its type and properties to the tree metadata. */
type InspectableResource = CfnResource & { inspect(inspector: TreeInspector): void };

/**
 * Lists one of the library's own resources in the tree metadata (`tree.json`) by its CloudFormation type,
 * without its properties: those are the template's, and copying them into `tree.json` was the costliest
 * part of writing it (a cluster's roles, instance profiles and policies resolved once more, with every
 * reference's logical id hashed again: 60 ms of a 50-queue synthesis on Node.js 20, and 200 KB of
 * `tree.json` against 80 KB of template at 2 queues; issue 21). Tools that read the properties from
 * `tree.json` get them back with the context `cdk-parallelcluster-iam:treeProperties: true`. Resources the
 * user creates keep aws-cdk-lib's behaviour.
 */
export function typeOnlyInTree(resource: InspectableResource): void {
  const withProperties = resource.inspect.bind(resource);
  Object.defineProperty(resource, 'inspect', {
    value: (inspector: TreeInspector): void => {
      const wanted: unknown = resource.node.tryGetContext(TREE_PROPERTIES_CONTEXT);
      if (wanted === true || wanted === 'true') {
        withProperties(inspector);
      } else {
        inspector.addAttribute(TREE_TYPE, resource.cfnResourceType);
      }
    },
  });
}
