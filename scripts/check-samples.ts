// The samples check (`npx projen samples:check`, a step of `npx projen ci`): every code sample in README.md and
// docs/*.md must work as a user copies it.
//
//   ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts [options] [FILE.md ...]
//
// It reads the fenced code blocks of the files (README.md and docs/*.md when none are given) and sorts them by
// the language of the fence:
//
//   ```ts / ```typescript   type-checked with the project's compiler settings (strict, ...; unused locals allowed)
//                           against the library's source, all samples in one TypeScript program, and meanwhile
//                           run: transpiled to JavaScript with the source (test/support/transpile.ts), each in a
//                           fresh Node process of its own with its own working directory and CDK_OUTDIR
//                           (offline: the samples use fixed or no environments), several at a time
//                           (SAMPLES_JOBS, default one per CPU). A sample that does not type-check fails for
//                           that alone. A sample must be complete: imports, and `app.synth()`. It must also
//                           pass `cdk synth --strict`: a warning or error in its cloud assembly that the sample
//                           does not acknowledge (`Annotations.of(scope).acknowledgeWarning(id)`) fails it. On an
//                           aws-cdk-lib without acknowledgeWarning (the 2.88 floor) the check supplies one that
//                           records the acknowledgements, and matches them to the warnings' `[ack: <id>]` as
//                           newer aws-cdk-lib releases do (the scope and everything below it).
//   ```ts fragment          a TypeScript fragment that cannot be complete (for example a signature). Counted,
//                           not checked. Use it sparingly: the check prints how many there are.
//   ```python               a complete Python app; with --emit-python DIR each block is written to DIR for the
//                           bindings check (scripts/bindings-check.sh), which runs them against the built wheel
//                           (all in one Python process: scripts/run-python-samples.py).
//   ```java                 a complete class with a main method, as a user copies it (or, for short snippets,
//                           import lines and statements, wrapped in such a class); with --emit-java DIR each is
//                           written to package `samples` (plus a RunAll class that runs them in order, and
//                           reports each) for the bindings check, which compiles and runs them against the
//                           built jar.
//   anything else           shell commands, YAML, XML, JSON, text: skipped by language, and counted.
//
// The only change made to a TypeScript sample before it is checked is the module specifier
// 'cdk-parallelcluster-iam', which points at the library's source (src/index.ts) instead of the npm package.
//
// Options:
//   --self-test        also checks that the check fails: a broken sample (an undefined variable, a type error,
//                      a sample that throws at synthesis, an unacknowledged warning, a sample without
//                      app.synth()) must each be reported. Its samples are checked with the others, and run.
//   --no-run           type-check only (the self-test's samples still run).
//   --no-type-check    run only: for the newest-aws-cdk-lib run (scripts/test-newest-cdk.sh), whose type-check
//                      would be samples:check's again (tsc reads the repository's aws-cdk-lib, the floor's,
//                      whichever copy the samples then run with). Not with --self-test.
//   --emit-python DIR  write the Python samples to DIR (one file each) and exit after listing them.
//   --emit-java DIR    write the Java samples to DIR/samples/ (one class each, and RunAll) and exit.
//   --expect-failure FILE.md
//                      with --emit-python or --emit-java: also write the samples of FILE.md, first; they must
//                      fail (the bindings check's self-test). RunAll runs them like the others and exits 1 if
//                      one does not throw; scripts/run-python-samples.py takes the same option.
//
// Exits 1 on any failure, naming the Markdown file and line of the sample. Scratch files go to samples.out/
// (git-ignored) and are removed at the end, also on failure, unless SAMPLES_KEEP=1.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { transpile, typeScriptFiles } from '../test/support/transpile';

const ROOT = path.resolve(__dirname, '..');
const LIBRARY = 'cdk-parallelcluster-iam';

/** A fenced code block of a Markdown file. */
export interface Sample {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the block's first code line (1-based). */
  readonly line: number;
  /** The fence's language, lower-cased ('' without one). */
  readonly language: string;
  /** The words after the language on the fence line (e.g. 'fragment'). */
  readonly flags: string[];
  readonly code: string;
}

