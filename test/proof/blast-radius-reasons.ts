import { BlastRadiusReason } from '../support/census-report';

/*
 * Why each entry of the blast-radius census stays (issue 18, section 1). Every Allowed request of the
 * census (test/support/census.ts) must match one reason here (the first that matches is shown in
 * docs/blast-radius.md), and every reason must match an entry: test/proof/census.test.ts fails
 * otherwise and prints the missing entries in the form below. `pending: true` marks a temporary reason:
 * the grant is to be narrowed (issue 18, section 3 names the finding); the documents count them apart.
 *
 * Citations are files of the aws-parallelcluster 3.16.1 wheel (pcluster/...), as cited where the
 * policies are written (src/policies/, src/private/pcluster-rules.ts).
 *
 * After changing a policy: `npx projen census:update` rewrites docs/blast-radius.md and the census
 * section of docs/proof.md, and prints entries without a reason.
 */
export const BLAST_RADIUS_REASONS: BlastRadiusReason[] = [
  // ---------------------------------------------------------------------------------------------
  // The user role

  {
    id: 'user-scoped-ec2-other-cluster',
    variants: ['user.*+clusterNames'],
    actions: ['ec2:*', 'elasticloadbalancing:*', 'cloudformation:CreateStack'],
    targets: ['other-cluster'],
    why: 'Creating resources tagged with another cluster\'s name (creates take no clusterNames condition on the request tag), and DeleteSnapshot / DeregisterImage, which EC2 does not let a condition test by the cluster tag of the image. To narrow with the request-tag condition (finding 7).',
    citation: 'issue 18 findings 3, 7',
    pending: true,
  },

  {
    id: 'user-fsx-create',
    variants: ['user.*'],
    actions: ['fsx:CreateFileSystem', 'fsx:CreateFileSystemFromBackup', 'fsx:CreateDataRepositoryAssociation'],
    kinds: ['create', 'uses'],
    why: 'The cluster stack creates its FSx for Lustre file system (from the backup SharedStorage names with BackupId, any of the account\'s) and its data repository associations, through CloudFormation and with the stack tags in the request (parallelcluster:cluster-name required); new resources only. Every FSx request on an existing resource needs the cluster tag on it (a file system a config names by FileSystemId is only described).',
    citation: 'templates/cluster_stack.py:1029-1113; models/cluster.py:387-393, 925-942 (stack tags)',
  },
  {
    id: 'user-fsx-tag-on-create',
    variants: ['user.*'],
    actions: ['fsx:TagResource'],
    resourceTypes: ['fsx:file-system', 'fsx:association', 'fsx:backup'],
    why: 'FSx authorizes the tags of CreateFileSystem and CreateDataRepositoryAssociation as fsx:TagResource and has no key that tells them from a later TagResource call (no fsx:CreateAction): allowed only through CloudFormation, with the cluster tag in the request, on file systems, associations and backups. A stack only tags the resources it creates (resource import into cluster stacks is refused), so no stack can reach a foreign file system this way.',
    citation: 'templates/cluster_stack.py:1038-1113; Amazon FSx for Lustre User Guide, "Grant permission to tag resources during creation"',
  },
  {
    id: 'user-efs-create',
    variants: ['user.*'],
    actions: ['elasticfilesystem:CreateFileSystem'],
    kinds: ['create'],
    why: 'The cluster stack creates its EFS file systems through CloudFormation with the stack tags in the request (parallelcluster:cluster-name required; their tags only with elasticfilesystem:CreateAction); new file systems only. Every EFS request on an existing file system or access point needs the cluster tag on it (mount targets are created only on the file systems the stack creates; one a config names by FileSystemId is only described).',
    citation: 'templates/cluster_stack.py:1115-1188; models/cluster.py:387-393, 925-942 (stack tags)',
  },
  {
    id: 'user-ec2-snapshot',
    variants: ['user.*'],
    actions: ['ec2:CreateSnapshot'],
    why: 'A snapshot of any volume (then boot from it): the doc grants CreateSnapshot on * for the cluster\'s EBS backups. To narrow to the cluster\'s volumes and the volumes a config names (finding 7).',
    citation: 'issue 18 finding 7',
    pending: true,
  },
  {
    id: 'user-ec2-create',
    variants: ['user.*'],
    actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateVolume', 'ec2:CreateNetworkInterface', 'ec2:CreateSecurityGroup',
      'ec2:CreateLaunchTemplate', 'ec2:CreatePlacementGroup', 'ec2:AllocateAddress'],
    kinds: ['create', 'uses'],
    why: 'The cluster stack creates the head node, its ENI, EIP, security groups, launch templates, placement groups and volumes, from the subnets, AMIs, key pairs and snapshots the config names (any of the account\'s). New resources only; to require the cluster request tags and CloudFormation where pcluster does not call them itself (section 4).',
    citation: 'templates/cluster_stack.py, templates/cdk_builder_utils.py:156-206 (tag specifications); issue 18 section 4',
    pending: true,
  },
  {
    id: 'user-ec2-change-existing',
    variants: ['user.*'],
    actions: ['ec2:*'],
    kinds: ['changes'],
    why: 'EC2 writes on existing resources from the doc\'s EC2 list on *: the IfExists tag conditions leave untagged resources open (launch templates carry no tags). The cluster stack makes them through CloudFormation: narrowing tracked in issue 18 (findings 3 and 7, section 4).',
    citation: 'issue 18 findings 3, 7; section 4',
    pending: true,
  },
  {
    id: 'user-route53-zones',
    variants: ['user.*'],
    actions: ['route53:CreateHostedZone', 'route53:DeleteHostedZone', 'route53:ChangeTagsForResource'],
    why: 'pcluster creates, tags and deletes the cluster\'s private hosted zone; Route 53 has no tag condition keys (no aws:ResourceTag), so no condition can tell the cluster\'s zone from another.',
    citation: 'templates/slurm_builder.py:207-217',
  },
  {
    id: 'user-login-nodes-create',
    variants: ['user.*'],
    actions: ['autoscaling:CreateAutoScalingGroup', 'elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
    kinds: ['create'],
    why: 'The login node pool\'s Auto Scaling group, load balancer and target group are created by the cluster stack with the cluster tag in the request (required); new resources only.',
    citation: 'templates/login_nodes_stack.py:300,456',
  },
  {
    id: 'user-cloudformation-create-stack',
    variants: ['user.*'],
    actions: ['cloudformation:CreateStack'],
    kinds: ['create'],
    why: 'pcluster creates the cluster stack (tag parallelcluster:cluster-name) and the image stack (tag parallelcluster:image_id, named after the image id, which clusterNames does not scope); a new stack runs with the caller\'s own credentials (no service role can be passed).',
    citation: 'models/cluster.py:387-393, models/imagebuilder.py:474-480, aws/cfn.py:31-71',
  },
  {
    id: 'user-scoped-iam-shared-path',
    variants: ['user.*+clusterNames'],
    actions: ['iam:*'],
    targets: ['other-cluster'],
    why: 'IAM roles and instance profiles are not named after clusters in a way IAM can match for every mode: with one iamPath for every team, a team reaches the other team\'s roles. Documented: give each team its own iamPath (clusterNames docstring, docs/multi-team.md).',
    citation: 'src/roles/user-role.ts (clusterNames); docs/multi-team.md',
  },
  {
    id: 'user-scoped-lambda-functions',
    variants: ['user.*+clusterNames'],
    actions: ['lambda:CreateFunction'],
    targets: ['other-cluster'],
    kinds: ['create'],
    why: 'The cluster stack\'s functions are named pcluster-<function id>-<stack unique id>, not after the cluster, so a new function may take any pcluster-* name. It cannot replace another team\'s: a function name is unique in the account and region (CreateFunction of an existing one fails with ResourceConflictException), and every change to an existing function needs its cluster tag to be the team\'s (finding 12).',
    citation: 'templates/cdk_builder_utils.py:1098-1123; src/policies/cluster-scope.ts (Lambda rule)',
  },
  // ---------------------------------------------------------------------------------------------
  // Cluster roles

  {
    id: 'head-signal-any-stack',
    variants: ['headNode'],
    actions: ['cloudformation:SignalResource'],
    why: 'The head node signals the wait condition of its cluster stack (cfn-signal); the doc\'s statement is on *, and without clusterName the stack\'s name is unknown. clusterName limits it to the cluster\'s stacks (no entry in the scoped variant).',
    citation: 'templates/cdk_builder_utils.py:713-722 (ParallelCluster\'s own head node policy: the stack id)',
  },
  {
    id: 'head-attach-volume',
    variants: ['headNode', 'headNode+clusterName'],
    actions: ['ec2:AttachVolume', 'ec2:DetachVolume'],
    why: 'The head node attaches and detaches the EBS volumes of SharedStorage, which may be existing volumes without a ParallelCluster tag (or another, deleted cluster\'s) named by ID: ParallelCluster\'s own head node role grants both on every volume. Volumes a config names are also granted by ID (sharedStorageVolumeIds).',
    citation: 'templates/cdk_builder_utils.py:669-686 (Sid Ec2TagsAndVolumes); issue 18 finding 7, issue 19 item 9',
    pending: true,
  },
  {
    id: 'head-launch-compute',
    variants: ['headNode', 'headNode+clusterName'],
    actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
    why: 'The head node launches compute nodes (Slurm resume, CreateFleet) from the cluster\'s launch templates, subnets, AMIs and snapshots; no condition ties them to the cluster, so any subnet, AMI or snapshot. To limit to the subnets, key pair and AMIs of the config, as ParallelCluster\'s own head-node policy does (finding 7).',
    citation: 'templates/cdk_builder_utils.py:780-801 (subnets, key pair and AMIs of the config); issue 18 finding 7',
    pending: true,
  },
  {
    id: 'image-cleanup-tag-api',
    variants: ['imageCleanup', 'imageCleanup+clusterName'],
    actions: ['tag:TagResources'],
    why: 'The Resource Groups Tagging API takes only *, and each tagged resource also needs its service\'s own tagging permission (ec2:CreateTags, counted in its own entry): it adds no reach of its own.',
    citation: 'the doc\'s image cleanup policy (src/policies/image-builder-policies.ts, TagResources)',
  },
];
