import { Token } from '../private/cdk';

/**
 * The cluster configuration as the value of the custom resource's `ClusterConfiguration` property.
 *
 * CloudFormation hands every scalar of a custom resource's properties to the provider as a string
 * (`10` arrives as `"10"`, `true` as `"true"`), so the template says so itself: numbers become their
 * decimal text and booleans `"true"`/`"false"`, which is what the provider receives either way and what
 * ParallelCluster's schema reads back (marshmallow's Integer, Float and Boolean fields accept these
 * strings; `HeadNode/Networking/ElasticIp` reads `"true"`/`"false"`, pcluster/config/cluster_config.py:755-757
 * of the 3.16.1 wheel). The value is deterministic: the user's key order, no nulls (CloudFormation
 * has no null: a key without a value is left out, as ParallelCluster reads a missing key).
 *
 * CDK tokens (role ARNs) stay tokens and resolve at deployment.
 */
export function providerValue(value: unknown, path: string = ''): unknown {
  if (value === null || value === undefined) {
    return undefined;
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new Error(`The cluster configuration's ${path || 'value'} is ${value}: CloudFormation carries only finite numbers. Fix the value.`);
    }
    return Token.isUnresolved(value) ? Token.asString(value) : String(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => providerValue(item, `${path}[${i}]`)).filter((item) => item !== undefined);
  }
  if (value instanceof Date) {
    // YAML 1.1 timestamps (the `yaml` library reads them only with its `timestamp` option); kept as text.
    return value.toISOString();
  }
  if (typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const converted = providerValue(v, path ? `${path}/${key}` : key);
      if (converted !== undefined) {
        result[key] = converted;
      }
    }
    return result;
  }
  throw new Error(`The cluster configuration's ${path || 'value'} is a ${typeof value}, which CloudFormation cannot carry.`);
}
