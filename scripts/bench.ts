/*
 * Benchmark (a script, not a test): `npx projen bench` (compiles the library, then
 * ts-node --project tsconfig.dev.json scripts/bench.ts).
 *
 * Prints, on one run:
 *  1. whole-process synthesis times: `node scripts/bench/synth-library.js` synthesizes a cluster (a login
 *     pool, FSx, image builds, a boundary imported by name; against the compiled library in lib/, as a user's
 *     app) with 2, 10 and 50 Slurm queues;
 *     `node scripts/bench/synth-raw.js` synthesizes the same template, written as raw L1 resources. Each is
 *     a fresh Node.js process, timed from spawn to exit (wall clock) and by its own CPU time, median of RUNS
 *     runs after a warm-up; then the library's overhead against the raw process, its targets (at most 25%
 *     at 2 queues, 40% at 50) and its growth per queue;
 *  2. for each role, its managed policies against the quota of 10 and its largest customer managed
 *     policy against the quota of 6,144 characters (tokens at their longest values, as IAM will count
 *     them wherever the stack is deployed), and its inline policies against 10,240;
 *  3. the number of CloudFormation resources per cluster, by type, for the example and other setups.
 *
 * BENCH_RUNS (default 9) sets the number of timed runs, BENCH_QUEUES (default 2,10,50) the queue counts.
 * BENCH_APPS=<dir> times the apps of that directory instead (`../shared/bench`: `lib-app.js <checkout>
 * <queues> [dump]` and `raw-app.js <checkout> <queues>`, issue 21's yardstick), against this checkout's lib/;
 * their CPU time comes from scripts/bench/report-cpu.js, preloaded. BENCH_ONLY_SYNTH=1 stops after part 1.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { IamAccessMode, ParallelClusterIam, ParallelClusterIamProps, ParallelClusterVersion, Scheduler } from '../src';
import {
  INLINE_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICIES_PER_ROLE_QUOTA,
  MANAGED_POLICY_SIZE_QUOTA,
  policyJsonSize,
} from '../src/private/policy-size';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const APPS = process.env.BENCH_APPS ? path.resolve(process.env.BENCH_APPS) : undefined;
const QUEUES = (process.env.BENCH_QUEUES ?? '2,10,50').split(',').map(Number);
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

const ROOT = path.join(__dirname, '..');

/** The compiled library's entry point, as a user's app requires it. */
function compiledLibrary(): string {
  const lib = path.join(ROOT, 'lib', 'index.js');
  if (!fs.existsSync(lib)) {
    throw new Error('bench: lib/index.js is missing; run `npx projen compile` first (`npx projen bench` does).');
  }
  return lib;
}

interface ProcessTime {
  /** From spawn to exit, as a user waits for it. */
  readonly wallMs: number;
  /** The fastest run's wall-clock time: the least disturbed by other work on the machine. */
  readonly minWallMs?: number;
  /** The process's own user and system CPU time. */
  readonly cpuMs: number;
}

/**
 * Runs `node <script> <args>` to completion from the repository (its node_modules); returns its times. The
 * process's CPU time comes from scripts/bench/report-cpu.js, preloaded, so any app can be timed unchanged.
 */
function timeProcess(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): ProcessTime {
  const file = path.isAbsolute(script) ? script : path.join(ROOT, 'scripts', 'bench', script);
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', path.join(ROOT, 'scripts', 'bench', 'report-cpu.js'), file, ...args],
    { cwd: ROOT, encoding: 'utf-8', env });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = /bench-cpu-us (\d+)/.exec(result.stderr ?? '');
  if (result.status !== 0 || cpu === null) {
    throw new Error(`bench: ${script} ${args.join(' ')} failed:\n${result.stderr}`);
  }
  return { wallMs, cpuMs: Number(cpu[1]) / 1000 };
}

interface Measurement {
  readonly queues: number;
  readonly resources: number;
  readonly identical: boolean;
  readonly library: ProcessTime;
  readonly raw: ProcessTime;
}

/** The template a process wrote, as the bench compares them: its resources and outputs. */
function comparable(file: string): string {
  const t = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return JSON.stringify({ Resources: t.Resources, Outputs: t.Outputs });
}

