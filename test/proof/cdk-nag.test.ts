import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { addFullestConfiguration, FULLEST_ACCOUNT } from '../../scripts/fullest-app';
import {
  ComputeNodeRole,
  HeadNodeRole,
  ImageBuilderRoles,
  LambdaFunctionsRole,
  LoginNodeRole,
  ParallelClusterIam,
  ParallelClusterUserRole,
  ParallelClusterVersion,
  Scheduler,
} from '../../src';

/*
 * cdk-nag's AwsSolutions pack on every construct, alone with its defaults and in the fullest
 * configuration (scripts/fullest-app.ts). Its IAM rules flag what ParallelCluster needs by design:
 * AWS managed policies (IAM4) and wildcards (IAM5). Each finding is suppressed here, in the test (the
 * library does not depend on cdk-nag), with a granular `appliesTo` naming the exact action or resource
 * and a reason citing the ParallelCluster requirement. Anything not listed fails the test, and so does
 * an entry that no longer matches a finding. docs/cdk-nag.md's list of findings is generated from the same
 * table: `UPDATE_NAG_DOC=1 npx jest test/proof/cdk-nag.test.ts` rewrites it.
 */

const REGION = 'us-east-1';
const ACCOUNT = FULLEST_ACCOUNT;

/** What a finding's text depends on: the stack's region and account, and the construct's IAM path. */
interface Where {
  readonly region: string;
  readonly account: string;
  /** The cluster IAM path without its leading slash, e.g. `parallelcluster/`. */
  readonly path: string;
}

type Kind = 'user' | 'headNode' | 'computeNode' | 'loginNode' | 'lambdaFunctions' | 'imageBuilder';

interface Entry {
  readonly rule: 'AwsSolutions-IAM4' | 'AwsSolutions-IAM5';
  /** The finding as cdk-nag writes it, e.g. `Action::s3:*` or `Resource::arn:<AWS::Partition>:...`. */
  readonly finding: (w: Where) => string;
  readonly reason: string;
}

const P = '<AWS::Partition>';
const arn = (service: string, region: string, account: string, resource: string): string =>
  `Resource::arn:${P}:${service}:${region}:${account}:${resource}`;
const action = (name: string): ((w: Where) => string) => () => `Action::${name}`;
const awsPolicy = (name: string): ((w: Where) => string) => () => `Policy::arn:${P}:iam::aws:policy/${name}`;
const iam5 = (finding: (w: Where) => string, reason: string): Entry => ({ rule: 'AwsSolutions-IAM5', finding, reason });
const iam4 = (name: string, reason: string): Entry => ({ rule: 'AwsSolutions-IAM4', finding: awsPolicy(name), reason });

// The buckets the fullest configuration gives (s3Access, FSx data repository): user data, named by the user.
const USER_BUCKET_OBJECTS = ['hpc-software/installers/*', 'hpc-results/*'];

const SSM = iam4('AmazonSSMManagedInstanceCore',
  'ParallelCluster attaches AmazonSSMManagedInstanceCore to its node roles so that nodes can be reached with ' +
  'Session Manager (doc: AWS managed policies used by ParallelCluster); optional here with enableSessionManager.');
const CLOUDWATCH_AGENT = iam4('CloudWatchAgentServerPolicy',
  'ParallelCluster attaches CloudWatchAgentServerPolicy to node roles: the nodes ship their logs and metrics ' +
  'with the CloudWatch agent (doc: AWS managed policies used by ParallelCluster); optional with enableCloudWatchAgent.');
const LAMBDA_BASIC = iam4('service-role/AWSLambdaBasicExecutionRole',
  "ParallelCluster's Lambda functions write their logs with AWSLambdaBasicExecutionRole, as the doc's Lambda roles do.");
const LAMBDA_VPC = iam4('service-role/AWSLambdaVPCAccessExecutionRole',
  'ParallelCluster requires AWSLambdaVPCAccessExecutionRole when its Lambda functions run in a VPC ' +
  '(lambdaFunctionsInVpc, the config\'s DeploymentSettings/LambdaFunctionsVpcConfig).');
