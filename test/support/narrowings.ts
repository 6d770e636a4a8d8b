import { RequestContext } from './simulate';
import { TestEnvironment } from './stacks';

/*
 * Issue 12's deliberate narrowings of the doc's user blocks, as a rewrite of a doc request into the
 * request ParallelCluster really makes (the resource and context pcluster uses; see
 * test/support/pcluster-calls.ts), or `undefined` for a request no ParallelCluster code path makes.
 * Tests that replay the doc's requests against the library's roles go through it; the attack matrix
 * (test/proof/attack-matrix.test.ts) checks that the unrewritten requests are refused.
 */
export function asParallelClusterMakesIt(
  block: string,
  request: { action: string; resource: string; context?: RequestContext; statement?: { sid: string } },
  env: TestEnvironment,
): { action: string; resource: string; context: RequestContext } | undefined {
  const { action, resource } = request;
  const context: RequestContext = { ...(request.context ?? {}) };
  const service = action.split(':')[0];
  // ParallelCluster's buckets are in the stack's account.
  if (service === 's3' && /:s3:::(aws-)?parallelcluster-/.test(resource) && action !== 's3:CreateBucket') {
    return { action, resource, context: { ...context, 'aws:ResourceAccount': env.account } };
  }
  if (service === 'cloudformation' && (block === 'user.base' || block === 'user.imageBuilder')) {
    if (!resource.includes(':stack/')) {
      // Only the stack listing has no resource type; pcluster calls nothing else on `*` or on stack sets.
      return ['cloudformation:ListStacks', 'cloudformation:DescribeStacks'].includes(action) ? { action, resource, context } : undefined;
    }
    const tag = block === 'user.base' ? 'parallelcluster:cluster-name' : 'parallelcluster:image_id';
    return action === 'cloudformation:CreateStack'
      ? { action, resource, context: { ...context, 'aws:TagKeys': [tag] } }
      : { action, resource, context: { ...context, [`aws:ResourceTag/${tag}`]: 'example' } };
  }
  if (service === 'logs' && block === 'user.base' && /:log-group:example/.test(resource)) {
    return { action, resource: resource.replace(':log-group:example', ':log-group:/aws/parallelcluster/example'), context };
  }
  // The instance profiles pcluster creates for a cluster are on <path><cluster>/; an image build's on
  // /parallelcluster/ParallelClusterImage-<id>.
  const profile = /:instance-profile\/(.*\/)?example$/.exec(resource);
  if (profile && block === 'user.base' && request.statement?.sid === 'IamInstanceProfile') {
    return { action, resource: resource.replace(/example$/, 'example/example'), context };
  }
  if (profile && block === 'user.imageBuilder' && request.statement?.sid === 'IAM') {
    return { action, resource: resource.replace(/example$/, 'ParallelClusterImage-example'), context };
  }
  if (action === 'route53:ChangeResourceRecordSets' && block === 'user.base') {
    return { action, resource, context: { ...context, 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['node.example.pcluster'] } };
  }
  return { action, resource, context };
}