/**
 * Median times of BENCH_APPS's `lib-app.js` (this checkout's lib/) and `raw-app.js` at `queues` queues,
 * alternating, after a warm-up in which the library's app writes the template the raw app rebuilds.
 */
function measureApps(scratch: string, apps: string, queues: number): Measurement {
  const dir = path.join(scratch, `apps-${queues}`);
  fs.mkdirSync(dir);
  const env = { ...process.env, PERF_DIR: dir };
  const libApp = path.join(apps, 'lib-app.js');
  const rawApp = path.join(apps, 'raw-app.js');
  const outdirs = (): string[] => fs.readdirSync(dir).filter((d) => d.startsWith('perf-'));
  timeProcess(libApp, [ROOT, String(queues), 'dump'], env);
  const before = outdirs();
  timeProcess(rawApp, [ROOT, String(queues)], env);
  const rawOut = outdirs().filter((d) => !before.includes(d));
  const rawTemplate = rawOut.length === 1
    ? fs.readdirSync(path.join(dir, rawOut[0])).find((f) => f.endsWith('.template.json'))
    : undefined;
  const libraryTemplate = JSON.stringify((({ Resources, Outputs }) => ({ Resources, Outputs }))(
    JSON.parse(fs.readFileSync(path.join(dir, `tpl-${queues}.json`), 'utf-8'))));
  // raw-app.js rebuilds the resources (its own AWS::CDK::Metadata aside), and writes each output's value as
  // a JSON string with no description: compare the resources.
  const resourcesOf = (text: string): string => {
    const t = JSON.parse(text);
    delete t.Resources.CDKMetadata;
    return JSON.stringify(t.Resources);
  };
  const identical = rawTemplate !== undefined &&
    resourcesOf(libraryTemplate) === resourcesOf(comparable(path.join(dir, rawOut[0], rawTemplate)));
  const library: ProcessTime[] = [];
  const raw: ProcessTime[] = [];
  for (let i = 0; i < RUNS; i++) {
    library.push(timeProcess(libApp, [ROOT, String(queues)], env));
    raw.push(timeProcess(rawApp, [ROOT, String(queues)], env));
    for (const d of outdirs()) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
  }
  const resources = Object.keys(JSON.parse(libraryTemplate).Resources).length;
  return { queues, resources, identical, library: medians(library), raw: medians(raw) };
}

function medians(values: ProcessTime[]): ProcessTime {
  return {
    wallMs: median(values.map((v) => v.wallMs)),
    minWallMs: Math.min(...values.map((v) => v.wallMs)),
    cpuMs: median(values.map((v) => v.cpuMs)),
  };
}