/** The fenced code blocks of a Markdown text. Fences may be indented (inside lists or <details>). */
export function extractSamples(file: string, text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  let open: { fence: string; indent: number; language: string; flags: string[]; start: number; body: string[] } | undefined;
  lines.forEach((raw, index) => {
    const match = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(raw);
    if (!open) {
      if (match) {
        open = {
          fence: match[2],
          indent: match[1].length,
          language: match[3].toLowerCase(),
          flags: match[4].trim() ? match[4].trim().split(/\s+/) : [],
          start: index + 2,
          body: [],
        };
      }
      return;
    }
    if (match && match[2].startsWith(open.fence) && match[3] === '' && match[4].trim() === '') {
      samples.push({ file, line: open.start, language: open.language, flags: open.flags, code: open.body.join('\n') + '\n' });
      open = undefined;
      return;
    }
    open.body.push(raw.substring(Math.min(open.indent, raw.length - raw.trimStart().length)));
  });
  if (open) {
    throw new Error(`${file}:${open.start - 1}: code block never closed`);
  }
  return samples;
}

type Kind = 'typescript' | 'typescript-fragment' | 'python' | 'java' | 'skipped';

export function kindOf(sample: Sample): Kind {
  if (sample.language === 'ts' || sample.language === 'typescript') {
    return sample.flags.includes('fragment') ? 'typescript-fragment' : 'typescript';
  }
  if (sample.language === 'python' || sample.language === 'py') return 'python';
  if (sample.language === 'java') return 'java';
  return 'skipped';
}

/** A name for a sample's scratch file, unique per file and line: README_L123, docs_security_L45. */
function nameOf(sample: Sample): string {
  return `${sample.file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '_')}_L${sample.line}`;
}

function defaultFiles(): string[] {
  const docs = fs.existsSync(path.join(ROOT, 'docs'))
    ? fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs];
}

interface Failure { readonly where: string; readonly message: string }

/** A complete app ends with a synthesis; the CDK CLI fails on one that does not (ENOENT ... manifest.json). */
function synthesizes(sample: Sample): boolean {
  switch (kindOf(sample)) {
    case 'typescript': return /\.synth\(\s*\)/.test(sample.code);
    case 'python': return /\.synth\(\s*\)/.test(sample.code);
    case 'java': return /\.synth\(\s*\)/.test(sample.code);
    default: return true;
  }
}

/** A finished child process: its exit status and what it wrote to stderr (stdout is not kept). */
interface Finished { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Runs a child process without blocking this one (others run meanwhile). */
function runProcess(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; keepStdout?: boolean }): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', options.keepStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf-8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf-8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ status: null, stdout, stderr: `${stderr}${error}` }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * How many processes the check runs at a time: SAMPLES_JOBS, or one per CPU. The type-check counts as one
 * while it runs.
 */
