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
    id: 'user-fsx-account',
    variants: ['user.*'],
    actions: ['fsx:*'],
    why: 'fsx:* on every file system of the account, inherited from the doc\'s FSx for Lustre block: the cluster stack creates, updates and deletes its file systems with the user\'s credentials, and SharedStorage may name existing ones by ID. To narrow by tag, by the IDs a config names, and to CloudFormation (finding 7).',
    citation: 'templates/cluster_stack.py:1038-1042 (fsx.CfnFileSystem); issue 18 finding 7',
    pending: true,
  },
  {
    id: 'user-efs-account',
    variants: ['user.*'],
    actions: ['elasticfilesystem:*'],
    why: 'elasticfilesystem:* on every file system of the account, inherited from the doc: the cluster stack creates and deletes its EFS file systems and mount targets, and SharedStorage may name existing ones. To narrow by tag, by ID and to CloudFormation (finding 7).',
    citation: 'templates/cluster_stack.py:1121, 1181 (efs.CfnFileSystem, CfnMountTarget); issue 18 finding 7',
    pending: true,
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
    id: 'user-cloudwatch-any-cluster',
    variants: ['user.restricted', 'user.privileged', 'user.permissionsBoundary'],
    actions: ['cloudwatch:*'],
    why: 'Without clusterNames the user serves every cluster, whose alarms (<cluster>-HeadNode...) and dashboards (<cluster>-<region>) can have any name: alarm:* and dashboard/*. clusterNames limits them to the team\'s names (no entry in the scoped variants). To narrow the unscoped names further (issue 18 target: at most 10).',
    citation: 'templates/cluster_stack.py:410,430; templates/cw_dashboard_builder.py:89',
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
    id: 'user-cloudformation-get-template',
    variants: ['user.*'],
    actions: ['cloudformation:GetTemplate'],
    why: 'pcluster reads the cluster stack\'s template (describe-cluster, update-cluster) and the library leaves it on stack/* as the doc does: to scope like the other stack actions (tag condition or clusterNames stack names).',
    citation: 'aws/cfn.py:145-147, models/cluster.py:629-636, 671',
    pending: true,
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
    actions: ['lambda:*'],
    targets: ['other-cluster'],
    why: 'The cluster stack\'s functions are named pcluster-<function id>-<stack unique id>, not after the cluster, so every team\'s pcluster-* functions match (finding 12). To scope by the cluster tag.',
    citation: 'templates/cdk_builder_utils.py:1098-1123; issue 18 finding 12',
    pending: true,
  },
  {
    id: 'user-scoped-s3-bucket-objects',
    variants: ['user.*+clusterNames'],
    actions: ['s3:*'],
    targets: ['other-cluster'],
    why: 'The s3:* grant on the resources bucket pattern parallelcluster-* also matches every object of it, other teams\' artifact directories included. To limit objects to clusters/<team cluster>-* (finding 7).',
    citation: 'models/s3_bucket.py:106-145; issue 18 finding 7',
    pending: true,
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