/** Median times of the library's and the raw process at `queues` queues, alternating, after a warm-up. */
function measure(scratch: string, lib: string, queues: number): Measurement {
  const libraryOut = path.join(scratch, `library-${queues}`);
  const rawOut = path.join(scratch, `raw-${queues}`);
  timeProcess('synth-library.js', [lib, String(queues), libraryOut]);
  const templateFile = path.join(libraryOut, 'ParallelClusterIamExample.template.json');
  timeProcess('synth-raw.js', [templateFile, rawOut]);
  const library: ProcessTime[] = [];
  const raw: ProcessTime[] = [];
  for (let i = 0; i < RUNS; i++) {
    library.push(timeProcess('synth-library.js', [lib, String(queues), libraryOut]));
    raw.push(timeProcess('synth-raw.js', [templateFile, rawOut]));
  }
  const libraryTemplate = comparable(templateFile);
  const resources = Object.keys(JSON.parse(libraryTemplate).Resources).length;
  const identical = libraryTemplate === comparable(path.join(rawOut, 'ParallelClusterIamExample.template.json'));
  return { queues, resources, identical, library: medians(library), raw: medians(raw) };
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

  // 1. Whole-process synthesis times.
  // In the repository (git-ignored, removed afterwards).
  const scratch = path.join(ROOT, 'bench.out');
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(scratch);
  let measurements: Measurement[];
  try {
    const lib = compiledLibrary();
    measurements = QUEUES.map((queues) => (APPS ? measureApps(scratch, APPS, queues) : measure(scratch, lib, queues)));
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  const overhead = (m: Measurement, key: keyof ProcessTime): number => m.library[key]! / m.raw[key]! - 1;
  const target = (queues: number): number | undefined => (queues <= 2 ? 0.25 : queues >= 50 ? 0.4 : undefined);
  const pctText = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(0)}%`;
  console.log(`1. Synthesis of a cluster (a login pool, FSx, image builds, a boundary), whole Node.js processes, ${RUNS} runs each after a warm-up, alternating` +
    (APPS ? `, with ${APPS}'s lib-app.js and raw-app.js` : ''));
  console.log('   (wall: median and fastest run, spawn to exit, the median being issue 21\'s measure; CPU: median of the process\'s user + system time)');
  console.log(table(
    ['Queues', 'Resources', 'Library wall (median / min)', 'Raw L1 wall (median / min)', 'Library CPU', 'Raw L1 CPU',
      'Ratio (wall median / min / CPU)', 'Overhead (wall median / min / CPU)', 'Target', 'Same template'],
    measurements.map((m) => {
      const limit = target(m.queues);
      const met = (key: keyof ProcessTime): string => (overhead(m, key) <= limit! ? 'met' : 'missed');
      return [
        String(m.queues),
        String(m.resources),
        `${ms(m.library.wallMs)} / ${ms(m.library.minWallMs!)}`,
        `${ms(m.raw.wallMs)} / ${ms(m.raw.minWallMs!)}`,
        ms(m.library.cpuMs),
        ms(m.raw.cpuMs),
        `${(1 + overhead(m, 'wallMs')).toFixed(2)}x / ${(1 + overhead(m, 'minWallMs')).toFixed(2)}x / ${(1 + overhead(m, 'cpuMs')).toFixed(2)}x`,
        `${pctText(overhead(m, 'wallMs'))} / ${pctText(overhead(m, 'minWallMs'))} / ${pctText(overhead(m, 'cpuMs'))}`,
        limit === undefined ? '-' : `<= ${pctText(limit)}: ${met('wallMs')} / ${met('minWallMs')} / ${met('cpuMs')}`,
        m.identical ? 'yes' : 'NO',
      ];
    }),
  ));
  // Growth: the library's own CPU time (library minus raw process) per added queue, between successive
  // counts. CPU time, because wall-clock differences of a few milliseconds drown in a busy machine's noise.
  const own = (m: Measurement): number => m.library.cpuMs - m.raw.cpuMs;
  const slopes = measurements.slice(1).map((m, i) => {
    const prev = measurements[i];
    return { from: prev.queues, to: m.queues, perQueue: (own(m) - own(prev)) / (m.queues - prev.queues) };
  });
  if (slopes.length > 0) {
    console.log(`  the library's own CPU time (library process minus raw process): ${measurements.map((m) => `${ms(own(m))} at ${m.queues}`).join(', ')}`);
    console.log(`  per added queue: ${slopes.map((s) => `${s.perQueue.toFixed(1)} ms from ${s.from} to ${s.to}`).join(', ')}` +
      (slopes.length > 1 ? ` (linear growth, the later slope at most twice the first: ${slopes[slopes.length - 1].perQueue <= 2 * Math.max(slopes[0].perQueue, 1) ? 'yes' : 'NO'})` : ''));
  }
  console.log("  Both processes load aws-cdk-lib core and aws-iam only, and write a cloud assembly; the library's also writes the config " +
    `fragment and the permissions report. ${os.loadavg()[0].toFixed(1)} load average during the run.`);
  console.log('');
  if (process.env.BENCH_ONLY_SYNTH) {
    return;
  }

  const reference = runExample();
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
      clusterTemplate({
        scheduler: Scheduler.AWS_BATCH, iamAccessMode: IamAccessMode.privileged(), parallelClusterVersion: ParallelClusterVersion.V3_15,
      })],
  ];
  console.log(table(['Cluster', 'Resources', 'By type'], setups.map(([name, t]) => {
    const { total, byType } = resourceCounts(t);
    return [name, String(total), byType];
  })));
}

main();
