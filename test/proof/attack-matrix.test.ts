import { IConstruct } from 'constructs';
import { ParallelClusterVersion } from '../../src';
import { AttackRequest, attackRequests, boundaryAttackRequests, scopedUserAttackRequests } from '../support/attack-requests';
import { boundaryWorld, imageRolesAt, restrictedUserAt, simulateCatalogueVariantsOnly } from '../support/catalogue';
import { ClusterWorld, MODE_NAMES, SHAPED_WORLD_CLUSTER, shapedWorld } from '../support/cluster-world';
import { describeCall } from '../support/pcluster-calls';
import { PolicySimulator } from '../support/simulate';
import { ENVIRONMENTS } from '../support/stacks';

/*
 * The attack matrix of issue 12 (rows in test/support/attack-requests.ts): the escalation requests of the
 * security review and their relatives are Denied for every role they target, in every IAM access mode
 * and partition. Rows that the issue-11 branch closes are listed (not asserted) until it is merged.
 */

// Every stack simulated here is one the newest-aws-cdk-lib run compares (test/support/catalogue.ts).
simulateCatalogueVariantsOnly();

const CLUSTER = SHAPED_WORLD_CLUSTER;

describe.each(ENVIRONMENTS)('attack matrix in $partition', (env) => {
  describe.each(MODE_NAMES)('%s mode', (mode) => {
    let world: ClusterWorld;
    let rows: AttackRequest[];
    let profileArn: string;
    beforeAll(() => {
      // FSx for Lustre on, so that issue 18's FSx rows meet the user's FSx statements; the resources the
      // configuration names (issue 19) on, so that their rows meet their statements.
      world = shapedWorld(env, mode, 'named');
      profileArn = world.arn(world.cluster.headNodeRole.instanceProfile as unknown as IConstruct, 'Arn');
      rows = attackRequests({
        env,
        clusterName: CLUSTER,
        userRoleArn: world.arn(world.cluster.userRole.role, 'Arn'),
        headNodeProfileName: profileArn.split(':instance-profile/parallelcluster/')[1],
      });
    });

    test('every escalation request is denied', async () => {
      // The library's own head node profile is directly on the path (the attack rows of finding 7 target it).
      expect(profileArn).toMatch(/:instance-profile\/parallelcluster\/[^/]+$/);
      const targets = rows.flatMap((row) => row.roles
        .filter((role) => world.sims[role] !== undefined)
        .map((role) => ({ role, row })));
      expect(new Set(targets.map((t) => t.role)).size).toBe(7);
      const decisions = await Promise.all(targets.map(({ role, row }) => world.sims[role]!.decision(row.action, row.resource, row.context)));
      const allowed = targets.flatMap(({ role, row }, i) => (decisions[i] === 'Allowed'
        ? [`issue ${row.issue ?? 12} finding ${row.finding}, ${role}: ${row.what}: ${describeCall(row)}`] : []));
      expect(allowed).toEqual([]);
      expect(targets.length).toBeGreaterThan(50);
    });
  });
});

describe.each(ENVIRONMENTS)('privileged mode, honestly, in $partition', (env) => {
  // Finding 4: privileged mode is IAM administration on the cluster path. These requests are what
  // ParallelCluster itself does in that mode, so they cannot be denied; the user role carries a synth
  // warning and docs/security.md recommends the permissions-boundary mode, where they are refused
  // without the boundary.
  test('the CreateRole + PutRolePolicy + PassRole chain on the cluster path is allowed in privileged mode only', async () => {
    const p = env.partition;
    const role = `arn:${p}:iam::${env.account}:role/parallelcluster/${CLUSTER}/anything`;
    const ec2 = p === 'aws-cn' ? 'ec2.amazonaws.com.cn' : 'ec2.amazonaws.com';
    const decisions: Record<string, string[]> = {};
    for (const mode of MODE_NAMES) {
      const sim = shapedWorld(env, mode, 'plain').sims[`user.${mode}`]!;
      decisions[mode] = await Promise.all([
        sim.decision('iam:CreateRole', role),
        sim.decision('iam:PutRolePolicy', role),
        sim.decision('iam:PassRole', role, { 'iam:PassedToService': ec2 }),
      ]);
    }
    expect(decisions).toEqual({
      privileged: ['Allowed', 'Allowed', 'Allowed'],
      // No IAM writes at all.
      restricted: ['ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed'],
      // Not without the boundary (the role then cannot exceed it).
      permissionsBoundary: ['ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed'],
    });
  });
});

