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
    id: 'user-ec2-launch-templates',
    variants: ['user.*'],
    actions: ['ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate', 'ec2:DeleteLaunchTemplate'],
    resourceTypes: ['ec2:launch-template'],
    kinds: ['changes'],
    why: 'The cluster stack updates and deletes its launch templates with the user\'s credentials, and they carry no tag a condition could test (pcluster tags only the instances and volumes they launch; CloudFormation does not propagate stack tags to AWS::EC2::LaunchTemplate): allowed only through CloudFormation (aws:CalledVia), which changes only the resources of its own stack, and the user\'s stacks are ParallelCluster\'s with imports refused. Never directly.',
    citation: 'templates/cluster_stack.py:1267, queues_stack.py:297, login_nodes_stack.py:231, cdk_builder_utils.py:169-206; aws/cfn.py:31-99; issue 18 finding 3',
  },
  {
    id: 'user-ec2-config-references',
    variants: ['user.*'],
    actions: ['ec2:AssociateAddress', 'ec2:DisassociateAddress'],
    resourceTypes: ['ec2:elastic-ip'],
    kinds: ['changes'],
    why: 'An existing Elastic IP the configuration names (HeadNode/Networking/ElasticIp) is associated with the head node\'s ENI by the cluster stack, and disassociated on update and deletion: it carries no ParallelCluster tag, so only through CloudFormation, and the ENI or instance of the request must carry the cluster tag: an Elastic IP can only be moved onto a cluster\'s ENI.',
    citation: 'templates/cluster_stack.py:601-611',
  },
  {
    id: 'user-ec2-eni-references',
    variants: ['user.*'],
    actions: ['ec2:ModifyNetworkInterfaceAttribute'],
    resourceTypes: ['ec2:security-group', 'ec2:subnet'],
    kinds: ['uses'],
    why: 'The cluster stack sets the head node ENI\'s security groups (SecurityGroups, AdditionalSecurityGroups: existing groups the configuration names, untagged) again on update. The groups and subnets of the request are only referred to (the ENI is what changes, and it must carry the cluster tag); only through CloudFormation: groups can only be given to a cluster\'s ENI.',
    citation: 'templates/cluster_stack.py:588-599',
  },
  {
    id: 'user-ec2-tag-new-through-cloudformation',
    variants: ['user.*'],
    actions: ['ec2:CreateTags'],
    kinds: ['changes'],
    why: 'CloudFormation tags a resource it has just created without tags (AWS::EC2::SecurityGroup does not tag on create) with the stack\'s tags, the cluster-name tag included: allowed on an untagged resource only through CloudFormation and only with a cluster-name tag in the request (of the team\'s clusters with clusterNames). Directly, tags are put only as a resource is created (ec2:CreateAction).',
    citation: 'models/cluster.py:387-393, 925-942; aws-cloudformation/cloudformation-coverage-roadmap#714',
  },
  {
    id: 'user-ec2-image-snapshots',
    variants: ['user.*'],
    actions: ['ec2:DeleteSnapshot'],
    why: 'pcluster delete-image deletes the snapshots of the AMI it found by its image-id tag (or a failed build\'s by its Image Builder ARN tag), after deregistering it: snapshot IDs read from the image. The snapshots carry no ParallelCluster tag: EC2 Image Builder documents its own tags (CreatedBy, Ec2ImageBuilderArn) and the distribution\'s AmiTags as tags of the output AMIs and says nothing of their snapshots, and none of DeleteSnapshot\'s condition keys (ParentVolume, SnapshotTime, VolumeSize, Owner, ...) relates a snapshot to an image, so no condition can tell them from others. EC2 itself refuses to delete the root-device snapshot of a registered AMI. Images are not clusters: clusterNames does not scope them. The AMI itself is deregistered only when it carries one of those tags.',
    citation: 'models/imagebuilder.py:545-570, aws/ec2.py:189-213, templates/imagebuilder_stack.py:130-147, 311-316; EC2 Image Builder User Guide, "Tag Image Builder output resources"; Image Builder API Reference, AmiDistributionConfiguration (amiTags); EC2 API Reference, DeleteSnapshot',
  },
  {
    id: 'user-ec2-create',
    variants: ['user.*'],
    actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateVolume', 'ec2:CreateNetworkInterface', 'ec2:CreateSecurityGroup',
      'ec2:CreateLaunchTemplate', 'ec2:CreatePlacementGroup', 'ec2:AllocateAddress', 'ec2:CreateSnapshot'],
    kinds: ['create', 'uses'],
    why: 'New resources only. The cluster stack creates the head node, its ENI, Elastic IP, security groups, launch templates, placement groups and volumes (and a snapshot of a volume whose DeletionPolicy is Snapshot, of the cluster\'s volumes only), from the subnets, AMIs, key pairs and snapshots the configuration names (any of the account\'s): only through CloudFormation, whose resource types do not all send tags at creation (launch templates get none), so no request tag can be required. Directly, only RunInstances, for pcluster\'s dry-run launches, and never from a snapshot named in the launch. With clusterNames, a cluster-name tag in the request must be the team\'s: a new resource is then another cluster\'s only by name, untagged.',
    citation: 'templates/cluster_stack.py:588-611, 812-990, 1209-1224, 1267, 1555; queues_stack.py:121, 297; validators/cluster_validators.py:1168-1171, 1253-1261',
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
    id: 'user-route53-zones',
    variants: ['user.*'],
    actions: ['route53:CreateHostedZone', 'route53:DeleteHostedZone', 'route53:ChangeTagsForResource'],
    why: 'The cluster stack creates, tags (with the stack tags) and deletes the cluster\'s private hosted zone with the user\'s credentials; pcluster itself only reads zones. Route 53 has no tag condition keys (no aws:ResourceTag), so no condition can tell the cluster\'s zone from another: only through CloudFormation (aws:CalledVia), which changes only the zone of its own stack (resource import into cluster stacks is refused). Never directly. ChangeTagsForResource also matches health checks (CreateHostedZone takes only *, and a second statement for hosted zones alone does not fit the fullest user\'s IAM quotas): through CloudFormation, a stack tags only the health checks it creates, and ParallelCluster creates none.',
    citation: 'templates/slurm_builder.py:207-217; aws/route53.py (reads only); aws/cfn.py:31-99',
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
    id: 'head-launch-compute',
    variants: ['headNode', 'headNode+clusterName'],
    actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
    kinds: ['create', 'uses'],
    why: 'The head node launches compute nodes (Slurm resume: RunInstances, CreateFleet) from the queues\' launch templates. Subnets and AMIs are limited to those the configuration names and the official AMIs (owner amazon), and no snapshot may be named (computeSubnetIds, computeImageIds: no entry for subnet, image or snapshot). What stays: the new instances, volumes, network interfaces and fleets, and the launch templates, security groups, placement groups, key pairs and capacity reservations a launch refers to without changing them. Launch templates carry no tags and get their IDs when the stack is created (queues_stack.py:297-300), the others are named by the configuration or created by the stack, as in ParallelCluster\'s own head node role.',
    citation: 'templates/cdk_builder_utils.py:780-801 (Sid EC2RunInstancesCreateFleet), templates/queues_stack.py:297-380',
  },
];
