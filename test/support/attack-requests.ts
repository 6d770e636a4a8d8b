import { CallerRole, NAMED_LOG_EXPORT_BUCKET, NAMED_RESOURCE_GROUP, NAMED_VOLUME_ID, USER_ROLES } from './pcluster-calls';
import { RequestContext } from './simulate';
import { OTHER_ACCOUNT, TestEnvironment } from './stacks';

/*
 * The ATTACK MATRIX of issue 12: escalation requests from the security review's findings and their
 * relatives, each of which must be Denied for the roles named, in every IAM access mode and partition
 * (test/proof/attack-matrix.test.ts)..
 */

export interface AttackRequest {
  /** The finding of the issue (1-7 of issue 12 unless `issue` says otherwise) and what the request would achieve. */
  readonly finding: number;
  /** The issue whose review found it. @default 12 */
  readonly issue?: number;
  readonly what: string;
  readonly roles: CallerRole[];
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

export interface AttackOptions {
  readonly env: TestEnvironment;
  /** The cluster of the calls matrix (to build near misses of its resources). */
  readonly clusterName: string;
  /** The user role's own ARN (it must not be able to change itself). */
  readonly userRoleArn: string;
  /** The name of the library's head node instance profile. @default 'TestStack-HeadNode' */
  readonly headNodeProfileName?: string;
}

/** Every attack request. */
export function attackRequests(opts: AttackOptions): AttackRequest[] {
  const { env, clusterName } = opts;
  const { partition: p, region: r, account: a } = env;
  const ec2Service = p === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com';
  const cdkStack = `arn:${p}:cloudformation:${r}:${a}:stack/CDKToolkit/0a1b2c3d-1111-2222-3333-444455556666`;
  const appStack = `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/0a1b2c3d-1111-2222-3333-444455556666`;
  const cdkExecRole = `arn:${p}:iam::${a}:role/cdk-hnb659fds-cfn-exec-role-${a}-${r}`;
  const adminRole = `arn:${p}:iam::${a}:role/Admin`;
  const pathRole = `arn:${p}:iam::${a}:role/parallelcluster/${clusterName}-HeadNode`;
  const clusterTagInRequest = {
    'aws:TagKeys': ['parallelcluster:cluster-name'],
    'aws:RequestTag/parallelcluster:cluster-name': clusterName,
  };
  const users = USER_ROLES;
  const rows: AttackRequest[] = [];
  const add = (finding: number, roles: CallerRole[], list: Array<[string, string, string, RequestContext?]>) => {
    for (const [what, action, resource, context] of list) {
      rows.push({ finding, what, roles, action, resource, context });
    }
  };

  // ---- 1. CloudFormation service-role hijack ----
  add(1, users, [
    ['update an untagged CDK stack (runs with its cfn-exec-role) by putting the cluster tag in the request',
      'cloudformation:UpdateStack', cdkStack, clusterTagInRequest],
    ['update an untagged application stack without tags', 'cloudformation:UpdateStack', appStack],
    ['update a stack tagged by another tool with another key', 'cloudformation:UpdateStack', appStack, { 'aws:ResourceTag/team': 'payments' }],
    ['delete an untagged CDK stack (its service role deletes everything)', 'cloudformation:DeleteStack', cdkStack],
    ['delete an application stack', 'cloudformation:DeleteStack', appStack],
    ['create a change set on an untagged stack', 'cloudformation:CreateChangeSet', appStack, clusterTagInRequest],
    ['execute a change set on an untagged stack', 'cloudformation:ExecuteChangeSet', appStack],
    ['replace the stack policy of an untagged stack', 'cloudformation:SetStackPolicy', appStack],
    ['tag an untagged stack as a cluster stack', 'cloudformation:TagResource', appStack, clusterTagInRequest],
    ['create a stack without the cluster tag', 'cloudformation:CreateStack', appStack],
    ['create a stack with other tags only', 'cloudformation:CreateStack', appStack, { 'aws:TagKeys': ['team'], 'aws:RequestTag/team': 'x' }],
    ['pass the CDK execution role to CloudFormation', 'iam:PassRole', cdkExecRole, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }],
    ['pass a cluster-path role to CloudFormation', 'iam:PassRole', pathRole, { 'iam:PassedToService': 'cloudformation.amazonaws.com' }],
    ['delete a stack with only the image-name tag (not the image id)', 'cloudformation:DeleteStack', appStack,
      { 'aws:ResourceTag/parallelcluster:image_name': 'x' }],
    ['register a CloudFormation hook type (runs with an execution role)', 'cloudformation:RegisterType', '*'],
  ]);
  add(1, ['imageCleanup'], [
    ['the image cleanup function deletes an untagged stack', 'cloudformation:DeleteStack', cdkStack],
  ]);

  // ---- 2. tag conditions that hold vacuously ----
  const asg = `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/payments-asg`;
  const lb = `arn:${p}:elasticloadbalancing:${r}:${a}:loadbalancer/net/payments/0123456789abcdef`;
  add(2, users, [
    ['delete any Auto Scaling group (no tags in the request)', 'autoscaling:DeleteAutoScalingGroup', asg],
    ['resize any Auto Scaling group', 'autoscaling:UpdateAutoScalingGroup', asg],
    ['delete any load balancer', 'elasticloadbalancing:DeleteLoadBalancer', lb],
  ]);

