/*
 * The current TypeScript source as JavaScript that plain `node` runs: for the tests that run the library as a
 * user does, in a process of its own (the command line tool, the example apps), and for the samples check
 * (scripts/check-samples.ts). Starting such a process with ts-node costs about 3 s of CPU (it compiles the
 * source on every start); the JavaScript starts in about 1 s.
 *
 * File by file (ts.transpileModule), with tsconfig.dev.json's compiler options: the project compiles with
 * isolatedModules, so each file's JavaScript does not depend on types, and this is what tsc emits. Nothing
 * here type-checks (tsc, eslint and ts-jest do). Never lib/: that is the last `npx projen compile`, which may
 * be older than the source.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { RUN_DIR_ENV, SHARED_COPY } from './temp-dirs-global-setup';

/** The repository's root directory. */
export const ROOT = path.resolve(__dirname, '..', '..');

let options: ts.CompilerOptions | undefined;

/** tsconfig.dev.json's compiler options (with what it extends), emitting CommonJS without declarations or source maps. */
function compilerOptions(): ts.CompilerOptions {
  if (!options) {
    const file = path.join(ROOT, 'tsconfig.dev.json');
    const read = ts.readConfigFile(file, ts.sys.readFile);
    if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
    // Only the options: no walk of the repository for the files `include` names.
    const parsed = ts.parseJsonConfigFileContent(read.config, { ...ts.sys, readDirectory: () => [] }, ROOT, undefined, file);
    options = {
      ...parsed.options,
      noEmit: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      inlineSourceMap: false,
      inlineSources: false,
    };
  }
  return options;
}

/** The .ts files (no .d.ts) under `dir`, recursively, as absolute paths. */
export function typeScriptFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Transpiles `files` (absolute paths under `root`) into `outDir`, each at its path relative to `root` with
 * .js for .ts: relative imports between them resolve as they do in the source. Throws on a syntax error.
 */
export function transpile(files: string[], outDir: string, root: string = ROOT): void {
  for (const file of files) {
    const result = ts.transpileModule(fs.readFileSync(file, 'utf-8'), {
      compilerOptions: compilerOptions(), fileName: file, reportDiagnostics: true,
    });
    const errors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) {
      throw new Error(`${file}: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('; ')}`);
    }
    const out = path.join(outDir, path.relative(root, file).replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, result.outputText);
  }
}

/**
 * Writes a runnable copy of the repository's current `dirs` (default src/) into `dir`, laid out as in the
 * repository so that the relative paths the code reads still resolve: each directory's .ts files as
 * JavaScript, the other files at its top level (examples/*.yaml) as they are, package.json (the command line
 * tool's --version reads it), and node_modules as a symbolic link to the repository's (so `dir` may be
 * anywhere, a temporary directory included). Returns `dir`; the caller removes it.
 */
export function compiledCopy(dir: string, dirs: string[] = ['src']): string {
  for (const name of dirs) {
    const source = path.join(ROOT, name);
    transpile(typeScriptFiles(source), dir);
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
      if (entry.isFile() && !entry.name.endsWith('.ts')) {
        fs.copyFileSync(path.join(source, entry.name), path.join(dir, name, entry.name));
      }
    }
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * The compiled copy of src/ and examples/ (compiledCopy) that the test files of a jest run share: the first
 * file that asks compiles it into the run's temporary directory (temp-dirs-global-setup.ts), the others reuse
 * it (a file that compiled at the same time as another throws its own away), and the global teardown removes
 * it. The source does not change during a run.
 */
export function sharedCompiledCopy(): string {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir === undefined) {
    throw new Error(`${RUN_DIR_ENV} is not set: the shared compiled copy lives in the temporary directory of a jest run`);
  }
  const shared = path.join(runDir, SHARED_COPY);
  // Complete once it exists: it appears by a rename.
  if (fs.existsSync(shared)) return shared;
  const mine = compiledCopy(fs.mkdtempSync(path.join(runDir, `${SHARED_COPY}-`)), ['src', 'examples']);
  try {
    fs.renameSync(mine, shared);
  } catch (error) {
    fs.rmSync(mine, { recursive: true, force: true });
    if (!fs.existsSync(shared)) throw error;
  }
  return shared;
}
