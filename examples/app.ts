/*
 * The example app: the IAM of a realistic ParallelCluster setup (examples/example-cluster.ts),
 * synthesized offline (no AWS account or credentials needed). Run it with `npx projen example`: it
 * prints where the template, the configuration fragments and the permissions report were written, and
 * a summary of the roles against IAM's quotas.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { addExampleCluster } from './example-cluster';
import { PermissionsReport } from '../src';

// `example.out/` (git-ignored); EXAMPLE_OUTDIR lets the example's test synthesize elsewhere.
const OUTDIR = process.env.EXAMPLE_OUTDIR ?? 'example.out';
const app = new App({ outdir: OUTDIR });
// A fixed environment, so that every ARN is known at synthesis and the configuration file is written.
const stack = new Stack(app, 'ParallelClusterIamExample', { env: { account: '111122223333', region: 'us-east-1' } });
const cluster = addExampleCluster(stack);

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