function jobs(): number {
  const fromEnv = Number(process.env.SAMPLES_JOBS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.max(1, os.availableParallelism());
}

/**
 * Type-checks and runs the TypeScript samples in `dir` (created and removed here); `shouldRun` says which to
 * run. Returns one failure per broken sample, located at its Markdown file and line, in the samples' order.
 *
 * All samples are type-checked in one TypeScript program (tsc, in a process of its own; not when `typeCheck` is
 * false), while they run: each sample, transpiled to JavaScript with the library's source
 * (test/support/transpile.ts), runs as a fresh Node process of its own (a fresh aws-cdk-lib, as `cdk synth`
 * has), with its own working directory and cloud assembly directory, several at a time. A sample that does not
 * type-check is reported for that alone.
 */
export async function checkTypeScript(
  samples: Sample[], dir: string, shouldRun: (sample: Sample) => boolean, typeCheck: boolean = true,
): Promise<Failure[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const failures: Failure[] = [];
  const byName = new Map<string, Sample>();
  const src = path.relative(dir, path.join(ROOT, 'src')).split(path.sep).join('/');
  for (const sample of samples) {
    const name = nameOf(sample);
    byName.set(name, sample);
    // Same line numbers as the block: only the module specifier changes.
    const code = sample.code.replace(new RegExp(`(['"])${LIBRARY}\\1`, 'g'), `'${src}'`);
    fs.writeFileSync(path.join(dir, `${name}.ts`), code);
    if (!synthesizes(sample)) {
      failures.push({ where: `${sample.file}:${sample.line}`, message: 'never calls app.synth(): the CDK CLI would find no cloud assembly (mark a fragment ```ts fragment)' });
    }
  }
  if (samples.length === 0) return failures;
  writeAcknowledgeShim(path.join(dir, 'acknowledge-shim.js'));

  // The project's compiler settings (tsconfig.dev.json extends tsconfig.json: strict, ...), on the samples only,
  // without the two a user's project (`cdk init`) does not have: a sample may name a role it does not use again.
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    extends: path.relative(dir, path.join(ROOT, 'tsconfig.dev.json')).split(path.sep).join('/'),
    compilerOptions: {
      noEmit: true,
      rootDir: path.relative(dir, ROOT).split(path.sep).join('/') || '.',
      types: ['node'],
      noUnusedLocals: false,
      noUnusedParameters: false,
    },
    include: ['*.ts'],
    exclude: [],
  }, null, 2));
  // The floor's Annotations has no acknowledgeWarning: declare the one the shim supplies (writeAcknowledgeShim).
  // aws-cdk-lib's package exports hide its internal modules, so the augmentation names the declaration file
  // by its real path (node_modules may be a symbolic link).
  // The copy tsc type-checks against: the repository's own (a run against the newest aws-cdk-lib redirects
  // require() to another copy, which tsc does not see).
  const annotations = path.join(fs.realpathSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib')), 'core', 'lib', 'annotations');
  fs.writeFileSync(path.join(dir, 'acknowledge-shim.d.ts'), [
    "import 'aws-cdk-lib';",
    `declare module '${path.relative(dir, annotations).split(path.sep).join('/')}' {`,
    '  interface Annotations {',
    '    acknowledgeWarning(id: string, message?: string): void;',
    '  }',
    '}',
    '',
  ].join('\n'));
  // One program for all the samples: the type-check of the library's source and aws-cdk-lib's declarations,
  // most of the time, is shared.
  const typeChecking: Promise<Finished> = typeCheck
    ? runProcess([require.resolve('typescript/bin/tsc'), '--noEmit', '-p', dir, '--pretty', 'false'], { cwd: ROOT, keepStdout: true })
    : Promise.resolve({ status: 0, stdout: '', stderr: '' });

  // Meanwhile, the JavaScript to run: the library's source and the samples, laid out as in the repository
  // (under dir/js), so that a sample's import of the source resolves as it does in TypeScript, and
  // aws-cdk-lib in the repository's node_modules. transpile-only: the types are checked by tsc.
  const js = path.join(dir, 'js');
  const toRun = [...byName].filter(([, sample]) => shouldRun(sample));
  if (toRun.length > 0) {
    transpile([...typeScriptFiles(path.join(ROOT, 'src')), ...toRun.map(([name]) => path.join(dir, `${name}.ts`))], js);
  }
  // The samples that do not type-check (file names), once tsc has finished; undefined until then.
  let broken: Set<string> | undefined;
  const typeErrors: Failure[] = [];
  let unlocated: Failure | undefined;
  const typeChecked = typeChecking.then((tsc) => {
    broken = new Set<string>();
    if (tsc.status === 0) return;
    const output = `${tsc.stdout}${tsc.stderr}`;
    for (const line of output.split('\n')) {
      const m = /([A-Za-z0-9_]+)\.ts\((\d+),(\d+)\): (error .*)$/.exec(line);
      const sample = m && byName.get(m[1]);
      if (m && sample) {
        broken.add(m[1]);
        typeErrors.push({ where: `${sample.file}:${sample.line + Number(m[2]) - 1}:${m[3]}`, message: m[4] });
      }
    }
    if (typeErrors.length === 0) unlocated = { where: 'tsc', message: output.trim() || `exited with ${tsc.status}` };
  });

  const shim = path.join(dir, 'acknowledge-shim.js');
  // Node's code cache of aws-cdk-lib and the library, shared by the sample processes (Node 22.1 and later).
  const codeCache = path.join(dir, 'node-compile-cache');
  const runs = new Map<string, Finished>();
  const queue = [...toRun];
  const slots = jobs();
  await Promise.all(Array.from({ length: slots }, async (_, slot) => {
    // One slot waits for the type-check, which uses a CPU meanwhile.
    if (slot === slots - 1 && typeCheck) await typeChecked;
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name] = next;
      // Known not to type-check: it fails for that alone, running it would not change the result.
      if (broken?.has(name)) continue;
      const cwd = path.join(dir, `${name}.cwd`);
      fs.mkdirSync(cwd);
      runs.set(name, await runProcess(['-r', shim, path.join(js, path.relative(ROOT, dir), `${name}.js`)], {
        cwd,
        env: {
          ...process.env,
          NODE_COMPILE_CACHE: codeCache,
          CDK_OUTDIR: path.join(dir, `${name}.cdk.out`),
          SAMPLES_ACKS_FILE: path.join(dir, `${name}.acks.json`),
        },
      }));
    }
  }));
  await typeChecked;
  if (unlocated) return [...failures, unlocated];
  failures.push(...typeErrors);

  for (const [name, sample] of byName) {
    const result = runs.get(name);
    if (!result || broken!.has(name)) continue;
    const outdir = path.join(dir, `${name}.cdk.out`);
    const acks = path.join(dir, `${name}.acks.json`);
    if (result.status !== 0) {
      const lines = `${result.stderr}`.trim().split('\n');
      // Node prints the throwing line of source first, then the error (`ValidationError: ...`).
      const error = lines.find((l) => /^\s*[\w.]*Error\b/.test(l)) ?? lines.find((l) => /Error|error/.test(l)) ?? lines[0] ?? `exited with ${result.status}`;
      failures.push({ where: `${sample.file}:${sample.line}`, message: `failed when run: ${error.trim()}` });
    } else if (synthesizes(sample) && !fs.existsSync(path.join(outdir, 'manifest.json'))) {
      failures.push({ where: `${sample.file}:${sample.line}`, message: `ran, but wrote no cloud assembly to CDK_OUTDIR (${outdir})` });
    } else if (synthesizes(sample)) {
      const recorded: Acknowledgement[] = fs.existsSync(acks) ? JSON.parse(fs.readFileSync(acks, 'utf-8')) : [];
      for (const problem of strictProblems(outdir, recorded)) {
        failures.push({ where: `${sample.file}:${sample.line}`, message: `cdk synth --strict would fail: ${problem}` });
      }
    }
  }
  return failures;
}

