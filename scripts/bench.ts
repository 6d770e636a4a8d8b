/*
 * Benchmark (a script, not a test): `npx projen bench` (ts-node --project tsconfig.dev.json scripts/bench.ts).
 *
 * Prints, on one run:
 *  1. the synthesis time of the example app (examples/app.ts, run as it is) against the same template
 *     written as raw CfnRole / CfnManagedPolicy / CfnInstanceProfile JSON: median of RUNS runs each, after
 *     a warm-up, and their ratio, i.e. what the library's sizing, validation, wiring and reports cost;
 *  2. for each role, its managed policies against the quota of 10 and its largest customer managed
 *     policy against the quota of 6,144 characters (tokens at their longest values, as IAM will count
 *     them wherever the stack is deployed), and its inline policies against 10,240;
 *  3. the number of CloudFormation resources per cluster, by type, for the example and other setups.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IamAccessMode, ParallelClusterIam, ParallelClusterIamProps, ParallelClusterVersion, Scheduler } from '../src';
import {
  INLINE_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICY_SIZE_QUOTA,
  policyJsonSize,
} from '../src/private/policy-size';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const ENV = { account: '111122223333', region: 'us-east-1' };

type Template = { Resources: Record<string, { Type: string; Properties?: any; Metadata?: any; DependsOn?: any }> };

/** A new app synthesizing into a temporary directory, with construct paths in the template (as the CLI does). */
function newApp(): App {
  return new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'pcluster-iam-bench-')),
    context: { 'aws:cdk:enable-path-metadata': true },
  });
}

/**
 * Runs the example app itself (examples/app.ts synthesizes when it is loaded, into ./example.out, and
 * writes its config fragments and permissions report there) in a scratch directory; returns its template.
 */
function runExample(): Template {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pcluster-iam-bench-example-'));
  const cwd = process.cwd();
  const log = console.log;
  const example = require.resolve('../examples/app');
  const context = process.env.CDK_CONTEXT_JSON;
  try {
    process.chdir(scratch);
    console.log = () => undefined;
    // Construct paths in the template, as the CDK CLI would pass them, to name the roles below.
    process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:enable-path-metadata': true });
    delete require.cache[example];
    // The example does its work when loaded; load it again for each run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(example);
  } finally {
    console.log = log;
    process.chdir(cwd);
    if (context === undefined) delete process.env.CDK_CONTEXT_JSON;
    else process.env.CDK_CONTEXT_JSON = context;
  }
  const template = JSON.parse(fs.readFileSync(path.join(scratch, 'example.out', 'ParallelClusterIamExample.template.json'), 'utf-8'));
  fs.rmSync(scratch, { recursive: true, force: true });
  return template as Template;
}

/** Intrinsic objects (`{ Ref }`, `{ Fn::Join }`) handed to L1 props as tokens, the way hand-written code would. */
function tokens(value: any): any {
  if (Array.isArray(value)) return value.map(tokens);
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) return Token.asString(value);
    return Object.fromEntries(keys.map((k) => [k, tokens(value[k])]));
  }
  return value;
}

/** The same template, written as raw L1 resources from its JSON; returns its template. */
function synthRaw(reference: Template): Template {
  const app = newApp();
  const stack = new Stack(app, 'ParallelClusterIamExample', { env: ENV });
  for (const [logicalId, resource] of Object.entries(reference.Resources)) {
    const p = tokens(resource.Properties ?? {});
    let element: CfnElement;
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        element = new iam.CfnRole(stack, logicalId, {
          assumeRolePolicyDocument: p.AssumeRolePolicyDocument,
          description: p.Description,
          managedPolicyArns: p.ManagedPolicyArns,
          path: p.Path,
          permissionsBoundary: p.PermissionsBoundary,
          policies: p.Policies,
          roleName: p.RoleName,
        });
        break;
      case 'AWS::IAM::ManagedPolicy':
        element = new iam.CfnManagedPolicy(stack, logicalId, {
          policyDocument: p.PolicyDocument,
          description: p.Description,
          managedPolicyName: p.ManagedPolicyName,
          path: p.Path,
          roles: p.Roles,
        });
        break;
      case 'AWS::IAM::InstanceProfile':
        element = new iam.CfnInstanceProfile(stack, logicalId, { roles: p.Roles, path: p.Path, instanceProfileName: p.InstanceProfileName });
        break;
      case 'AWS::CDK::Metadata':
        continue;
      default:
        throw new Error(`bench: no L1 mapping for ${resource.Type} (${logicalId})`);
    }
    element.overrideLogicalId(logicalId);
  }
  const assembly = app.synth();
  const template = assembly.getStackByName('ParallelClusterIamExample').template as Template;
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return template;
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const pct = (value: number, quota: number): string => `${value} / ${quota} (${Math.round((100 * value) / quota)}%)`;