  // ---- 4. privileged-mode relatives that must stay closed in every mode ----
  add(4, users, [
    ['create a role outside the cluster path', 'iam:CreateRole', adminRole],
    ['put an inline policy on a role outside the cluster path', 'iam:PutRolePolicy', adminRole],
    ['put an inline policy on the user role itself', 'iam:PutRolePolicy', opts.userRoleArn],
    ['attach AdministratorAccess to a cluster-path role', 'iam:AttachRolePolicy', pathRole,
      { 'iam:PolicyARN': `arn:${p}:iam::aws:policy/AdministratorAccess` }],
    ['attach IAMFullAccess to a cluster-path role', 'iam:AttachRolePolicy', pathRole,
      { 'iam:PolicyARN': `arn:${p}:iam::aws:policy/IAMFullAccess` }],
    ['change the trust policy of a cluster-path role', 'iam:UpdateAssumeRolePolicy', pathRole],
    ['create a policy version (rewrite a managed policy)', 'iam:CreatePolicyVersion', `arn:${p}:iam::${a}:policy/parallelcluster/x`],
    ['remove the permissions boundary of a cluster-path role', 'iam:DeleteRolePermissionsBoundary', pathRole],
    ['create an access key for a user', 'iam:CreateAccessKey', `arn:${p}:iam::${a}:user/admin`],
  ]);

  // ---- 7. the library's own instance profiles (the configuration names roles; pcluster makes the profiles) ----
  const libraryProfile = `arn:${p}:iam::${a}:instance-profile/parallelcluster/${opts.headNodeProfileName ?? 'TestStack-HeadNode'}`;
  add(7, users, [
    ['take the head node role out of the library\'s instance profile', 'iam:RemoveRoleFromInstanceProfile', libraryProfile],
    ['delete the library\'s head node instance profile', 'iam:DeleteInstanceProfile', libraryProfile],
    ['put another role into the library\'s instance profile', 'iam:AddRoleToInstanceProfile', libraryProfile],
    ['create a profile directly on the cluster path', 'iam:CreateInstanceProfile', libraryProfile],
  ]);