/** An acknowledgement the shim recorded: the scope's path ('' for the app) and the warning ID. */
interface Acknowledgement { readonly path: string; readonly id: string }

/**
 * Preloaded into every sample: on an aws-cdk-lib without `Annotations.acknowledgeWarning` it adds one that
 * records (path, id) and writes them to SAMPLES_ACKS_FILE at exit. With a newer aws-cdk-lib it does nothing.
 */
function writeAcknowledgeShim(file: string): void {
  fs.writeFileSync(file, [
    '// Written by scripts/check-samples.ts.',
    `const { Annotations } = require(${JSON.stringify(require.resolve('aws-cdk-lib', { paths: [ROOT] }))});`,
    "if (typeof Annotations.prototype.acknowledgeWarning !== 'function') {",
    '  const acks = [];',
    '  Annotations.prototype.acknowledgeWarning = function (id) { acks.push({ path: this.scope.node.path, id }); };',
    "  process.on('exit', () => require('fs').writeFileSync(process.env.SAMPLES_ACKS_FILE, JSON.stringify(acks)));",
    '}',
    '',
  ].join('\n'));
}

/**
 * What `cdk synth --strict` fails on: every warning and error of the cloud assembly's stacks, except warnings
 * whose `[ack: <id>]` the sample acknowledged on their construct or a scope above it.
 */
export function strictProblems(outdir: string, acknowledged: Acknowledgement[]): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const problems: string[] = [];
  for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
    for (const [constructPath, entries] of Object.entries<any[]>(artifact.metadata ?? {})) {
      for (const entry of entries) {
        if (entry.type !== 'aws:cdk:warning' && entry.type !== 'aws:cdk:error') continue;
        const text = String(entry.data);
        const id = /\[ack: ([^\]]+)\]\s*$/.exec(text)?.[1];
        const covered = entry.type === 'aws:cdk:warning' && id !== undefined && acknowledged.some((a) => a.id === id
          && (a.path === '' || constructPath === `/${a.path}` || constructPath.startsWith(`/${a.path}/`)));
        if (!covered) {
          problems.push(`${entry.type === 'aws:cdk:error' ? 'error' : 'warning'} at ${constructPath}: ${text}`);
        }
      }
    }
  }
  return problems;
}

/** Writes the Python samples to `dir`, one file each; returns the file names. */
function emitPython(samples: Sample[], dir: string): string[] {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return samples.map((sample) => {
    const name = `${nameOf(sample)}.py`;
    fs.writeFileSync(path.join(dir, name), `# ${sample.file}:${sample.line}\n${sample.code}`);
    return name;
  });
}

