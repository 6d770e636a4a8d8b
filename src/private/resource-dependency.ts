import { CfnResource } from './cdk';

/**
 * Makes `source` depend on `target` in the template (`DependsOn`). aws-cdk-lib renamed
 * `CfnResource.addDependency` to `addResourceDependency` after the peer floor (2.88 has only the old name) and
 * prints a deprecation warning for the old name on every synthesis: the new name where it exists.
 */
export function addResourceDependency(source: CfnResource, target: CfnResource): void {
  const renamed = (source as CfnResource & { addResourceDependency?: (target: CfnResource) => void }).addResourceDependency;
  if (typeof renamed === 'function') {
    renamed.call(source, target);
  } else {
    source.addDependency(target);
  }
}
