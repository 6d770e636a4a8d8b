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
  const sid = request.statement?.sid;
  // Issue 18: what CloudFormation does with the user's credentials carries aws:CalledVia; pcluster's own
  // EC2 calls are dry-run launches, tags at creation and terminations of the cluster's tagged instances.
  const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
  if (block === 'user.base' && sid === 'EC2Write') {
    if (action === 'ec2:RunInstances') {
      // pcluster never names a snapshot in a launch.
      return /:snapshot\//.test(resource) ? undefined : { action, resource, context };
    }
    if (action === 'ec2:TerminateInstances') {
      return { action, resource, context: { ...context, 'ec2:ResourceTag/parallelcluster:cluster-name': 'example' } };
    }
    // Creations and the untagged launch templates through CloudFormation; changes to existing resources
    // only to the cluster's, which carry the stack's cluster-name tag (models/cluster.py:925-942).
    if (/^ec2:(AllocateAddress|CreateFleet|CreateLaunchTemplate|CreateNetworkInterface|CreatePlacementGroup|CreateSecurityGroup|CreateVolume|CreateLaunchTemplateVersion|ModifyLaunchTemplate|DeleteLaunchTemplate)$/.test(action)) {
      return { action, resource, context: { ...context, ...viaCfn } };
    }
    return { action, resource, context: { ...context, ...viaCfn, 'ec2:ResourceTag/parallelcluster:cluster-name': 'example' } };
  }
  if (block === 'user.imageBuilder' && action === 'ec2:DeregisterImage') {
    // delete-image deregisters the AMI it found by its image-id tag (aws/ec2.py:189-198).
    return { action, resource, context: { ...context, 'ec2:ResourceTag/parallelcluster:image_id': 'example' } };
  }
  if ((block === 'user.base' && sid === 'EFS') || (block === 'user.fsx' && sid === 'FSx')) {
    // Through CloudFormation, on the stack's file systems (the stack tags on the resource, and in the
    // request of a creation): templates/cluster_stack.py:1029-1188, models/cluster.py:393, 925-942.
    const clusterTags: RequestContext = {
      'aws:ResourceTag/parallelcluster:cluster-name': 'example',
      'aws:RequestTag/parallelcluster:cluster-name': 'example',
      'aws:TagKeys': ['parallelcluster:cluster-name'],
      ...(action === 'elasticfilesystem:TagResource' ? { 'elasticfilesystem:CreateAction': 'CreateFileSystem' } : {}),
    };
    return /:Describe/.test(action) ? { action, resource, context } : { action, resource, context: { ...context, ...viaCfn, ...clusterTags } };
  }
  // Issue 18: ParallelCluster's dashboard is `<cluster>-<region>` (templates/cw_dashboard_builder.py:89).
  if (block === 'user.base' && sid === 'CloudWatch' && /:dashboard\/example$/.test(resource)) {
    return { action, resource: `${resource}-${env.region}`, context };
  }
  if (block === 'user.base' && sid === 'S3ResourcesBucket') {
    const objectOrRead = /^s3:(Get|List)|^s3:(PutObject|DeleteObject|DeleteObjectVersion)$/.test(action);
    const setup = ['s3:PutBucketVersioning', 's3:PutEncryptionConfiguration', 's3:PutBucketPolicy'].includes(action)
      && /:s3:::parallelcluster-[^/]*-v1-do-not-delete$/.test(resource);
    if (!objectOrRead && !setup) {
      // No bucket ACLs, public access blocks, deletions or other settings: pcluster makes none (aws/s3.py).
      return undefined;
    }
  }
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
  // Issue 18 (section 4): the cluster stack's private zone is created, tagged and deleted by CloudFormation
  // (templates/slurm_builder.py:207-217); pcluster only reads zones, and ParallelCluster creates no health check.
  if (/^route53:(CreateHostedZone|DeleteHostedZone|ChangeTagsForResource)$/.test(action) && block === 'user.base') {
    return /:healthcheck\//.test(resource) ? undefined : { action, resource, context: { ...context, ...viaCfn } };
  }
  if (action === 'route53:ChangeResourceRecordSets' && block === 'user.base') {
    return { action, resource, context: { ...context, 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['node.example.pcluster'] } };
  }
  return { action, resource, context };
}