/**
 * Writes the Java samples to `dir`/samples/: the block's imports, then its statements in a `main` method of a
 * class named after the sample; RunAll runs every sample's main, reports each, and exits 1 if one throws or (with
 * CDK_OUTDIR set, as the bindings check sets it) writes no cloud assembly. The
 * samples in `mustFail` (the bindings check's self-test) run first, are reported like the others, and must throw.
 */
function emitJava(samples: Sample[], dir: string, mustFail: Set<Sample>): string[] {
  const pkg = path.join(dir, 'samples');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(pkg, { recursive: true });
  const classes = samples.map((sample) => {
    const name = `Sample_${nameOf(sample)}`;
    const where = `${sample.file}:${sample.line}`;
    const complete = /^public\s+(?:final\s+)?class\s+(\w+)/m.exec(sample.code);
    if (complete && /static\s+void\s+main\s*\(/.test(sample.code)) {
      // A complete class, as a user copies it: only its package and name change (two samples may share a name).
      const code = sample.code.replace(/^package\s+[\w.]+;\s*$/m, '').replace(new RegExp(`\\b${complete[1]}\\b`, 'g'), name);
      fs.writeFileSync(path.join(pkg, `${name}.java`), `// ${where}\npackage samples;\n\n${code}`);
      return { name, where, mustFail: mustFail.has(sample) };
    }
    const lines = sample.code.split('\n');
    const imports = lines.filter((l) => /^\s*import\s/.test(l));
    const body = lines.filter((l) => !/^\s*import\s/.test(l));
    fs.writeFileSync(path.join(pkg, `${name}.java`), [
      `// ${where}`,
      'package samples;',
      '',
      ...imports,
      '',
      `public class ${name} {`,
      '  public static void main(final String[] args) throws Exception {',
      ...body.map((l) => (l ? `    ${l}` : l)),
      '  }',
      '}',
      '',
    ].join('\n'));
    return { name, where, mustFail: mustFail.has(sample) };
  });
  const failing = classes.filter((c) => c.mustFail);
  const call = ({ name, where }: { name: string; where: string }) => `passes(${JSON.stringify(where)}, () -> ${name}.main(args))`;
  fs.writeFileSync(path.join(pkg, 'RunAll.java'), [
    '// Runs every Java sample of README.md and docs/*.md (generated by scripts/check-samples.ts).',
    'package samples;',
    '',
    'public class RunAll {',
    '  private interface Sample {',
    '    void run() throws Exception;',
    '  }',
    '',
    '  /** The manifest of the cloud assembly the samples\' apps write (CDK_OUTDIR, which the bindings check sets). */',
    '  private static final java.nio.file.Path MANIFEST =',
    '      System.getenv("CDK_OUTDIR") == null ? null : java.nio.file.Paths.get(System.getenv("CDK_OUTDIR"), "manifest.json");',
    '',
    '  /**',
    '   * Runs a sample\'s main, prints "ok" or "FAIL" and what it threw, and returns whether it passed: it must',
    '   * return, and (with CDK_OUTDIR set) have synthesized a cloud assembly of its own.',
    '   */',
    '  private static boolean passes(final String where, final Sample sample) {',
    '    try {',
    '      if (MANIFEST != null) java.nio.file.Files.deleteIfExists(MANIFEST);',
    '      sample.run();',
    '      if (MANIFEST != null && !java.nio.file.Files.exists(MANIFEST)) {',
    '        System.out.println("FAIL " + where + ": no cloud assembly in " + MANIFEST.getParent() + " (no app.synth()?)");',
    '        return false;',
    '      }',
    '      System.out.println("ok   " + where);',
    '      return true;',
    '    } catch (Throwable e) {',
    '      System.out.println("FAIL " + where + ": " + e);',
    '      return false;',
    '    }',
    '  }',
    '',
    '  public static void main(final String[] args) {',
    '    int passed = 0;',
    '    int failed = 0;',
    '    int passedButMustFail = 0;',
    ...(failing.length > 0 ? ['    // The bindings check\'s self-test: samples that must throw, reported like the others.'] : []),
    ...failing.map((c) => `    if (${call(c)}) passedButMustFail++;`),
    ...classes.filter((c) => !c.mustFail).map((c) => `    if (${call(c)}) passed++; else failed++;`),
    '    System.out.println("java samples: " + passed + " passed, " + failed + " failed");',
    ...(failing.length > 0
      ? [`    System.out.println("java samples self-test: " + (${failing.length} - passedButMustFail) + " of ${failing.length} samples that must throw threw");`]
      : []),
    '    System.exit(failed == 0 && passedButMustFail == 0 ? 0 : 1);',
    '  }',
    '}',
    '',
  ].join('\n'));
  return classes.map(({ name }) => `${name}.java`);
}

/** Broken samples that the check must reject, each for its own reason. */
const SELF_TEST: Array<{ readonly why: string; readonly code: string }> = [
  {
    why: 'an undefined variable',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ParallelClusterUserRole } from '${LIBRARY}';`,
      'const app = new App();',
      "const stack = new Stack(app, 'S');",
      "new ParallelClusterUserRole(stack, 'User', { secrets: [adPassword] });",
      'app.synth();',
    ].join('\n'),
  },
  {
    why: 'a wrong type',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ParallelClusterIam } from '${LIBRARY}';`,
      'const app = new App();',
      "const stack = new Stack(app, 'S');",
      "new ParallelClusterIam(stack, 'Cluster', { slurmQueues: 'cpu' });",
      'app.synth();',
    ].join('\n'),
  },
  {
    why: 'an error at synthesis',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ParallelClusterIam } from '${LIBRARY}';`,
      'const app = new App();',
      "const stack = new Stack(app, 'S');",
      "new ParallelClusterIam(stack, 'Cluster', { slurmQueues: ['Not_A_Queue'] });",
      'app.synth();',
    ].join('\n'),
  },
  {
    why: 'a warning it does not acknowledge (cdk synth --strict)',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ParallelClusterIam } from '${LIBRARY}';`,
      'const app = new App();',
      "const stack = new Stack(app, 'S', { env: { account: '111122223333', region: 'us-east-1' } });",
      "new ParallelClusterIam(stack, 'Cluster', {});",
      'app.synth();',
    ].join('\n'),
  },
  {
    why: 'no app.synth()',
    code: [
      "import { App, Stack } from 'aws-cdk-lib';",
      `import { ParallelClusterIam } from '${LIBRARY}';`,
      'const app = new App();',
      "const stack = new Stack(app, 'S');",
      "new ParallelClusterIam(stack, 'Cluster', {});",
    ].join('\n'),
  },
];