/** Each role's managed-policy count, largest customer managed policy and inline total. */
function roleBudgets(template: Template): string[][] {
  const resources = Object.entries(template.Resources);
  const refersTo = (list: any[] | undefined, id: string): boolean => (list ?? []).some((x) => x?.Ref === id);
  return resources.filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([roleId, role]) => {
    const name = String(role.Metadata?.['aws:cdk:path'] ?? roleId).replace(/^[^/]+\//, '').replace(/\/Resource$/, '');
    const arns: any[] = role.Properties?.ManagedPolicyArns ?? [];
    const customer = resources.filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' &&
      (refersTo(arns, id) || refersTo(r.Properties?.Roles, roleId)));
    const count = arns.length + customer.filter(([, r]) => refersTo(r.Properties?.Roles, roleId)).length;
    const sizes = customer.map(([, r]) => policyJsonSize(r.Properties.PolicyDocument));
    const inline = [
      ...(role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument),
      ...resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy' && refersTo(r.Properties?.Roles, roleId)).map(([, r]) => r.Properties.PolicyDocument),
    ].reduce((sum, d) => sum + policyJsonSize(d), 0);
    return [
      name,
      `${count} / ${MANAGED_POLICIES_PER_ROLE_QUOTA}`,
      String(customer.length),
      sizes.length ? pct(Math.max(...sizes), MANAGED_POLICY_SIZE_QUOTA) : '-',
      inline ? pct(inline, INLINE_POLICIES_PER_ROLE_QUOTA) : '0',
    ];
  });
}

function resourceCounts(template: Template): { total: number; byType: string } {
  const counts = new Map<string, number>();
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'AWS::CDK::Metadata') continue;
    counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const byType = [...counts.entries()].sort().map(([t, n]) => `${n} ${t.replace('AWS::IAM::', '')}`).join(', ');
  return { total, byType };
}

function clusterTemplate(props: ParallelClusterIamProps): Template {
  const app = newApp();
  const stack = new Stack(app, 'Example', { env: ENV });
  new ParallelClusterIam(stack, 'Cluster', props);
  const assembly = app.synth();
  const template = assembly.getStackByName('Example').template as Template;
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return template;
}

function main(): void {
  console.log(`cdk-parallelcluster-iam benchmark: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`);
  console.log('');

  // 1. Synthesis time. One warm-up run of each loads the modules and warms the JIT.
  const reference = runExample();
  synthRaw(reference);
  const library: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    library.push(time(() => runExample()));
    raw.push(time(() => synthRaw(reference)));
  }
  const rawTemplate = synthRaw(reference);
  const same = JSON.stringify(Object.keys(rawTemplate.Resources).sort()) === JSON.stringify(Object.keys(reference.Resources).sort());
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  console.log(`1. Synthesis of the example (examples/app.ts), median of ${RUNS} runs after a warm-up`);
  console.log(table(['Written with', 'Median', 'Min', 'Max'], [
    ['cdk-parallelcluster-iam (the example app)', ms(median(library)), ms(Math.min(...library)), ms(Math.max(...library))],
    ['raw CfnRole/CfnManagedPolicy JSON', ms(median(raw)), ms(Math.min(...raw)), ms(Math.max(...raw))],
  ]));
  console.log(`  ratio: ${(median(library) / median(raw)).toFixed(1)}x (the same ${Object.keys(reference.Resources).length} ` +
    `logical ids in both templates: ${same ? 'yes' : 'NO'}). The example also writes its config fragments and ` +
    'permissions report and prints its summary; the raw JSON does none of that.');
  console.log('');

  // 2. Quotas per role.
  console.log("2. The example's roles against IAM's quotas (sizes with every token at its longest value)");
  console.log(table(['Role', 'Managed policies', 'Customer policies', 'Largest customer policy', 'Inline policies'], roleBudgets(reference)));
  console.log('');

  // 3. Resources per cluster.
  console.log('3. CloudFormation resources per cluster');
  const setups: Array<[string, Template]> = [
    ['the example (2 queues, a login pool, FSx, image builder, boundary mode)', reference],
    ['ParallelClusterIam defaults (1 queue, restricted mode)', clusterTemplate({})],
    ['Slurm, 5 queues, FSx, image builder, privileged mode', clusterTemplate({
      slurmQueues: ['q1', 'q2', 'q3', 'q4', 'q5'], enableFsxLustre: true, enableImageBuilder: true, iamAccessMode: IamAccessMode.privileged(),
    })],
    ['AWS Batch (V3_15, the last revision with it), privileged mode',
      clusterTemplate({ scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(), parallelClusterVersion: ParallelClusterVersion.V3_15 })],
  ];
  console.log(table(['Cluster', 'Resources', 'By type'], setups.map(([name, t]) => {
    const { total, byType } = resourceCounts(t);
    return [name, String(total), byType];
  })));
}

main();