  // ---- 5. PassRole of roles off the cluster path, cluster roles' own grants ----
  add(5, users, [
    ['pass an admin role to EC2', 'iam:PassRole', adminRole, { 'iam:PassedToService': ec2Service }],
    ['pass an admin role to Lambda', 'iam:PassRole', adminRole, { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    ['pass a /service-role/ role to Lambda', 'iam:PassRole', `arn:${p}:iam::${a}:role/service-role/codebuild-prod`,
      { 'iam:PassedToService': 'lambda.amazonaws.com' }],
    ['pass a role of a path that only starts like the cluster path', 'iam:PassRole', `arn:${p}:iam::${a}:role/parallelclusterX/admin`,
      { 'iam:PassedToService': ec2Service }],
    ['pass a cluster-path role to SSM (no ParallelCluster service)', 'iam:PassRole', pathRole, { 'iam:PassedToService': 'ssm.amazonaws.com' }],
  ]);
  const foreignAmi = `arn:${p}:ec2:${r}::image/ami-0fedcba9876543210`;
  add(5, ['imageInstance'], [
    ['make any AMI public', 'ec2:ModifyImageAttribute', foreignAmi],
    ['make an AMI of another Image Builder pipeline public', 'ec2:ModifyImageAttribute', foreignAmi,
      { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/payments-golden/1.0.0/1` }],
  ]);
  add(5, ['imageCleanup'], [
    ['delete a cluster role that is not the image build\'s', 'iam:DeleteRole', pathRole],
    ['strip the policies of a cluster role', 'iam:DeleteRolePolicy', pathRole],
  ]);
  add(5, ['imageCleanup'], [
    ['delete a role outside the cluster path', 'iam:DeleteRole', adminRole],
  ]);
  add(5, ['lambdaFunctions', 'headNode', 'computeNode', 'loginNode', 'imageInstance'], [
    ['create a role', 'iam:CreateRole', pathRole],
    ['pass an admin role', 'iam:PassRole', adminRole, { 'iam:PassedToService': ec2Service }],
    ['write to another account\'s parallelcluster bucket', 's3:PutObject',
      `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/x`, { 'aws:ResourceAccount': OTHER_ACCOUNT }],
  ]);
  add(5, ['lambdaFunctions'], [
    ['delete from another account\'s parallelcluster bucket', 's3:DeleteObject',
      `arn:${p}:s3:::parallelcluster-0123456789abcdef-v1-do-not-delete/x`, { 'aws:ResourceAccount': OTHER_ACCOUNT }],
  ]);

  // ---- 6. blast radius beyond ParallelCluster ----
  const otherGroup = `arn:${p}:logs:${r}:${a}:log-group:/aws/lambda/payments-api`;
  add(6, users, [
    ['delete another application\'s log group', 'logs:DeleteLogGroup', otherGroup],
    ['shorten another log group\'s retention (evidence destruction)', 'logs:PutRetentionPolicy', `arn:${p}:logs:${r}:${a}:log-group:CloudTrail/logs`],
    ['read another application\'s logs', 'logs:FilterLogEvents', otherGroup],
    ['read another application\'s log stream', 'logs:GetLogEvents', `${otherGroup}:log-stream:2026/11/30/x`],
    ['export another application\'s logs', 'logs:CreateExportTask', otherGroup],
    ['delete a log group whose name only contains parallelcluster', 'logs:DeleteLogGroup',
      `arn:${p}:logs:${r}:${a}:log-group:/payments/aws/parallelcluster/x`],
    ['change the records of the company zone', 'route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/ZCOMPANY`,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.example.com'] }],
    ['change a record next to a cluster record', 'route53:ChangeResourceRecordSets', `arn:${p}:route53:::hostedzone/ZCOMPANY`,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['node.cluster.pcluster', 'www.example.com'] }],
    // ForAllValues holds vacuously for a request without the key (finding 2): the statement's Null guard refuses it.
    ['change records of a zone with no record names in the request context', 'route53:ChangeResourceRecordSets',
      `arn:${p}:route53:::hostedzone/ZCOMPANY`],
    ['read a parallelcluster-named bucket of another account', 's3:GetObject',
      `arn:${p}:s3:::parallelcluster-attacker-v1-do-not-delete/x`, { 'aws:ResourceAccount': OTHER_ACCOUNT }],
    ['write to a parallelcluster-named bucket of another account (exfiltration)', 's3:PutObject',
      `arn:${p}:s3:::parallelcluster-attacker-v1-do-not-delete/x`, { 'aws:ResourceAccount': OTHER_ACCOUNT }],
    ['open a parallelcluster-named bucket of another account', 's3:PutBucketPolicy',
      `arn:${p}:s3:::parallelcluster-attacker-v1-do-not-delete`, { 'aws:ResourceAccount': OTHER_ACCOUNT }],
    ['read a secret that is not the configuration\'s', 'secretsmanager:DescribeSecret', `arn:${p}:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf`],
  ]);

  // ---- 6, continued: the issue-19 grants (resources the configuration or the CLI names) stay on what they name ----
  // The world gives the construct NAMED_RESOURCES (test/support/pcluster-calls.ts): export bucket, munge key,
  // capacity reservation group, kept volume.
  const dataBucket = `arn:${p}:s3:::payments-data`;
  const exportBucket = `arn:${p}:s3:::${NAMED_LOG_EXPORT_BUCKET}`;
  add(6, users, [
    ['write to a bucket that is not the log export bucket', 's3:PutObject', `${dataBucket}/x`],
    ['delete from a bucket that is not the log export bucket', 's3:DeleteObject', `${dataBucket}/x`],
    ['list a bucket that is not the log export bucket', 's3:ListBucket', dataBucket],
    ['open the log export bucket to the world', 's3:PutBucketPolicy', exportBucket],
    ['delete the log export bucket', 's3:DeleteBucket', exportBucket],
    ['erase a version in the log export bucket for good', 's3:DeleteObjectVersion', `${exportBucket}/x`],
    ['read a secret value that is not the munge key', 'secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf`],
    ['read a resource of an application stack (neither a cluster\'s nor an image\'s)', 'cloudformation:DescribeStackResource', appStack],
    ['read a resource of a stack tagged by another tool', 'cloudformation:DescribeStackResource', appStack, { 'aws:ResourceTag/team': 'payments' }],
    ['delete an instance profile on the cluster path that is not an image build\'s', 'iam:DeleteInstanceProfile',
      `arn:${p}:iam::${a}:instance-profile/parallelcluster/${clusterName}-HeadNode`],
    ['delete an image-named instance profile off the ParallelCluster path', 'iam:DeleteInstanceProfile',
      `arn:${p}:iam::${a}:instance-profile/ParallelClusterImage-0a1b2c3d`],
    ['read the resource policy of another function', 'lambda:GetPolicy', `arn:${p}:lambda:${r}:${a}:function:payments-api`],
  ]);
  add(6, ['headNode'], [
    ['read a secret value that is not the configuration\'s', 'secretsmanager:GetSecretValue', `arn:${p}:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf`],
    ['list another resource group', 'resource-groups:ListGroupResources', `arn:${p}:resource-groups:${r}:${a}:group/payments`],
    ['delete the capacity reservation group', 'resource-groups:DeleteGroup', `arn:${p}:resource-groups:${r}:${a}:group/${NAMED_RESOURCE_GROUP}`],
    ['change the login nodes\' target group', 'elasticloadbalancing:ModifyTargetGroup', '*'],
    ['delete the kept volume', 'ec2:DeleteVolume', `arn:${p}:ec2:${r}:${a}:volume/${NAMED_VOLUME_ID}`],
  ]);
  rows.push(...issue18NarrowingRows(opts));
  return rows;
}

/**
 * Issue 18, findings 3-7: the same attacks made directly and, where CloudFormation could be asked to make
 * them, through CloudFormation (`aws:CalledVia`). Requests a stack template could make through
 * CloudFormation on an existing resource it names (a security group rule, an Elastic IP association)
 * are the residual risk docs/security.md lists; they are not rows here.
 */
function issue18NarrowingRows(opts: AttackOptions): AttackRequest[] {
  const { env, clusterName } = opts;
  const { partition: p, region: r, account: a } = env;
  const rows: AttackRequest[] = [];
  const add = (finding: number, roles: CallerRole[], list: Array<[string, string, string, RequestContext?]>) => {
    for (const [what, action, resource, context] of list) {
      rows.push({ issue: 18, finding, what, roles, action, resource, context });
    }
  };
  const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
  const ec2 = (resource: string) => `arn:${p}:ec2:${r}:${a}:${resource}`;
  const foreignTemplate = ec2('launch-template/lt-0fedcba9876543210');
  const foreignInstance = ec2('instance/i-0fedcba9876543210');
  const foreignVolume = ec2('volume/vol-0fedcba9876543210');
  const foreignGroup = ec2('security-group/sg-0fedcba9876543210');
  const foreignEni = ec2('network-interface/eni-0fedcba9876543210');
  const foreignEip = ec2('elastic-ip/eipalloc-0fedcba9876543210');
  const foreignSnapshot = `arn:${p}:ec2:${r}::snapshot/snap-0fedcba9876543210`;
  const foreignAmi = `arn:${p}:ec2:${r}::image/ami-0fedcba9876543210`;
  const clusterTag = { 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': clusterName };
  const computeTag = { 'aws:TagKeys': ['parallelcluster:node-type'], 'aws:RequestTag/parallelcluster:node-type': 'Compute' };
  const clusterStack = `arn:${p}:cloudformation:${r}:${a}:stack/${clusterName}/0a1b2c3d-1111-2222-3333-444455556666`;
  const users = USER_ROLES;

  // ---- 3. launch template takeover, tag-then-terminate ----
  add(3, users, [
    ['put new user data in a foreign launch template (its Auto Scaling group runs it)', 'ec2:CreateLaunchTemplateVersion', foreignTemplate],
    ['make the new version the default of a foreign launch template', 'ec2:ModifyLaunchTemplate', foreignTemplate],
    ['delete a foreign launch template', 'ec2:DeleteLaunchTemplate', foreignTemplate],
    ['put the cluster tag on an existing instance', 'ec2:CreateTags', foreignInstance, clusterTag],
    ['put the cluster tag on an existing volume', 'ec2:CreateTags', foreignVolume, clusterTag],
    ['terminate an instance without the cluster tag', 'ec2:TerminateInstances', foreignInstance],
    ['terminate an instance without the cluster tag, through CloudFormation', 'ec2:TerminateInstances', foreignInstance, viaCfn],
    ['import a foreign resource into a cluster stack (change set of type IMPORT)', 'cloudformation:CreateChangeSet', clusterStack, {
      'aws:ResourceTag/parallelcluster:cluster-name': clusterName,
      'cloudformation:ChangeSetName': 'adopt',
      'cloudformation:ImportResourceTypes': ['AWS::EC2::LaunchTemplate'],
    }],
    ['execute a change set on a cluster stack', 'cloudformation:ExecuteChangeSet', clusterStack, {
      'aws:ResourceTag/parallelcluster:cluster-name': clusterName, 'cloudformation:ChangeSetName': 'adopt',
    }],
  ]);

  // ---- 4. forged Image Builder tag ----
  add(4, ['imageInstance', 'imageCleanup'], [
    ['forge the Image Builder tag on a foreign AMI', 'ec2:CreateTags', foreignAmi, {
      'aws:TagKeys': ['Ec2ImageBuilderArn'],
      'aws:RequestTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/parallelclusterimage-x/1.0.0/1`,
    }],
    ['tag a foreign AMI', 'ec2:CreateTags', foreignAmi, { 'aws:TagKeys': ['parallelcluster:build_status'] }],
    ['tag an AMI of another Image Builder pipeline', 'ec2:CreateTags', foreignAmi,
      { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/payments-golden/1.0.0/1` }],
  ]);

  // ---- 5. the image cleanup role deletes any stack (every revision: test/proof/attack-matrix.test.ts) ----
  add(5, ['imageCleanup'], [
    ['delete an untagged application stack', 'cloudformation:DeleteStack', `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/0a1b2c3d-1111-2222-3333-444455556666`],
  ]);

  // ---- 6. Route 53 through the node and Lambda roles ----
  const companyZone = `arn:${p}:route53:::hostedzone/ZCOMPANY`;
  add(6, ['headNode', 'lambdaFunctions'], [
    ['change a record of a public zone', 'route53:ChangeResourceRecordSets', companyZone,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.example.com'] }],
    ['change a record next to a cluster record', 'route53:ChangeResourceRecordSets', companyZone,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`node.${clusterName}.pcluster`, 'www.example.com'] }],
    ['change records with no record names in the request context', 'route53:ChangeResourceRecordSets', companyZone],
  ]);
  // The user's hosted zone grants (section 4): pcluster only reads zones; CloudFormation creates, tags and
  // deletes the cluster stack's zone. Directly, no zone may be created, tagged or deleted, and no health
  // check tagged.
  const healthCheck = `arn:${p}:route53:::healthcheck/0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9`;
  add(6, users, [
    ['delete the company zone', 'route53:DeleteHostedZone', companyZone],
    ['retag the company zone', 'route53:ChangeTagsForResource', companyZone],
    ['create a hosted zone outside a stack', 'route53:CreateHostedZone', '*'],
    ['retag a health check', 'route53:ChangeTagsForResource', healthCheck],
  ]);

  // ---- 7. EC2, EFS, FSx and S3 reach ----
  // The cluster's tags, as a stack of one's own would send them (it may be created with them).
  const clusterTagInRequest: RequestContext = {
    'aws:TagKeys': ['parallelcluster:cluster-name'],
    'aws:RequestTag/parallelcluster:cluster-name': 'hpc-prod',
  };
  const foreignFsx = `arn:${p}:fsx:${r}:${a}:file-system/fs-0fedcba9876543210`;
  const foreignEfs = `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0fedcba98`;
  add(7, users, [
    ['snapshot a foreign volume', 'ec2:CreateSnapshot', foreignVolume],
    // EC2 authorizes a snapshot named in a launch as a `snapshot` resource, with its ec2:SnapshotID.
    ['boot an instance from a foreign snapshot', 'ec2:RunInstances', foreignSnapshot, { 'ec2:SnapshotID': 'snap-0fedcba9876543210' }],
    ['boot an instance from a foreign snapshot, through CloudFormation', 'ec2:RunInstances', foreignSnapshot,
      { ...viaCfn, 'ec2:SnapshotID': 'snap-0fedcba9876543210' }],
    ['move a foreign Elastic IP', 'ec2:AssociateAddress', foreignEip],
    ['detach a foreign Elastic IP', 'ec2:DisassociateAddress', foreignEip],
    ['release a foreign Elastic IP', 'ec2:ReleaseAddress', foreignEip],
    ['open a foreign security group', 'ec2:AuthorizeSecurityGroupIngress', foreignGroup],
    ['remove the rules of a foreign security group', 'ec2:RevokeSecurityGroupEgress', foreignGroup],
    ['delete a foreign security group', 'ec2:DeleteSecurityGroup', foreignGroup],
    ['swap the security groups of a foreign ENI', 'ec2:ModifyNetworkInterfaceAttribute', foreignEni],
    ['delete a foreign ENI', 'ec2:DeleteNetworkInterface', foreignEni],
    ['delete a foreign volume', 'ec2:DeleteVolume', foreignVolume],
    ['change a foreign volume', 'ec2:ModifyVolume', foreignVolume],
    // The same through CloudFormation (a stack template the user writes): only the cluster's tagged resources.
    ['snapshot a foreign volume, through CloudFormation', 'ec2:CreateSnapshot', foreignVolume, viaCfn],
    ['move an Elastic IP onto a foreign ENI, through CloudFormation', 'ec2:AssociateAddress', foreignEni, viaCfn],
    ['detach an Elastic IP from a foreign ENI, through CloudFormation', 'ec2:DisassociateAddress', foreignEni, viaCfn],
    ['release a foreign Elastic IP, through CloudFormation', 'ec2:ReleaseAddress', foreignEip, viaCfn],
    ['open a foreign security group, through CloudFormation', 'ec2:AuthorizeSecurityGroupIngress', foreignGroup, viaCfn],
    ['open a foreign security group for egress, through CloudFormation', 'ec2:AuthorizeSecurityGroupEgress', foreignGroup, viaCfn],
    ['remove the rules of a foreign security group, through CloudFormation', 'ec2:RevokeSecurityGroupIngress', foreignGroup, viaCfn],
    ['delete a foreign security group, through CloudFormation', 'ec2:DeleteSecurityGroup', foreignGroup, viaCfn],
    ['swap the security groups of a foreign ENI, through CloudFormation', 'ec2:ModifyNetworkInterfaceAttribute', foreignEni, viaCfn],
    ['attach a foreign ENI to an instance, through CloudFormation', 'ec2:AttachNetworkInterface', foreignEni, viaCfn],
    ['delete a foreign ENI, through CloudFormation', 'ec2:DeleteNetworkInterface', foreignEni, viaCfn],
    ['delete a foreign volume, through CloudFormation', 'ec2:DeleteVolume', foreignVolume, viaCfn],
    ['change a foreign volume, through CloudFormation', 'ec2:ModifyVolume', foreignVolume, viaCfn],
    ['change a foreign volume\'s attributes, through CloudFormation', 'ec2:ModifyVolumeAttribute', foreignVolume, viaCfn],
    ['delete a foreign placement group, through CloudFormation', 'ec2:DeletePlacementGroup', ec2('placement-group/payments-pg'), viaCfn],
    ['tag a foreign instance without the cluster tag, through CloudFormation', 'ec2:CreateTags', foreignInstance,
      { ...viaCfn, 'aws:TagKeys': ['Name'], 'aws:RequestTag/Name': 'payments' }],
    ['remove the tags of a foreign instance, through CloudFormation', 'ec2:DeleteTags', foreignInstance, viaCfn],
    ['deregister a foreign AMI', 'ec2:DeregisterImage', foreignAmi],
    ['deregister an AMI of another Image Builder pipeline', 'ec2:DeregisterImage', foreignAmi,
      { 'ec2:ResourceTag/Ec2ImageBuilderArn': `arn:${p}:imagebuilder:${r}:${a}:image/payments-golden/1.0.0/1` }],
    ['delete any FSx file system', 'fsx:DeleteFileSystem', `arn:${p}:fsx:${r}:${a}:file-system/fs-0fedcba9876543210`],
    ['delete any FSx backup', 'fsx:DeleteBackup', `arn:${p}:fsx:${r}:${a}:backup/backup-0fedcba9876543210`],
    ['export an FSx file system to a bucket of one\'s choice', 'fsx:CreateDataRepositoryAssociation', `arn:${p}:fsx:${r}:${a}:file-system/fs-0fedcba9876543210`],
    ['delete any EFS file system', 'elasticfilesystem:DeleteFileSystem', `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0fedcba98`],
    ['open any EFS file system to any principal', 'elasticfilesystem:PutFileSystemPolicy', `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0fedcba98`],
    // Through CloudFormation too: the stack's FSx and EFS requests need the cluster tag on the resource
    // (or, to create, in the request, and then only new resources).
    ['delete an FSx file system without the cluster tag, through CloudFormation', 'fsx:DeleteFileSystem', foreignFsx, viaCfn],
    ['delete an FSx backup without the cluster tag, through CloudFormation', 'fsx:DeleteBackup', `arn:${p}:fsx:${r}:${a}:backup/backup-0fedcba9876543210`, viaCfn],
    ['export a foreign FSx file system to a bucket of one\'s choice, through CloudFormation with the cluster tag in the request',
      'fsx:CreateDataRepositoryAssociation', foreignFsx, { ...viaCfn, ...clusterTagInRequest }],
    ['change a foreign FSx file system, through CloudFormation with the cluster tag in the request', 'fsx:UpdateFileSystem', foreignFsx,
      { ...viaCfn, ...clusterTagInRequest }],
    ['delete an EFS file system without the cluster tag, through CloudFormation', 'elasticfilesystem:DeleteFileSystem', foreignEfs, viaCfn],
    ['open an EFS file system without the cluster tag to any principal, through CloudFormation', 'elasticfilesystem:PutFileSystemPolicy', foreignEfs, viaCfn],
    ['mount a foreign EFS file system in a subnet of one\'s choice, through CloudFormation with the cluster tag in the request',
      'elasticfilesystem:CreateMountTarget', foreignEfs, { ...viaCfn, ...clusterTagInRequest }],
    ['put the cluster tag on a foreign EFS file system (then delete it), through CloudFormation', 'elasticfilesystem:TagResource', foreignEfs,
      { ...viaCfn, ...clusterTagInRequest }],
    // CloudWatch and CloudFormation: only ParallelCluster's alarms, dashboards and cluster stacks' templates.
    ['delete an alarm of another application', 'cloudwatch:DeleteAlarms', `arn:${p}:cloudwatch:${r}:${a}:alarm:payments-latency`],
    ['silence an alarm of another application by overwriting it', 'cloudwatch:PutMetricAlarm', `arn:${p}:cloudwatch:${r}:${a}:alarm:payments-latency`],
    ['untag an alarm of another application', 'cloudwatch:UntagResource', `arn:${p}:cloudwatch:${r}:${a}:alarm:payments-latency`],
    ['delete a dashboard of another application', 'cloudwatch:DeleteDashboards', `arn:${p}:cloudwatch::${a}:dashboard/payments`],
    ['read the template of a stack without the cluster tag', 'cloudformation:GetTemplate',
      `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/0a1b2c3d-1111-2222-3333-444455556666`],
    ['make a parallelcluster-* bucket public (ACL)', 's3:PutBucketAcl', `arn:${p}:s3:::parallelcluster-data`, { 'aws:ResourceAccount': a }],
    ['drop the public access block of a parallelcluster-* bucket', 's3:PutBucketPublicAccessBlock', `arn:${p}:s3:::parallelcluster-data`, { 'aws:ResourceAccount': a }],
    ['replace the policy of a parallelcluster-* bucket that is not the resources bucket', 's3:PutBucketPolicy', `arn:${p}:s3:::parallelcluster-data`, { 'aws:ResourceAccount': a }],
    ['delete a parallelcluster-* bucket', 's3:DeleteBucket', `arn:${p}:s3:::parallelcluster-data`, { 'aws:ResourceAccount': a }],
  ]);
  // The head node of a cluster whose configuration names its subnets, AMIs and volumes (computeSubnetIds,
  // computeImageIds, sharedStorageVolumeIds: pcluster-calls.ts namedResourceProps): none of another.
  const otherSubnet = ec2('subnet/subnet-0aaaaaaaaaaaaaaa1');
  const otherVolume = ec2('volume/vol-0aaaaaaaaaaaaaaa1');
  const otherAmi = `arn:${p}:ec2:${r}::image/ami-0aaaaaaaaaaaaaaa1`;
  add(7, ['headNode'], [
    ...['ec2:RunInstances', 'ec2:CreateFleet'].flatMap((action): Array<[string, string, string, RequestContext?]> => [
      [`launch a compute node (${action}) in a subnet the configuration does not name`, action, otherSubnet],
      [`launch a compute node (${action}) from an AMI of the account the configuration does not name`, action, otherAmi, { 'ec2:Owner': a }],
      [`launch a compute node (${action}) from another account's AMI`, action, otherAmi, { 'ec2:Owner': '444455556666' }],
      [`launch a compute node (${action}) from a Marketplace AMI`, action, otherAmi, { 'ec2:Owner': 'aws-marketplace' }],
    ]),
    ['attach an untagged volume the configuration does not name', 'ec2:AttachVolume', otherVolume],
    ['detach an untagged volume the configuration does not name (from its instance)', 'ec2:DetachVolume', otherVolume],
    ['attach a volume to an untagged instance', 'ec2:AttachVolume', foreignInstance],
    ['boot a compute node from a foreign snapshot', 'ec2:RunInstances', foreignSnapshot, { 'ec2:SnapshotID': 'snap-0fedcba9876543210' }],
    ['mark a foreign instance as a compute node (then terminate it)', 'ec2:CreateTags', foreignInstance, computeTag],
    ['read the console output of a foreign instance', 'ec2:GetConsoleOutput', foreignInstance],
  ]);
  return rows;
}

/** One request a role under a permissions boundary must not be able to make. */
export interface BoundaryAttack {
  readonly what: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

/**
 * Issue 18, finding 2: what a role created under `ParallelClusterBoundary` must not do, whatever policy
 * it is given (test/proof/attack-matrix.test.ts gives it `*` on `*`): escalate through another service's
 * role (stacks, functions, builds, commands on instances), change IAM, pass roles off the cluster path
 * or to another service than EC2, or reach data that is not ParallelCluster's.
 */
export function boundaryAttackRequests(env: TestEnvironment, iamPath = '/parallelcluster/'): BoundaryAttack[] {
  const { partition: p, region: r, account: a } = env;
  const ec2Service = p === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com';
  const instance = `arn:${p}:ec2:${r}:${a}:instance/i-0123456789abcdef0`;
  const pathRole = `arn:${p}:iam::${a}:role${iamPath}hpc-prod-HeadNode`;
  const stackId = '0a1b2c3d-1111-2222-3333-444455556666';
  return [
    { what: 'update an application stack (runs with its service role)', action: 'cloudformation:UpdateStack', resource: `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/${stackId}` },
    { what: 'update the CDK toolkit stack', action: 'cloudformation:UpdateStack', resource: `arn:${p}:cloudformation:${r}:${a}:stack/CDKToolkit/${stackId}` },
    {
      what: 'update a cluster stack',
      action: 'cloudformation:UpdateStack',
      resource: `arn:${p}:cloudformation:${r}:${a}:stack/hpc-prod/${stackId}`,
      context: { 'aws:ResourceTag/parallelcluster:cluster-name': 'hpc-prod' },
    },
    { what: 'create a change set on any stack', action: 'cloudformation:CreateChangeSet', resource: `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/${stackId}` },
    { what: 'delete an application stack', action: 'cloudformation:DeleteStack', resource: `arn:${p}:cloudformation:${r}:${a}:stack/payments-prod/${stackId}` },
    { what: 'run a command on any instance', action: 'ssm:SendCommand', resource: instance },
    { what: 'run a command with any document', action: 'ssm:SendCommand', resource: `arn:${p}:ssm:${r}:${a}:document/payments-runbook` },
    { what: 'start a session on any instance', action: 'ssm:StartSession', resource: instance },
    { what: 'replace the code of any function', action: 'lambda:UpdateFunctionCode', resource: `arn:${p}:lambda:${r}:${a}:function:payments-api` },
    { what: 'replace the code of a cluster function', action: 'lambda:UpdateFunctionCode', resource: `arn:${p}:lambda:${r}:${a}:function:pcluster-CleanupRoute53-0123abcd` },
    { what: 'change the role of any function', action: 'lambda:UpdateFunctionConfiguration', resource: `arn:${p}:lambda:${r}:${a}:function:payments-api` },
    { what: 'create a function', action: 'lambda:CreateFunction', resource: `arn:${p}:lambda:${r}:${a}:function:pcluster-x` },
    { what: 'invoke any function', action: 'lambda:InvokeFunction', resource: `arn:${p}:lambda:${r}:${a}:function:payments-api` },
    { what: 'start any CodeBuild build (runs with the project\'s role)', action: 'codebuild:StartBuild', resource: `arn:${p}:codebuild:${r}:${a}:project/deploy-prod` },
    { what: 'start a ParallelCluster CodeBuild build', action: 'codebuild:StartBuild', resource: `arn:${p}:codebuild:${r}:${a}:project/pcluster-build-docker-images-x` },
    { what: 'change any instance\'s user data or profile', action: 'ec2:ModifyInstanceAttribute', resource: instance },
    { what: 'swap any instance\'s profile', action: 'ec2:ReplaceIamInstanceProfileAssociation', resource: instance },
    { what: 'create a role on the cluster path', action: 'iam:CreateRole', resource: pathRole },
    { what: 'put an inline policy on a cluster-path role', action: 'iam:PutRolePolicy', resource: pathRole },
    { what: 'attach a policy to a cluster-path role', action: 'iam:AttachRolePolicy', resource: pathRole },
    { what: 'remove a role\'s boundary', action: 'iam:DeleteRolePermissionsBoundary', resource: pathRole },
    { what: 'create an access key', action: 'iam:CreateAccessKey', resource: `arn:${p}:iam::${a}:user/admin` },
    { what: 'pass an admin role to EC2', action: 'iam:PassRole', resource: `arn:${p}:iam::${a}:role/Admin`, context: { 'iam:PassedToService': ec2Service } },
    { what: 'pass a cluster-path role to Lambda', action: 'iam:PassRole', resource: pathRole, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    { what: 'assume another role', action: 'sts:AssumeRole', resource: `arn:${p}:iam::${a}:role/Admin` },
    { what: 'read any secret', action: 'secretsmanager:GetSecretValue', resource: `arn:${p}:secretsmanager:${r}:${a}:secret:prod/db-AbCdEf` },
    { what: 'open any bucket', action: 's3:PutBucketPolicy', resource: `arn:${p}:s3:::payments-data` },
    { what: 'read any bucket', action: 's3:GetObject', resource: `arn:${p}:s3:::payments-data/x` },
    { what: 'shorten CloudTrail log retention', action: 'logs:PutRetentionPolicy', resource: `arn:${p}:logs:${r}:${a}:log-group:CloudTrail/logs` },
    { what: 'delete any table', action: 'dynamodb:DeleteTable', resource: `arn:${p}:dynamodb:${r}:${a}:table/payments` },
    { what: 'terminate any instance', action: 'ec2:TerminateInstances', resource: instance },
  ];
}

/**
 * Issue 18, finding 12: requests of a user role scoped to `clusterName` (ParallelClusterIam's
 * `clusterName`, `clusterNames: [clusterName]` on the user) against another team's cluster.
 */
export function scopedUserAttackRequests(env: TestEnvironment, clusterName: string): AttackRequest[] {
  const { partition: p, region: r, account: a } = env;
  const otherFunction = `arn:${p}:lambda:${r}:${a}:function:pcluster-CleanupRoute53-fedcba98`;
  const otherTag = { 'aws:ResourceTag/parallelcluster:cluster-name': 'team-b-prod' };
  const zone = `arn:${p}:route53:::hostedzone/ZTEAMB`;
  const otherDirectory = `arn:${p}:s3:::parallelcluster-b9033160b61390ef-v1-do-not-delete/parallelcluster/3.16.1/clusters/team-b-prod-abcdefghijklmnop`;
  const otherFsx = `arn:${p}:fsx:${r}:${a}:file-system/fs-0b1c2d3e4f5a6b7c8`;
  const otherEfs = `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0b1c2d3e`;
  const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
  const rows: Array<[string, string, string, RequestContext?]> = [
    ['add a record named like the cluster to another cluster\'s zone', 'route53:ChangeResourceRecordSets', zone,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`x.${clusterName}.team-b-prod.pcluster`] }],
    ['reconfigure another cluster\'s Lambda function', 'lambda:UpdateFunctionConfiguration', otherFunction, otherTag],
    ['open another cluster\'s Lambda function to any principal', 'lambda:AddPermission', otherFunction, otherTag],
    ['invoke another cluster\'s Lambda function', 'lambda:InvokeFunction', otherFunction, otherTag],
    ['delete another cluster\'s Lambda function', 'lambda:DeleteFunction', otherFunction, otherTag],
    ['re-tag another cluster\'s Lambda function as its own', 'lambda:TagResource', otherFunction,
      { ...otherTag, 'aws:RequestTag/parallelcluster:cluster-name': clusterName }],
    // Issue 18: the other cluster's EC2 resources carry its cluster-name tag (its stack's tags, models/cluster.py:925-942).
    ...ec2OtherClusterRows(env, clusterName),
    // Issue 18, finding 7: another cluster's file systems, changed by a stack of one's own.
    ['delete another cluster\'s FSx file system, through CloudFormation', 'fsx:DeleteFileSystem', otherFsx, { ...otherTag, ...viaCfn }],
    ['export another cluster\'s FSx file system, through CloudFormation', 'fsx:CreateDataRepositoryAssociation', otherFsx,
      { ...otherTag, ...viaCfn, 'aws:RequestTag/parallelcluster:cluster-name': clusterName, 'aws:TagKeys': ['parallelcluster:cluster-name'] }],
    // Another cluster's artifact directory (its configuration, template and custom resources), alarms and dashboard.
    ['read another cluster\'s configuration', 's3:GetObject', `${otherDirectory}/configs/cluster-config.yaml`, { 'aws:ResourceAccount': a }],
    ['replace another cluster\'s stack template', 's3:PutObject', `${otherDirectory}/templates/aws-parallelcluster.cfn.yaml`, { 'aws:ResourceAccount': a }],
    ['delete another cluster\'s configuration versions', 's3:DeleteObjectVersion', `${otherDirectory}/configs/cluster-config.yaml`, { 'aws:ResourceAccount': a }],
    ['delete another cluster\'s alarm', 'cloudwatch:DeleteAlarms', `arn:${p}:cloudwatch:${r}:${a}:alarm:team-b-prod-HeadNode`],
    ['delete another cluster\'s dashboard', 'cloudwatch:DeleteDashboards', `arn:${p}:cloudwatch::${a}:dashboard/team-b-prod-${r}`],
    ['read another cluster\'s stack template', 'cloudformation:GetTemplate',
      `arn:${p}:cloudformation:${r}:${a}:stack/team-b-prod/0a1b2c3d-1111-2222-3333-444455556666`, otherTag],
    ['delete another cluster\'s EFS file system, through CloudFormation', 'elasticfilesystem:DeleteFileSystem', otherEfs, { ...otherTag, ...viaCfn }],
    ['open another cluster\'s EFS file system to any principal, through CloudFormation', 'elasticfilesystem:PutFileSystemPolicy', otherEfs,
      { ...otherTag, ...viaCfn }],
  ];
  return rows.map(([what, action, resource, context]) => ({ finding: 12, what, roles: USER_ROLES, action, resource, context }));
}

/** EC2, load balancer and stack requests on another cluster's resources, or creating resources tagged as its. */
function ec2OtherClusterRows(env: TestEnvironment, clusterName: string): Array<[string, string, string, RequestContext?]> {
  const { partition: p, region: r, account: a } = env;
  const ec2 = (resource: string) => `arn:${p}:ec2:${r}:${a}:${resource}`;
  const viaCfn: RequestContext = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
  const otherEc2 = { ...viaCfn, 'ec2:ResourceTag/parallelcluster:cluster-name': 'team-b-prod' };
  const otherRequestTag = { 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': 'team-b-prod' };
  return [
    ['open another cluster\'s security group, through CloudFormation', 'ec2:AuthorizeSecurityGroupIngress', ec2('security-group/sg-0b0b0b0b0b0b0b0b0'), otherEc2],
    ['delete another cluster\'s volume, through CloudFormation', 'ec2:DeleteVolume', ec2('volume/vol-0b0b0b0b0b0b0b0b0'), otherEc2],
    ['snapshot another cluster\'s volume, through CloudFormation', 'ec2:CreateSnapshot', ec2('volume/vol-0b0b0b0b0b0b0b0b0'), otherEc2],
    ['move an Elastic IP onto another cluster\'s ENI, through CloudFormation', 'ec2:AssociateAddress', ec2('network-interface/eni-0b0b0b0b0b0b0b0b0'), otherEc2],
    ['create a volume tagged as another cluster\'s, through CloudFormation', 'ec2:CreateVolume', ec2('volume/vol-0c0c0c0c0c0c0c0c0'), { ...viaCfn, ...otherRequestTag }],
    ['create a security group tagged as another cluster\'s, through CloudFormation', 'ec2:CreateSecurityGroup', ec2('security-group/sg-0c0c0c0c0c0c0c0c0'), { ...viaCfn, ...otherRequestTag }],
    ['create a load balancer tagged as another cluster\'s', 'elasticloadbalancing:CreateLoadBalancer',
      `arn:${p}:elasticloadbalancing:${r}:${a}:loadbalancer/net/team-b-prod-login/0123456789abcdef`, otherRequestTag],
    ['create an image stack tagged as another cluster\'s stack', 'cloudformation:CreateStack',
      `arn:${p}:cloudformation:${r}:${a}:stack/${clusterName}-image/0a1b2c3d-1111-2222-3333-444455556666`, {
        'aws:TagKeys': ['parallelcluster:image_id', 'parallelcluster:cluster-name'],
        'aws:RequestTag/parallelcluster:image_id': `${clusterName}-image`,
        'aws:RequestTag/parallelcluster:cluster-name': 'team-b-prod',
      }],
  ];
}