/** The self-test's Markdown file, as failures name it. */
const SELF_TEST_FILE = 'self-test.md';

/** The self-test's samples: the broken ones (SELF_TEST, in order) and a fragment. */
function selfTestSamples(): Sample[] {
  const markdown = SELF_TEST.map(({ why, code }) => `A sample with ${why}:\n\n\`\`\`ts\n${code}\n\`\`\`\n`).join('\n')
    + '\nA fragment:\n\n```ts fragment\nnew ParallelClusterIam(this, \'Cluster\');\n```\n';
  return extractSamples(SELF_TEST_FILE, markdown);
}

/** What is wrong with the check, given what it reported on the self-test's samples: each must have failed. */
function selfTestProblems(samples: Sample[], failures: Failure[]): string[] {
  const problems: string[] = [];
  if (samples.filter((s) => kindOf(s) === 'typescript-fragment').length !== 1) {
    problems.push('the fragment was not recognised as one');
  }
  const checked = samples.filter((s) => kindOf(s) === 'typescript');
  checked.forEach((sample, index) => {
    if (!failures.some((f) => f.where.startsWith(`${SELF_TEST_FILE}:`) && lineOf(f.where) >= sample.line && lineOf(f.where) < sample.line + sample.code.split('\n').length)) {
      problems.push(`a sample with ${SELF_TEST[index].why} passed the check`);
    }
  });
  return problems;
}

function lineOf(where: string): number {
  return Number(where.split(':')[1]);
}

