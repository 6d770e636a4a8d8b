/*
 * The example app: the IAM of a realistic ParallelCluster setup, synthesized offline (no AWS account
 * or credentials needed). Run it with `npx projen example`.
 *
 * A Slurm cluster with a CPU and a GPU queue, FSx for Lustre with an S3 data repository, custom AMI
 * builds, in permissions-boundary mode: the user may create roles for ParallelCluster only with the
 * organisation's boundary attached, and every role created here carries it as well.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IamAccessMode, ParallelClusterIam, PermissionsReport } from '../src';

// `example.out/` (git-ignored); EXAMPLE_OUTDIR lets the example's test synthesize elsewhere.
const OUTDIR = process.env.EXAMPLE_OUTDIR ?? 'example.out';
const app = new App({ outdir: OUTDIR });
// A fixed environment, so that every ARN is known at synthesis and the configuration file is written.
const stack = new Stack(app, 'ParallelClusterIamExample', { env: { account: '111122223333', region: 'us-east-1' } });

// The organisation's permissions boundary: anything, except managing IAM users and access keys and
// leaving the organisation. A real one usually comes from a platform team: import it by name with
// iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'HpcBoundary').
const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
  managedPolicyName: 'HpcBoundary',
  description: 'Permissions boundary of every ParallelCluster role',
  statements: [
    new iam.PolicyStatement({ sid: 'AllowEverythingElse', actions: ['*'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'DenyIdentityAdministration',
      effect: iam.Effect.DENY,
      actions: ['iam:*User*', 'iam:*AccessKey*', 'iam:*LoginProfile*', 'organizations:*', 'account:*'],
      resources: ['*'],
    }),
  ],
});

// Software the nodes install at boot, from a bucket the organisation already has.
const software = s3.Bucket.fromBucketName(stack, 'SoftwareBucket', 'example-hpc-software');
const softwareRead = new iam.ManagedPolicy(stack, 'SoftwareRead', {
  managedPolicyName: 'parallelcluster-software-read',
  statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [software.arnForObjects('*')] })],
});

const cluster = new ParallelClusterIam(stack, 'Cluster', {
  slurmQueues: ['cpu', 'gpu'],
  iamAccessMode: IamAccessMode.permissionsBoundary(boundary),
  enableFsxLustre: true,
  fsxDataRepositoryBuckets: [s3.Bucket.fromBucketName(stack, 'DataRepository', 'example-hpc-data')],
  enableImageBuilder: true,
  additionalIamPolicies: [softwareRead],
  secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'SlurmDbPassword', 'hpc/slurmdbd-password')],
});

const assembly = app.synth();

const artifact = assembly.getStackByName(stack.stackName);
const file = (name: string) => path.join(OUTDIR, name);
const written = (name: string) => fs.existsSync(path.join(assembly.directory, name)) ? file(name) : '(not written: see the warnings above)';
const lines: string[] = [];
lines.push(`Synthesized ${stack.stackName} (account ${stack.account}, ${stack.region}) into ${OUTDIR}/`);
lines.push(`  CloudFormation template:  ${file(artifact.templateFile)}`);
lines.push(`  cluster config fragment:  ${written(`${artifact.id}.pcluster-config.yaml`)}`);
lines.push(`  image config fragment:    ${written(`${artifact.id}.pcluster-image-config.yaml`)}`);
lines.push(`  IAM permissions report:   ${written(`${artifact.id}.iam-report.md`)}`);
lines.push('');

const summaries = PermissionsReport.summarize(cluster);
const label = (constructPath: string) => constructPath.replace(`${cluster.node.path}/`, '').replace(/\/(Role|Resource)$/, '');
const rows = summaries.map((s) => [
  label(s.constructPath),
  `${s.managedPolicyCount} / 10`,
  String(s.customerManagedPolicyCount),
  s.largestPolicySize === 0 ? '-' : `${s.largestPolicySize} / 6144 (${Math.round((100 * s.largestPolicySize) / 6144)}%)`,
]);
const header = ['Role', 'Managed policies', 'Customer policies', 'Largest policy vs quota'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const row = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
lines.push(row(header), row(widths.map((w) => '-'.repeat(w))), ...rows.map(row));
const largest = summaries.reduce((a, b) => (b.largestPolicySize > a.largestPolicySize ? b : a));
const policies = summaries.reduce((sum, s) => sum + s.customerManagedPolicyCount, 0);
lines.push('');
lines.push(`  ${summaries.length} roles, ${policies} customer managed policy attachments; the largest is ${largest.largestPolicySize} of 6144 characters (${label(largest.constructPath)}).`);
lines.push('');
lines.push(`Paste into the cluster configuration (${file(`${artifact.id}.pcluster-config.yaml`)}):`);
lines.push('');
const config = path.join(assembly.directory, `${artifact.id}.pcluster-config.yaml`);
if (fs.existsSync(config)) {
  lines.push(...fs.readFileSync(config, 'utf-8').trimEnd().split('\n').map((l) => '  ' + l));
}
console.log(lines.join('\n'));