const S3_ACCESS = [
  iam5(action('s3:Get*'), "s3Access: ParallelCluster's S3Access setting grants s3:Get* and s3:List* on the buckets the user names."),
  iam5(action('s3:List*'), "s3Access: ParallelCluster's S3Access setting grants s3:Get* and s3:List* on the buckets the user names."),
  ...USER_BUCKET_OBJECTS.map((objects) => iam5(() => `Resource::arn:${P}:s3:::${objects}`,
    's3Access: the objects of a bucket (or key pattern) the user names, as in ParallelCluster\'s S3Access setting.')),
];
const NODE_BUCKETS = (w: Where): Entry[] => [
  iam5(() => `Resource::arn:${P}:s3:::${w.region}-aws-parallelcluster/*`,
    "Nodes read ParallelCluster's own artefacts (cookbooks, scripts) from the AWS-owned <region>-aws-parallelcluster bucket (doc block computeNode/headNode)."),
];

/** The suppressions of each kind of construct, by rule and finding; `w` is the construct's environment and path. */
const TABLE: Record<Kind, (w: Where) => Entry[]> = {
  user: (w) => [
    iam5(action('elasticfilesystem:Describe*'),
      'user.base EFS (issue 18, finding 7): pcluster\'s EFS validators describe file systems and mount targets directly; ' +
      'every other EFS action only through CloudFormation.'),
    iam5(action('fsx:Describe*'),
      'user.fsx (issue 18, finding 7): pcluster\'s FSx validators describe file systems directly (fsx:DescribeFileSystems ' +
      'has no resource type); every other FSx action only through CloudFormation.'),
    iam5(() => 'Resource::arn:<AWS::Partition>:s3:::parallelcluster-*-v1-do-not-delete',
      'user.base S3ResourcesBucketSetup (issue 18, finding 7): versioning, encryption and policy of the resources bucket ' +
      'pcluster creates, parallelcluster-<hash>-v1-do-not-delete (models/s3_bucket.py:143-156), in the stack\'s account.'),
    iam5(action('ec2:Describe*'),
      'user.base EC2Read: pcluster validates a cluster configuration by describing VPCs, subnets, security groups, ' +
      'AMIs and instance types; Describe actions have no resource-level permissions.'),
    iam5(() => 'Resource::*',
      'user.base/batch/fsx/imageBuilder: the doc grants EC2, Route 53, CloudFormation, CloudWatch, Logs, ECR, Batch, ' +
      'EventBridge, ECS and Image Builder reads on "*": ParallelCluster creates those resources with generated ids, ' +
      'or the actions have no resource-level permissions.'),
    iam5(() => arn('dynamodb', '*', w.account, 'table/parallelcluster-*'),
      'user.base DynamoDB: ParallelCluster keeps cluster state in tables named parallelcluster-<cluster name>.'),
    iam5(action('cloudformation:*'),
      'user.base CloudFormation (doc revision, ParallelCluster 3.2 to 3.5): each cluster is a CloudFormation stack named after ' +
      'the cluster; the doc grants cloudformation:*, the library only on stacks that carry the cluster-name tag. From 3.6 ' +
      'the library grants the stack actions pcluster calls instead.'),
    ...['role/*', 'policy/*', 'instance-profile/*'].map((r) => iam5(() => `Resource::arn:${P}:iam::${w.account}:${r}`,
      'user.base IamRead: pcluster validates the roles, policies and instance profiles a configuration names, which may be anywhere in the account (read-only calls).')),
    iam5(() => `Resource::arn:${P}:iam::aws:policy/*`,
      'user.base IamRead: pcluster reads the AWS managed policies a configuration attaches (read-only).'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/${w.path}*`,
      'user.imageBuilder ImageIamPassRole: the doc names the cluster path\'s instance profiles in a PassRole statement, where they match no request (PassRole acts on roles).'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/${w.path}*/*`,
      'user.base IamInstanceProfile: ParallelCluster creates an instance profile per configured role on the cluster-scoped path ' +
      '<cluster IAM path><cluster>/ with generated names (never the library\'s own profiles, directly on the path).'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/parallelcluster/ParallelClusterImage-*`,
      'user.imageBuilder ImageIam: the image build stack creates its instance profile /parallelcluster/ParallelClusterImage-<id>.'),
    iam5(() => `Resource::arn:${P}:route53:::hostedzone/*`,
      'user.base Route53ClusterRecords: hosted zone ids are generated; record changes are limited to names under .pcluster by condition.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:role/${w.path}*`,
      'user.base/batch/imageBuilder/iam IamPassRole and role management: the cluster roles live on the cluster IAM path with generated ' +
      'names; PassRole is also limited to ParallelCluster\'s services, role changes to the boundary in boundary mode.'),
    ...['function:parallelcluster-*', 'function:pcluster-*'].map((f) => iam5(() => arn('lambda', '*', w.account, f),
      "user.base Lambda: ParallelCluster's custom-resource functions are named pcluster-* / parallelcluster-* plus a generated suffix.")),
    ...['parallelcluster-*', 'aws-parallelcluster-*'].map((b) => iam5(() => `Resource::arn:${P}:s3:::${b}`,
      "user.base S3ResourcesBucket: ParallelCluster's resources buckets (parallelcluster-<hash>-v1-do-not-delete).")),
    iam5(action('s3:Get*'), 'user.base S3ParallelClusterReadOnly, user.fsx FsxDataRepositoryS3: read-only S3 access as the doc grants it.'),
    iam5(action('s3:List*'), 'user.base S3ParallelClusterReadOnly, user.fsx FsxDataRepositoryS3: read-only S3 access as the doc grants it.'),
    iam5(() => `Resource::arn:${P}:s3:::*-aws-parallelcluster*`,
      "user.base S3ParallelClusterReadOnly: the AWS-owned <region>-aws-parallelcluster buckets of ParallelCluster's templates and artefacts."),
    iam5(action('elasticfilesystem:*'), 'user.base EFS: ParallelCluster creates, mounts and deletes the cluster\'s EFS file systems ' +
      '(issue 18: through CloudFormation, on file systems with the cluster tag only).'),
    iam5(() => arn('elasticfilesystem', '*', w.account, '*'), 'user.base EFSDescribe: pcluster describes the file systems a configuration names, by ID.'),
    ...['file-system/*', 'access-point/*'].map((r) => iam5(() => arn('elasticfilesystem', '*', w.account, r),
      'user.base EFS (issue 18): file system ids are only known after creation; every request needs the cluster tag on the ' +
      'resource (or, to create, in the request) and comes through CloudFormation.')),
    ...['autoscaling', 'elasticloadbalancing'].map((service) =>
      iam5(() => `Resource::arn:${P}:iam::${w.account}:role/aws-service-role/${service}.amazonaws.com/*`,
        `user.base LoginNodesServiceLinkedRoles (ParallelCluster 3.11): the first login node pool of an account creates the ${service} service-linked role.`)),
    ...['alarm:*-HeadNode', 'alarm:*-HeadNode-*'].map((alarm) => iam5(() => arn('cloudwatch', '*', w.account, alarm),
      'user.base CloudWatchAlarms, with its tagging actions (ParallelCluster 3.6+; issue 18): the head node\'s ' +
      'alarms <cluster>-HeadNode and <cluster>-HeadNode-<metric> (templates/cluster_stack.py:410, 430) of any cluster the user creates.')),
    iam5(() => arn('cloudwatch', '', w.account, 'dashboard/*-??-*-?'),
      'user.base CloudWatch (issue 18): the cluster dashboard <cluster>-<region> (templates/cw_dashboard_builder.py:89) of any cluster the user creates.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:role/aws-service-role/batch.amazonaws.com/*`,
      "user.batch BatchServiceLinkedRole: AWS Batch's service-linked role, also limited by iam:AWSServiceName."),
    iam5(action('codebuild:*'), 'user.batch CodeBuild: ParallelCluster builds the AWS Batch job image in CodeBuild projects named pcluster-*.'),
    iam5(() => arn('codebuild', '*', w.account, 'project/pcluster-*'), 'user.batch CodeBuild: the projects ParallelCluster names pcluster-*.'),
    iam5(action('ecr:*'), "user.batch ECR: the AWS Batch cluster's image repository, created by the cluster stack with a generated name."),
    iam5(action('batch:*'), 'user.batch Batch: the compute environment, job queue and job definitions the cluster stack creates.'),
    iam5(action('events:*'), 'user.batch AmazonCloudWatchEvents: the EventBridge rules of the image build, with generated names.'),
    iam5(action('fsx:*'), 'user.fsx FSx: ParallelCluster creates and manages FSx for Lustre file systems ' +
      '(issue 18: through CloudFormation, on resources with the cluster tag only).'),
    iam5(() => arn('fsx', '*', w.account, '*'), 'user.fsx FSx: file system ids are only known after creation; the cluster tag decides (issue 18).'),
    ...['file-system/*', 'association/*', 'backup/*'].map((r) => iam5(() => arn('fsx', '*', w.account, r),
      'user.fsx FSxCreate, FSxTagOnCreate (issue 18): the file system and data repository associations the cluster stack creates ' +
      '(from the backup a configuration names), with the cluster tag in the request, through CloudFormation.')),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/*`,
      "user.fsx FsxS3DataSourceRole: FSx's service-linked role for S3 data repositories."),
    iam5(() => `Resource::arn:${P}:s3:::hpc-fsx-data-repository/*`,
      'user.fsx FsxDataRepositoryS3: the objects of the data repository bucket the user names; FSx imports and exports every object.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/ParallelClusterImage*`,
      'user.imageBuilder ImageIam: pcluster build-image creates instance profiles named ParallelClusterImage-<image id>.'),
    ...['/aws/imagebuilder/ParallelClusterImage-*', '/aws/lambda/ParallelClusterImage-*'].map((g) =>
      iam5(() => arn('logs', '*', w.account, `log-group:${g}`),
        'user.imageBuilder ImageLogs, user.base CloudWatchLogs: the log groups of an image build, named after the image id.')),
    iam5(() => arn('logs', '*', w.account, 'log-group:/aws/parallelcluster/*'),
      'user.base CloudWatchLogs: the cluster log groups /aws/parallelcluster/<cluster>-<timestamp> (the doc has "*"; narrowed to ParallelCluster\'s).'),
    iam5(() => arn('logs', '*', w.account, 'log-group:/aws/lambda/pcluster-*'),
      "user.base CloudWatchLogs: the log groups of the cluster stack's pcluster-* functions."),
    iam5(() => arn('cloudformation', '*', w.account, 'stack/*'),
      'user.imageBuilder ImageCloudFormation: an image build is a stack named after the image id the user picks; ' +
      'user.base CloudFormationCreateAndUpdate/ReadAndDelete (3.6+): the cluster stacks, named after each cluster ' +
      '(create and update also need the parallelcluster:cluster-name tag).'),
    iam5(() => arn('lambda', '*', w.account, 'function:ParallelClusterImage-*'),
      "user.imageBuilder ImageLambda: the build's cleanup function, named after the image id."),
    iam5(action('imagebuilder:Get*'), 'user.imageBuilder ImageBuilderGet: read-only Image Builder calls to follow a build.'),
    ...['image', 'image-recipe', 'component', 'distribution-configuration', 'infrastructure-configuration'].map((t) =>
      iam5(() => arn('imagebuilder', '*', w.account, `${t}/parallelclusterimage-*`),
        'user.imageBuilder ImageBuilder: Image Builder resources named parallelclusterimage-<image id>.')),
    iam5(() => `Resource::arn:${P}:s3:::parallelcluster-*/parallelcluster/.bootstrapped`,
      "user.imageBuilder ImageS3Objects: the marker pcluster reads and writes in ParallelCluster's resources bucket, whose name has the account's hash (models/s3_bucket.py:274-292)."),
    iam5(() => `Resource::arn:${P}:s3:::parallelcluster-*/parallelcluster/*/images/*`,
      "user.imageBuilder ImageS3Objects (issue 18): an image build's directory parallelcluster/<version>/images/<image id>-<random>/ in ParallelCluster's resources bucket."),
    ...['elastic-ip/*', 'security-group/*', 'subnet/*', 'launch-template/*'].map((r) => iam5(() => arn('ec2', '*', w.account, r),
      'user.base EC2ThroughCloudFormationOnly (issue 18): only through CloudFormation (aws:CalledVia): the Elastic IP and security ' +
      "groups a configuration names, referred to by a change of the cluster's tagged ENI, and the cluster stack's launch templates, " +
      'which carry no tag and have generated ids.')),
    iam5(() => arn('ec2', '*', '', 'snapshot/*'),
      'user.base EC2ThroughCloudFormationOnly (issue 18): the new snapshot CloudFormation takes of a cluster volume whose DeletionPolicy is Snapshot.'),
    iam5(() => arn('ec2', '*', '', 'image/*'),
      'user.imageBuilder ImageEC2Deregister* (issue 18): delete-image deregisters the AMI of a build, which carries the image-id or Image Builder ARN tag the condition requires.'),
    iam5(() => arn('sns', '*', w.account, 'ParallelClusterImage-*'), "user.imageBuilder ImageSNS: the build's notification topic, named after the image id."),
  ],
  headNode: (w) => [
    SSM,
    CLOUDWATCH_AGENT,
    ...S3_ACCESS,
    ...NODE_BUCKETS(w),
    iam5(() => 'Resource::*',
      'headNode EC2Describe/EC2RunInstances/Route53/CloudFormation (and the Batch head node\'s reads): the head node launches ' +
      'compute nodes and updates the cluster\'s hosted zone and stack, all created with generated ids; ' +
      'EC2TerminateComputeNodes is limited by the parallelcluster:node-type tag.'),
    ...['instance/*', 'volume/*'].map((r) => iam5(() => arn('ec2', w.region, w.account, r),
      'headNode EC2TagsAndVolumes: the head node tags instances and attaches volumes of its cluster, whose ids are generated.')),
    iam5(() => arn('dynamodb', w.region, w.account, 'table/parallelcluster-*'),
      'headNode DynamoDB: the cluster state table parallelcluster-<cluster name>.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:role/${w.path}*`,
      'headNode IamPassRole: the head node passes the compute node roles on the cluster IAM path to EC2 only.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/${w.path}*`,
      'headNode IamPassRole: the compute node instance profiles on the cluster IAM path.'),
    iam5(() => `Resource::arn:${P}:s3:::parallelcluster-*-v1-do-not-delete/*`,
      "headNode S3ParallelClusterObjects: the cluster's objects in ParallelCluster's resources bucket."),
    iam5(() => `Resource::arn:${P}:s3:::dcv-license.${w.region}/*`,
      'headNode: the NICE DCV license bucket of the region (doc block headNode.slurm).'),
    ...['job-definition/PclusterJobDefinition*:*', 'job-queue/PclusterJobQueue*', 'job/*'].map((r) =>
      iam5(() => arn('batch', w.region, w.account, r), 'headNode.awsBatch BatchJobs: the job queue, job definitions and jobs the cluster stack creates (Pcluster* names).')),
    ...['cluster/AWSBatch-Pcluster*', 'container-instance/AWSBatch-PclusterComputeEnviron*'].map((r) =>
      iam5(() => arn('ecs', w.region, w.account, r), "headNode.awsBatch BatchJobs: the ECS cluster and container instances of the cluster's Batch compute environment.")),
    iam5(() => arn('logs', w.region, w.account, 'log-group:/aws/batch/job:log-stream:PclusterJobDefinition*'),
      "headNode.awsBatch BatchJobs: the log streams of the cluster's jobs."),
  ],
  computeNode: (w) => [
    SSM,
    CLOUDWATCH_AGENT,
    ...S3_ACCESS,
    ...NODE_BUCKETS(w),
    iam5(() => 'Resource::*', 'computeNode EC2DescribeInstanceAttribute: as the doc has it; a node reads its own attributes at boot.'),
    iam5(() => arn('dynamodb', w.region, w.account, 'table/parallelcluster-*'),
      'computeNode DynamoDBQuery: the cluster state table parallelcluster-<cluster name>.'),
    iam5(() => arn('cloudformation', w.region, w.account, 'stack/*/*'),
      "computeNode CloudFormationDescribeStackResource (ParallelCluster 3.9): a node reads its own cluster's stack, named after the cluster."),
  ],
  loginNode: (w) => [
    SSM,
    CLOUDWATCH_AGENT,
    ...NODE_BUCKETS(w),
    iam5(() => 'Resource::*', 'loginNode EC2DescribeInstanceAttribute: a login node reads its own attributes at boot, as compute nodes do.'),
    iam5(() => arn('dynamodb', w.region, w.account, 'table/parallelcluster-*'), 'loginNode: the cluster state table parallelcluster-<cluster name>.'),
    iam5(() => arn('cloudformation', w.region, w.account, 'stack/*/*'), "loginNode: reads its own cluster's stack resources, whose stack name is the cluster's."),
    iam5(() => arn('autoscaling', w.region, w.account, 'autoScalingGroup:*:autoScalingGroupName/*-AutoScalingGroup'),
      "loginNode AutoScalingCompleteLifecycleAction: the login pool's Auto Scaling group, named by the cluster stack."),
    iam5(() => `Resource::arn:${P}:s3:::dcv-license.${w.region}/*`, 'loginNode: the NICE DCV license bucket of the region, as for the head node.'),
  ],
  lambdaFunctions: (w) => [
    LAMBDA_VPC,
    iam5(() => 'Resource::*', 'lambdaFunctions EC2DescribeInstances/EC2TerminateComputeNodes: cleanup of the cluster\'s nodes, limited by the node-type tag.'),
    iam5(() => arn('logs', w.region, w.account, 'log-group:/aws/lambda/pcluster-*'), "lambdaFunctions CloudWatchLogs: the log groups of ParallelCluster's pcluster-* functions."),
    iam5(() => `Resource::arn:${P}:route53:::hostedzone/*`, "lambdaFunctions Route53: the cluster's private hosted zone, whose id is generated."),
    iam5(() => `Resource::arn:${P}:s3:::parallelcluster-*-v1-do-not-delete`, "lambdaFunctions S3ClusterBucketCleanup: ParallelCluster's resources bucket."),
    iam5(() => `Resource::arn:${P}:s3:::parallelcluster-*-v1-do-not-delete/*`, "lambdaFunctions S3ClusterBucketCleanup: the cluster's objects in it."),
    iam5(() => arn('ecr', w.region, w.account, 'repository/*parallelcluster*'),
      "lambdaFunctions (AWS Batch) ECRDockerImages: cleans the cluster's job image repository, named by CloudFormation from ParallelClusterDockerImagesRepo."),
    iam5(() => arn('codebuild', w.region, w.account, 'project/pcluster-*'),
      "lambdaFunctions (AWS Batch) CodeBuildDockerImages: runs the cluster's pcluster-<cluster>-build-docker-images-project."),
  ],
  imageBuilder: (w) => [
    SSM,
    iam4('EC2InstanceProfileForImageBuilder', 'imageBuilder.instanceRole: Image Builder requires EC2InstanceProfileForImageBuilder on the build instance (doc).'),
    LAMBDA_BASIC,
    LAMBDA_VPC,
    iam5(() => arn('ec2', w.region, '', 'image/*'), 'imageBuilder: the AMIs a build creates, whose ids are generated (tagging, cleanup).'),
    iam5(() => 'Resource::*', 'imageBuilder.cleanupLambda: the doc grants the cleanup reads (ec2:DescribeImages and the like) on "*".'),
    iam5(() => arn('cloudformation', w.region, w.account, 'stack/*/*'), "imageBuilder.cleanupLambda: deletes the build's stack, named after the image id."),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:role/parallelcluster/ParallelClusterImage-*`,
      'imageBuilder.cleanupLambda IamDeleteRoles: the build\'s own role, ParallelClusterImage-<image stack id>, deleted with the image stack.'),
    iam5(() => `Resource::arn:${P}:iam::${w.account}:instance-profile/parallelcluster/ParallelClusterImage-*`,
      'imageBuilder.cleanupLambda IamDeleteInstanceProfiles: the build\'s own instance profile, ParallelClusterImage-<image stack id>.'),
    ...['component/parallelclusterimage-*/*', 'distribution-configuration/parallelclusterimage-*', 'image-recipe/parallelclusterimage-*/*',
      'image/parallelclusterimage-*/*', 'infrastructure-configuration/parallelclusterimage-*'].map((r) =>
      iam5(() => arn('imagebuilder', w.region, w.account, r), 'imageBuilder.cleanupLambda: the Image Builder resources of the build, named parallelclusterimage-<image id>.')),
    iam5(() => arn('lambda', w.region, w.account, 'function:ParallelClusterImage-*'), "imageBuilder.cleanupLambda: the build's own function, named after the image id."),
    iam5(() => arn('logs', w.region, w.account, 'log-group:/aws/lambda/ParallelClusterImage-*:*'), "imageBuilder.cleanupLambda: the build function's log group."),
    iam5(() => arn('logs', w.region, w.account, 'log-group:/aws/lambda/ParallelClusterImage-*'),
      "imageBuilder.cleanupLambda (service fix): the build function's log group, by the log-group ARN CloudWatch Logs now authorizes."),
    iam5(() => arn('sns', w.region, w.account, 'ParallelClusterImage-*'), "imageBuilder.cleanupLambda: the build's notification topic."),
  ],
};

function where(scope: IConstruct, iamPath: string): Where {
  const stack = Stack.of(scope);
  return { region: stack.region, account: stack.account, path: iamPath.substring(1) };
}

/** Adds the table's suppressions of `kind` to `construct` and its children. */
function suppress(construct: IConstruct, kind: Kind, iamPath: string): void {
  NagSuppressions.addResourceSuppressions(construct, TABLE[kind](where(construct, iamPath)).map((e) => ({
    id: e.rule,
    reason: e.reason,
    appliesTo: [e.finding(where(construct, iamPath))],
  })), true);
}

function suppressCluster(cluster: ParallelClusterIam): void {
  suppress(cluster.userRole, 'user', cluster.iamPath);
  suppress(cluster.headNodeRole, 'headNode', cluster.iamPath);
  cluster.computeNodeRoleList.forEach((c) => suppress(c, 'computeNode', cluster.iamPath));
  // The compute node policy that queues with identical statements share lives under the cluster.
  const shared = cluster.node.tryFindChild('SharedPolicies');
  if (shared) suppress(shared, 'computeNode', cluster.iamPath);
  if (cluster.lambdaFunctionsRole) suppress(cluster.lambdaFunctionsRole, 'lambdaFunctions', cluster.iamPath);
  if (cluster.imageBuilderRoles) suppress(cluster.imageBuilderRoles, 'imageBuilder', cluster.iamPath);
}

function kindOf(construct: IConstruct): Kind {
  if (construct instanceof ParallelClusterUserRole) return 'user';
  if (construct instanceof HeadNodeRole) return 'headNode';
  if (construct instanceof ComputeNodeRole) return 'computeNode';
  if (construct instanceof LoginNodeRole) return 'loginNode';
  if (construct instanceof LambdaFunctionsRole) return 'lambdaFunctions';
  if (construct instanceof ImageBuilderRoles) return 'imageBuilder';
  throw new Error(`no suppression table for ${construct.node.path}`);
}

function newStack(): { app: App; stack: Stack } {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { region: REGION, account: ACCOUNT } });
  return { app, stack };
}

/** Unsuppressed AwsSolutions errors and warnings, as `<path> <message first line>`. */
function findings(app: App, stack: Stack): string[] {
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false }));
  const annotations = Annotations.fromStack(stack);
  return [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((m) => `${m.id} ${String(m.entry.data).split(':: ')[0].split(']: ')[0]}]`);
}

function fullest(withSuppressions: boolean): string[] {
  const { app, stack } = newStack();
  const constructs = addFullestConfiguration(stack);
  if (withSuppressions) {
    for (const construct of Object.values(constructs)) {
      if (construct instanceof ParallelClusterIam) {
        suppressCluster(construct);
      } else {
        suppress(construct, kindOf(construct), (construct as unknown as { iamPath: string }).iamPath);
      }
    }
  }
  return findings(app, stack);
}

describe('cdk-nag AwsSolutions', () => {
  const defaults: Array<[string, (stack: Stack) => void]> = [
    ['ParallelClusterUserRole', (s) => suppress(new ParallelClusterUserRole(s, 'User'), 'user', '/parallelcluster/')],
    ['HeadNodeRole (Slurm)', (s) => suppress(new HeadNodeRole(s, 'Head'), 'headNode', '/parallelcluster/')],
    ['HeadNodeRole (AWS Batch)', (s) => suppress(new HeadNodeRole(s, 'Head', { scheduler: Scheduler.AWS_BATCH, parallelClusterVersion: ParallelClusterVersion.V3_15 }), 'headNode', '/parallelcluster/')],
    ['ComputeNodeRole', (s) => suppress(new ComputeNodeRole(s, 'Compute'), 'computeNode', '/parallelcluster/')],
    ['LoginNodeRole', (s) => suppress(new LoginNodeRole(s, 'Login'), 'loginNode', '/parallelcluster/')],
    ['LambdaFunctionsRole', (s) => suppress(new LambdaFunctionsRole(s, 'Lambda'), 'lambdaFunctions', '/parallelcluster/')],
    ['ImageBuilderRoles', (s) => suppress(new ImageBuilderRoles(s, 'Image'), 'imageBuilder', '/parallelcluster/')],
    ['ParallelClusterIam', (s) => suppressCluster(new ParallelClusterIam(s, 'Cluster', { enableImageBuilder: true, enableFsxLustre: true }))],
  ];

  test.each(defaults)('%s with its defaults has no unsuppressed finding', (_name, build) => {
    const { app, stack } = newStack();
    build(stack);
    expect(findings(app, stack)).toEqual([]);
  });

  test('the fullest configuration has no unsuppressed finding', () => {
    expect(fullest(true)).toEqual([]);
  });

  test('without the suppressions, cdk-nag does report (the check can fail)', () => {
    const unsuppressed = fullest(false);
    expect(unsuppressed.length).toBeGreaterThan(100);
    expect(unsuppressed).toContainEqual(expect.stringMatching(/\/UserRole\/BasePolicy\/Resource AwsSolutions-IAM5\[Action::ec2:Describe\*\]$/));
  });

  test('every suppression matches a finding of the fullest configuration (none is stale)', () => {
    const reported = new Set(fullest(false).map((f) => f.split(' ')[1]));
    const fullestWhere = [
      { region: REGION, account: ACCOUNT, path: 'hpc/parallelcluster/' },
      { region: REGION, account: ACCOUNT, path: 'hpc/batch/' },
      { region: REGION, account: ACCOUNT, path: 'hpc/doc/' },
    ];
    const stale = (Object.keys(TABLE) as Kind[]).flatMap((kind) => TABLE[kind](fullestWhere[0])
      .map((entry, index) => ({ entryKind: kind, entry, index }))
      .filter(({ index }) => !fullestWhere.some((w) => {
        const e = TABLE[kind](w)[index];
        return reported.has(`${e.rule}[${e.finding(w)}]`);
      }))
      .map(({ entryKind, entry }) => `${entryKind}: ${entry.rule}[${entry.finding(fullestWhere[0])}]`));
    expect(stale).toEqual([]);
  });

  test('docs/cdk-nag.md lists every suppression with its reason', () => {
    const file = path.join(__dirname, '..', '..', 'docs', 'cdk-nag.md');
    const readme = fs.readFileSync(file, 'utf-8');
    const start = readme.indexOf(NAG_SECTION_START);
    const end = readme.indexOf(NAG_SECTION_END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    const expected = `${NAG_SECTION_START}\n${renderDoc()}\n`;
    if (process.env.UPDATE_NAG_DOC) {
      fs.writeFileSync(file, readme.substring(0, start) + expected + readme.substring(end));
    }
    expect(fs.readFileSync(file, 'utf-8').substring(start, fs.readFileSync(file, 'utf-8').indexOf(NAG_SECTION_END))).toEqual(expected);
  });
});

const TITLES: Record<Kind, string> = {
  user: 'ParallelClusterUserRole',
  headNode: 'HeadNodeRole',
  computeNode: 'ComputeNodeRole',
  loginNode: 'LoginNodeRole',
  lambdaFunctions: 'LambdaFunctionsRole',
  imageBuilder: 'ImageBuilderRoles',
};

// docs/cdk-nag.md's findings lie between these markers, generated from the suppression table.
const NAG_SECTION_START = '<!-- cdk-nag findings: generated by test/proof/cdk-nag.test.ts from its suppression table; rewrite with UPDATE_NAG_DOC=1 npx jest test/proof/cdk-nag.test.ts -->';
const NAG_SECTION_END = '<!-- end of cdk-nag findings -->';

function renderDoc(): string {
  const placeholders: Where = { region: '<region>', account: '<account>', path: 'parallelcluster/' };
  const lines = [
    "cdk-nag's `AwsSolutionsChecks` runs in the tests (`test/proof/cdk-nag.test.ts`) on every construct with its defaults",
    'and on the fullest configuration (`scripts/fullest-app.ts`). It reports only two rules, both by design of',
    'ParallelCluster: **IAM4** (an AWS managed policy is attached) and **IAM5** (a wildcard in an action or',
    'resource). Each finding below is suppressed with a granular `appliesTo` naming the exact action, resource or',
    'policy, on that construct only; any other finding fails the test, and so does a suppression that no longer',
    'matches a finding. The library itself does not depend on cdk-nag.',
    '',
    'In the findings, `<region>` and `<account>` are the stack\'s, `parallelcluster/` is the cluster IAM path',
    '(`iamPath`, default `/parallelcluster/`), and the reasons name the doc block and statement (Sid) they come from.',
    'To use the same suppressions in your app, copy the entries of `test/proof/cdk-nag.test.ts` for the constructs you use.',
    'In a `ParallelClusterIam`, the queues whose compute node statements are identical share one customer managed policy,',
    '`<cluster>/SharedPolicies/ComputeNodePolicy`: suppress the `ComputeNodeRole` entries on that construct too',
    "(`cluster.node.findChild('SharedPolicies')`), or on the whole `ParallelClusterIam`.",
    '',
  ];
  for (const kind of Object.keys(TABLE) as Kind[]) {
    lines.push(`## ${TITLES[kind]}`, '', '| Rule | Finding | Why it stays |', '| --- | --- | --- |');
    const seen = new Set<string>();
    for (const entry of TABLE[kind](placeholders)) {
      const finding = entry.finding(placeholders);
      const key = `${entry.rule} ${finding}`;
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(`| ${entry.rule.replace('AwsSolutions-', '')} | \`${finding}\` | ${entry.reason.replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}