async function main(argv: string[]): Promise<number> {
  const start = Date.now();
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const value = argv[i + 1];
    argv.splice(i, 2);
    return value;
  };
  const flag = (name: string): boolean => {
    const i = argv.indexOf(name);
    if (i >= 0) argv.splice(i, 1);
    return i >= 0;
  };
  const pythonDir = option('--emit-python');
  const javaDir = option('--emit-java');
  const mustFailFile = option('--expect-failure');
  const runSelfTest = flag('--self-test');
  const run = !flag('--no-run');
  const typeCheck = !flag('--no-type-check');
  const files = argv.length > 0 ? argv : defaultFiles();
  if (!typeCheck && (runSelfTest || !run)) {
    console.error('samples: --no-type-check runs the samples only: not with --self-test or --no-run');
    return 2;
  }

  const samples = files.flatMap((file) => extractSamples(file, fs.readFileSync(path.resolve(ROOT, file), 'utf-8')));
  const of = (kind: Kind) => samples.filter((s) => kindOf(s) === kind);

  if (pythonDir || javaDir) {
    // The self-test's samples first: the runners run them first, which shows that a failure stops no other.
    const mustFail = mustFailFile ? extractSamples(mustFailFile, fs.readFileSync(path.resolve(ROOT, mustFailFile), 'utf-8')) : [];
    const emitted = (kind: Kind) => [...mustFail.filter((s) => kindOf(s) === kind), ...of(kind)];
    const also = (kind: Kind) => (mustFailFile ? ` (${mustFail.filter((s) => kindOf(s) === kind).length} that must fail, from ${mustFailFile})` : '');
    if (pythonDir) {
      const written = emitPython(emitted('python'), path.resolve(pythonDir));
      console.log(`python samples: ${written.length} written to ${pythonDir}${also('python')}`);
    }
    if (javaDir) {
      const written = emitJava(emitted('java'), path.resolve(javaDir), new Set(mustFail));
      console.log(`java samples: ${written.length} written to ${javaDir}/samples${also('java')}`);
    }
    return 0;
  }

  const scratch = path.join(ROOT, 'samples.out');
  const failures: Failure[] = [];
  const selfProblems: string[] = [];
  try {
    // The self-test's samples are checked with the others (one type-check), and always run.
    const selfSamples = runSelfTest ? selfTestSamples() : [];
    // The self-test's last: by the time they run, the type-check has found the ones it fails (not run then).
    const checked = await checkTypeScript([...of('typescript'), ...selfSamples.filter((s) => kindOf(s) === 'typescript')],
      path.join(scratch, 'typescript'), (sample) => run || sample.file === SELF_TEST_FILE, typeCheck);
    const ofSelfTest = (f: Failure) => f.where.startsWith(`${SELF_TEST_FILE}:`);
    failures.push(...checked.filter((f) => !ofSelfTest(f)));
    if (runSelfTest) selfProblems.push(...selfTestProblems(selfSamples, checked.filter(ofSelfTest)));
    // Python and Java run in the bindings check, against the built packages; here they must at least be apps.
    for (const sample of [...of('python'), ...of('java')]) {
      if (!synthesizes(sample)) {
        failures.push({ where: `${sample.file}:${sample.line}`, message: `${kindOf(sample)} sample never calls app.synth(): the CDK CLI would find no cloud assembly` });
      }
    }
  } finally {
    if (!process.env.SAMPLES_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
  }

  for (const f of failures) console.error(`${f.where}: ${f.message}`);
  for (const p of selfProblems) console.error(`self-test: ${p}`);
  const counts = [
    `${of('typescript').length} TypeScript samples ${!typeCheck ? 'run (type-checked by samples:check)' : run ? 'type-checked and run' : 'type-checked'}`,
    `${of('typescript-fragment').length} TypeScript fragments not checked`,
    `${of('python').length} Python and ${of('java').length} Java samples (run by the bindings check)`,
    `${of('skipped').length} other blocks skipped (${[...new Set(of('skipped').map((s) => s.language || 'no language'))].sort().join(', ')})`,
  ];
  console.log(`samples: ${files.length} files; ${counts.join('; ')}${runSelfTest ? `; self-test ${selfProblems.length === 0 ? 'passed' : 'FAILED'}` : ''}`
    + ` (${((Date.now() - start) / 1000).toFixed(1)} s, ${jobs()} at a time)`);
  if (failures.length > 0 || selfProblems.length > 0) {
    console.error(`samples: FAILED (${failures.length} failures${selfProblems.length ? `, ${selfProblems.length} self-test problems` : ''})`);
    return 1;
  }
  console.log('samples: OK');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((status) => process.exit(status), (error) => {
    console.error(error);
    process.exit(1);
  });
}
