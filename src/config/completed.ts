import type { Document, YAMLMap } from 'yaml';
import { ClusterModel, ImageModel, NodeSection, ownIdentity } from './model';
import { YamlStep } from './source';
import { yamlLib } from '../private/lazy-modules';

/** The ARNs to write into a cluster configuration (tokens or text). */
export interface ClusterArns {
  readonly lambdaFunctionsRole?: string;
  readonly permissionsBoundary?: string;
  /** `Iam/ResourcePrefix`, written when the file has none. */
  readonly resourcePrefix?: string;
  readonly headNode?: string;
  readonly queues: Record<string, string>;
  readonly pools: Record<string, string>;
}

/** The ARNs to write into a build-image configuration. */
export interface ImageArns {
  /** The build instance role created here; undefined when the file names its own (or none was created). */
  readonly instanceRole?: string;
  /** The cleanup role created here; undefined when the file names its own (or none was created). */
  readonly cleanupLambdaRole?: string;
  readonly permissionsBoundary?: string;
}

/**
 * The user's cluster configuration with the `Iam` sections filled in: `InstanceRole` for every section
 * whose role was created here (its `S3Access`, `AdditionalIamPolicies` and `InstanceProfile` removed,
 * which ParallelCluster refuses next to `InstanceRole` and which the role now carries),
 * `Iam/Roles/LambdaFunctionsRole` and `Iam/PermissionsBoundary`. Everything else, comments and key
 * order included, is the user's.
 */
export function completedCluster(model: ClusterModel, arns: ClusterArns): string {
  const doc = model.source.doc.clone();
  const setNode = (section: NodeSection, arn: string | undefined) => {
    if (arn === undefined || ownIdentity(section)) {
      return;
    }
    const iam = ensureMap(doc, [...section.path, 'Iam']);
    for (const key of ['InstanceProfile', 'S3Access', 'AdditionalIamPolicies']) {
      removeKey(iam, key);
    }
    iam.set('InstanceRole', arn);
  };
  setNode(model.headNode, arns.headNode);
  model.queues.forEach((q) => setNode(q, arns.queues[q.name!]));
  model.pools.forEach((p) => setNode(p, arns.pools[p.name!]));
  if (arns.lambdaFunctionsRole !== undefined && model.lambdaFunctionsRole === undefined) {
    ensureMap(doc, ['Iam', 'Roles']).set('LambdaFunctionsRole', arns.lambdaFunctionsRole);
  }
  if (arns.permissionsBoundary !== undefined) {
    ensureMap(doc, ['Iam']).set('PermissionsBoundary', arns.permissionsBoundary);
  }
  // The path of the instance profiles ParallelCluster creates for the roles above (config-fragment.ts).
  if (arns.resourcePrefix !== undefined && model.resourcePrefixPath === undefined) {
    ensureMap(doc, ['Iam']).set('ResourcePrefix', arns.resourcePrefix);
  }
  return render(doc);
}

/**
 * The user's build-image configuration with `Build/Iam` filled in: `InstanceRole` (unless the file
 * names its own role or profile; `AdditionalIamPolicies` removed, now on the role), `CleanupLambdaRole`
 * (unless set) and `PermissionsBoundary`.
 */
export function completedImage(model: ImageModel, arns: ImageArns): string {
  const doc = model.source.doc.clone();
  const iam = ensureMap(doc, ['Build', 'Iam']);
  if (model.instanceRole === undefined && model.instanceProfile === undefined && arns.instanceRole !== undefined) {
    removeKey(iam, 'AdditionalIamPolicies');
    iam.set('InstanceRole', arns.instanceRole);
  }
  if (model.cleanupLambdaRole === undefined && arns.cleanupLambdaRole !== undefined) {
    iam.set('CleanupLambdaRole', arns.cleanupLambdaRole);
  }
  if (arns.permissionsBoundary !== undefined) {
    iam.set('PermissionsBoundary', arns.permissionsBoundary);
  }
  return render(doc);
}

/** Deletes `key` and the comment above it (the `yaml` library keeps a first key's comment on the map). */
function removeKey(map: YAMLMap, key: string): void {
  const first: any = map.items[0]?.key;
  if (first && (yamlLib().isScalar(first) ? first.value : first) === key) {
    map.commentBefore = undefined;
  }
  map.delete(key);
}

function ensureMap(doc: Document, path: YamlStep[]): YAMLMap {
  let node: any = doc.getIn(path, true);
  if (!yamlLib().isMap(node)) {
    doc.setIn(path, doc.createNode({}));
    node = doc.getIn(path, true);
  }
  return node as YAMLMap;
}

function render(doc: Document): string {
  // Long ARNs and CDK tokens stay on one line.
  return doc.toString({ lineWidth: 0 });
}