describe.each(ENVIRONMENTS)('a role under ParallelClusterBoundary, in $partition (issue 18, finding 2)', (env) => {
  // The worst a permissions-boundary user can do: create a role on the cluster path with the boundary
  // and an inline policy of `*` on `*`. The boundary alone must stop every escalation.
  test('with * on * it still cannot update a stack, send a command, replace code, start a build, or change IAM', async () => {
    // A role on the cluster path with ParallelClusterBoundary, and the same role without it (test/support/catalogue.ts).
    const { stack, bounded: role, unbounded } = boundaryWorld(env);
    const sim = PolicySimulator.forRole(stack, role);
    expect(sim.permissionsBoundaryDocument).toBeDefined();
    const rows = boundaryAttackRequests(env);
    const decisions = await Promise.all(rows.map((row) => sim.decision(row.action, row.resource, row.context)));
    expect(rows.flatMap((row, i) => (decisions[i] === 'Allowed' ? [`${row.what}: ${row.action} on ${row.resource}`] : []))).toEqual([]);
    // The inline policy is not what denies: without the boundary the same role may do all of it.
    const free = PolicySimulator.forRole(stack, unbounded);
    expect(new Set(await Promise.all(rows.map((row) => free.decision(row.action, row.resource, row.context))))).toEqual(new Set(['Allowed']));
    expect(rows.length).toBeGreaterThan(25);
  });
});

describe.each(ENVIRONMENTS)('scoped to one cluster, in $partition (issue 18, finding 12)', (env) => {
  test.each(MODE_NAMES)('the %s user cannot reach another cluster\'s records, Lambda functions, EC2 resources, file systems, artifacts, alarms or stack templates', async (mode) => {
    const world = shapedWorld(env, mode, 'scoped');
    const sim = world.sims[`user.${mode}`]!;
    const rows = scopedUserAttackRequests(env, CLUSTER);
    const decisions = await Promise.all(rows.map((row) => sim.decision(row.action, row.resource, row.context)));
    expect(rows.flatMap((row, i) => (decisions[i] === 'Allowed' ? [`${row.what}: ${describeCall(row)}`] : []))).toEqual([]);
    // The same requests on the cluster's own function and zone are allowed (the rows are not denied for another reason).
    const ownFunction = `arn:${env.partition}:lambda:${env.region}:${env.account}:function:pcluster-CleanupRoute53-0123abcd`;
    expect(await sim.decision('lambda:UpdateFunctionConfiguration', ownFunction, { 'aws:ResourceTag/parallelcluster:cluster-name': CLUSTER }))
      .toBe('Allowed');
    expect(await sim.decision('route53:ChangeResourceRecordSets', `arn:${env.partition}:route53:::hostedzone/ZOWN`,
      { 'route53:ChangeResourceRecordSetsNormalizedRecordNames': [`queue1-st-c5-1.${CLUSTER}.pcluster`] })).toBe('Allowed');
  });
});

