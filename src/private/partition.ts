import { IConstruct, Stack, Token } from './cdk';

/**
 * The partitions a stack may end up in, as far as synthesis can tell.
 *
 * A stack with a concrete region belongs to exactly one partition (the same rule ParallelCluster's
 * `get_partition()` uses: `cn-` is China, `us-gov-` is GovCloud, `us-iso-`/`us-isob-` are the isolated
 * partitions, anything else is `aws`). An environment-agnostic stack may be deployed anywhere.
 */
export function possiblePartitions(scope: IConstruct): string[] {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    return ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b'];
  }
  return [partitionOfRegion(region)];
}

/** The partition a region belongs to. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/**
 * The values of `iam:PassedToService` that name EC2 wherever this stack can be deployed.
 *
 * The principal is `ec2.amazonaws.com` in every partition, and also `ec2.amazonaws.com.cn` in China
 * (the seed doc lists only the first, so PassRole to EC2 fails there). A stack whose region is unknown
 * at synth time gets both, as ParallelCluster's own policies template does.
 */
export function ec2PassedToServiceNames(scope: IConstruct): string[] {
  const names = ['ec2.amazonaws.com'];
  if (possiblePartitions(scope).includes('aws-cn')) {
    names.push('ec2.amazonaws.com.cn');
  }
  return names;
}