describe.each(ENVIRONMENTS)('issue 18: what CloudFormation does for the user stays allowed, in $partition', (env) => {
  // The rows of issue 18 refuse these requests made directly; made by CloudFormation for a stack (aws:CalledVia),
  // they stay allowed: the cluster stack creates, updates and deletes them with the user's credentials.
  test.each(MODE_NAMES)('%s mode', async (mode) => {
    const { sims } = shapedWorld(env, mode, 'fsx');
    const sim = sims[`user.${mode}`]!;
    const { partition: p, region: r, account: a } = env;
    const viaCfn = { 'aws:CalledVia': ['cloudformation.amazonaws.com'] };
    const clusterTagged = { 'aws:ResourceTag/parallelcluster:cluster-name': CLUSTER };
    const clusterTags = { 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': CLUSTER };
    const ec2 = (resource: string) => `arn:${p}:ec2:${r}:${a}:${resource}`;
    // The stack's resources carry the stack's cluster-name tag (models/cluster.py:925-942), but for the
    // launch templates, which take none (cdk_builder_utils.py:169-206).
    const tagged = { ...viaCfn, 'ec2:ResourceTag/parallelcluster:cluster-name': CLUSTER };
    const made: Array<[string, string, Record<string, string | string[]>?]> = [
      // cluster_stack.py:588-620, 760-805, 1209, 1267; queues_stack.py:121, 297; login_nodes_stack.py:231.
      ['ec2:RunInstances', ec2('instance/i-0123456789abcdef0'), viaCfn],
      ['ec2:AuthorizeSecurityGroupIngress', ec2('security-group/sg-0123456789abcdef0'), tagged],
      ['ec2:CreateNetworkInterface', ec2('network-interface/eni-0123456789abcdef0'), viaCfn],
      // An existing Elastic IP the configuration names (untagged), associated with the cluster's ENI.
      ['ec2:AssociateAddress', ec2('elastic-ip/eipalloc-0123456789abcdef0'), viaCfn],
      ['ec2:AssociateAddress', ec2('network-interface/eni-0123456789abcdef0'), tagged],
      ['ec2:CreateVolume', ec2('volume/vol-0123456789abcdef0'), viaCfn],
      ['ec2:CreatePlacementGroup', ec2('placement-group/hpc-compute'), viaCfn],
      // A new security group tagged right after its creation with the stack's tags.
      ['ec2:CreateTags', ec2('security-group/sg-0123456789abcdef0'), {
        ...viaCfn, 'aws:TagKeys': ['parallelcluster:cluster-name'], 'aws:RequestTag/parallelcluster:cluster-name': CLUSTER,
      }],
      ['ec2:CreateTags', ec2('security-group/sg-0123456789abcdef0'), tagged],
      ['ec2:CreateLaunchTemplateVersion', ec2('launch-template/lt-0123456789abcdef0'), viaCfn],
      ['ec2:ModifyLaunchTemplate', ec2('launch-template/lt-0123456789abcdef0'), viaCfn],
      ['ec2:DeleteLaunchTemplate', ec2('launch-template/lt-0123456789abcdef0'), viaCfn],
      ['ec2:DeleteSecurityGroup', ec2('security-group/sg-0123456789abcdef0'), tagged],
      ['ec2:DeleteVolume', ec2('volume/vol-0123456789abcdef0'), tagged],
      ['ec2:CreateSnapshot', ec2('volume/vol-0123456789abcdef0'), tagged],
      ['ec2:CreateSnapshot', `arn:${p}:ec2:${r}::snapshot/snap-0123456789abcdef0`, viaCfn],
      ['ec2:TerminateInstances', ec2('instance/i-0123456789abcdef0'), { ...viaCfn, 'ec2:ResourceTag/parallelcluster:cluster-name': CLUSTER }],
      // The stack's file systems carry the stack tags (models/cluster.py:393, 925-942), its creations send them.
      ['elasticfilesystem:CreateMountTarget', `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0`, { ...viaCfn, ...clusterTagged }],
      ['elasticfilesystem:DeleteFileSystem', `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0`, { ...viaCfn, ...clusterTagged }],
      ['elasticfilesystem:CreateFileSystem', '*', { ...viaCfn, ...clusterTags }],
      ['fsx:CreateDataRepositoryAssociation', `arn:${p}:fsx:${r}:${a}:file-system/fs-0123456789abcdef0`, { ...viaCfn, ...clusterTagged, ...clusterTags }],
      ['fsx:CreateDataRepositoryAssociation', `arn:${p}:fsx:${r}:${a}:association/fs-0123456789abcdef0/dra-0123456789abcdef0`, { ...viaCfn, ...clusterTags }],
      ['fsx:CreateFileSystem', `arn:${p}:fsx:${r}:${a}:file-system/fs-0123456789abcdef0`, { ...viaCfn, ...clusterTags }],
      ['fsx:DeleteFileSystem', `arn:${p}:fsx:${r}:${a}:file-system/fs-0123456789abcdef0`, { ...viaCfn, ...clusterTagged }],
      // The cluster's private hosted zone (slurm_builder.py:207-217), created, tagged and deleted by the stack.
      ['route53:CreateHostedZone', '*', viaCfn],
      ['route53:ChangeTagsForResource', `arn:${p}:route53:::hostedzone/Z0123456789ABCDEFGHIJ`, viaCfn],
      ['route53:DeleteHostedZone', `arn:${p}:route53:::hostedzone/Z0123456789ABCDEFGHIJ`, viaCfn],
      // pcluster's own calls: reads of file systems (aws/efs.py, aws/fsx.py) and the bucket setup (models/s3_bucket.py:143-156).
      ['elasticfilesystem:DescribeFileSystems', `arn:${p}:elasticfilesystem:${r}:${a}:file-system/fs-0123456789abcdef0`],
      ['fsx:DescribeFileSystems', '*'],
      ['s3:PutEncryptionConfiguration', `arn:${p}:s3:::parallelcluster-b9033160b61390ef-v1-do-not-delete`, { 'aws:ResourceAccount': a }],
      ['s3:PutBucketVersioning', `arn:${p}:s3:::parallelcluster-b9033160b61390ef-v1-do-not-delete`, { 'aws:ResourceAccount': a }],
    ];
    const decisions = await Promise.all(made.map(([action, resource, context]) => sim.decision(action, resource, context)));
    expect(made.flatMap(([action, resource], i) => (decisions[i] === 'Allowed' ? [] : [`${action} on ${resource}: ${decisions[i]}`]))).toEqual([]);
  });
});

describe.each(ENVIRONMENTS)('issue 18 in every revision, in $partition', (env) => {
  const p = env.partition;
  const stack = (name: string) => `arn:${p}:cloudformation:${env.region}:${env.account}:stack/${name}/0a1b2c3d-1111-2222-3333-444455556666`;

  // Finding 5: up to V3_13 the cleanup role (which the user passes to a function of their own) deleted
  // any stack of the region; every revision now deletes image stacks only.
  test('finding 5: the image cleanup role deletes image stacks only, in every revision', async () => {
    const decisions: Record<string, string[]> = {};
    for (const version of ParallelClusterVersion.all()) {
      const { stack: s, roles } = imageRolesAt(env, version);
      const sim = PolicySimulator.forRole(s, roles.cleanupLambdaRole);
      decisions[version.version] = await Promise.all([
        sim.decision('cloudformation:DeleteStack', stack('CDKToolkit')),
        sim.decision('cloudformation:DeleteStack', stack('my-image'), { 'aws:ResourceTag/parallelcluster:image_id': 'my-image' }),
      ]);
    }
    for (const [version, [untagged, image]] of Object.entries(decisions)) {
      expect([version, untagged, image]).toEqual([version, 'ImplicitlyDenied', 'Allowed']);
    }
  });

  // Section 4: revisions before 3.6 allow `cloudformation:*` on cluster stacks; no change set (and so no
  // resource import) in any of them, while the stack calls pcluster makes stay allowed.
  test('no change set or resource import into a cluster stack, in every revision', async () => {
    for (const version of ParallelClusterVersion.all()) {
      const { stack: s, user } = restrictedUserAt(env, version);
      const sim = PolicySimulator.forRole(s, user.role);
      const tagged = { 'aws:ResourceTag/parallelcluster:cluster-name': 'hpc' };
      const decisions = await Promise.all([
        sim.decision('cloudformation:CreateChangeSet', stack('hpc'), { ...tagged, 'cloudformation:ChangeSetName': 'adopt', 'cloudformation:ImportResourceTypes': ['AWS::EC2::LaunchTemplate'] }),
        sim.decision('cloudformation:CreateChangeSet', stack('hpc'), { ...tagged, 'cloudformation:ChangeSetName': 'adopt' }),
        sim.decision('cloudformation:ExecuteChangeSet', stack('hpc'), { ...tagged, 'cloudformation:ChangeSetName': 'adopt' }),
        sim.decision('cloudformation:UpdateStack', stack('hpc'), tagged),
        sim.decision('cloudformation:DeleteStack', stack('hpc'), tagged),
      ]);
      expect([version.version, ...decisions]).toEqual([version.version, 'ImplicitlyDenied', 'ImplicitlyDenied', 'ImplicitlyDenied', 'Allowed', 'Allowed']);
    }
  });
});
