// Compares the cloud assemblies that the TypeScript, Python and Java example apps synthesized (see
// scripts/bindings-check.sh): they must be identical, file by file, after normalising only what legitimately
// differs between languages. Everything else, including the ParallelCluster config fragment, the permissions
// report and the manifest, must match exactly.
//
//   ts-node --project tsconfig.dev.json scripts/compare-templates.ts [--require SUFFIX ...] typescript=DIR python=DIR java=DIR
//
// The first assembly is the reference; each `--require SUFFIX` fails the comparison unless the reference has
// a file whose name ends with SUFFIX (so that a file nobody writes any more is not "identical" by absence);
// `--self-check` also shows, on a mutated copy of the reference, that the comparison reports real differences.
// Exits 1 on any difference, listing the first ones.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What is normalised, and why each one may legitimately differ between languages. */
const NORMALISATIONS = {
  cdkMetadata:
    'templates: the CDKMetadata resource and its condition (the CLI adds them; they encode the runtime language)',
  constructInfo:
    'tree.json: constructInfo (the TypeScript app loads the library from source, so its constructs carry no jsii type name)',
  assetHashes:
    'JSON files: 64-hex asset hashes (the template\'s own hash changes with CDKMetadata)',
  metadataTraces:
    'manifest.json: the stack trace of each warning (file paths and frames of the runtime: source, or the jsii kernel)',
} as const;
type Normalisation = keyof typeof NORMALISATIONS;

const MAX_REPORTED = 20;
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function listFiles(root: string, dir = ''): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(root, rel) : [rel];
  }).sort();
}

/** Applies the normalisations to one parsed JSON file, counting what each one changed. */
function normaliseJson(file: string, value: Json, counts: Record<Normalisation, number>): Json {
  const base = path.basename(file);
  if (base.endsWith('.template.json') && value && typeof value === 'object' && !Array.isArray(value)) {
    const resources = value.Resources as Record<string, Json> | undefined;
    const conditions = value.Conditions as Record<string, Json> | undefined;
    if (resources && 'CDKMetadata' in resources) {
      delete resources.CDKMetadata;
      counts.cdkMetadata++;
    }
    if (conditions && 'CDKMetadataAvailable' in conditions) {
      delete conditions.CDKMetadataAvailable;
      if (Object.keys(conditions).length === 0) {
        delete value.Conditions;
      }
    }
  }
  const walk = (node: Json): Json => {
    if (typeof node === 'string') {
      return node.replace(ASSET_HASH, () => {
        counts.assetHashes++;
        return '<asset-hash>';
      });
    }
    if (Array.isArray(node)) {
      return node.map(walk);
    }
    if (node && typeof node === 'object') {
      const out: { [key: string]: Json } = {};
      for (const key of Object.keys(node).sort()) {
        if (base === 'tree.json' && key === 'constructInfo') {
          counts.constructInfo++;
          continue;
        }
        if (base === 'manifest.json' && key === 'trace' && Array.isArray(node[key])) {
          counts.metadataTraces++;
          continue;
        }
        out[key] = walk(node[key]);
      }
      return out;
    }
    return node;
  };
  return walk(value);
}

/** Lists where two JSON values differ, as `path: a !== b`. */
function jsonDiffs(a: Json, b: Json, at: string, out: string[]): void {
  if (out.length >= MAX_REPORTED) {
    return;
  }
  const isObj = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(`${at}: array of ${a.length} vs ${b.length} items`);
    }
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      jsonDiffs(a[i], b[i], `${at}[${i}]`, out);
    }
    return;
  }
  if (isObj(a) && isObj(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) {
        out.push(`${at}.${key}: missing vs ${JSON.stringify(b[key]).slice(0, 200)}`);
      } else if (!(key in b)) {
        out.push(`${at}.${key}: ${JSON.stringify(a[key]).slice(0, 200)} vs missing`);
      } else {
        jsonDiffs(a[key], b[key], `${at}.${key}`, out);
      }
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${at}: ${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)}`);
  }
}

function textDiff(a: string, b: string): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      return [`line ${i + 1}: ${JSON.stringify(la[i] ?? '<end of file>')} vs ${JSON.stringify(lb[i] ?? '<end of file>')}`];
    }
  }
  return [];
}

interface Assembly {
  readonly label: string;
  readonly dir: string;
  readonly files: string[];
  readonly counts: Record<Normalisation, number>;
  readonly loaded: Map<string, Json | string>;
}

/** Reads and normalises a file once (the reference is compared with every other assembly). */
function load(assembly: Assembly, file: string): Json | string {
  if (!assembly.loaded.has(file)) {
    const text = fs.readFileSync(path.join(assembly.dir, file), 'utf8');
    assembly.loaded.set(file, file.endsWith('.json') ? normaliseJson(file, JSON.parse(text) as Json, assembly.counts) : text);
  }
  return assembly.loaded.get(file)!;
}

function openAssembly(label: string, dir: string): Assembly {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`${label}: ${dir} is not a cloud assembly (no manifest.json): did its app synthesize?`);
  }
  return { label, dir, files: listFiles(dir), counts: { cdkMetadata: 0, constructInfo: 0, assetHashes: 0, metadataTraces: 0 }, loaded: new Map() };
}

/** Every difference between the reference and the others, and every required file the reference lacks. */
function differences(reference: Assembly, others: Assembly[], required: string[]): string[] {
  const problems: string[] = [];
  for (const suffix of required) {
    if (!reference.files.some((f) => f.endsWith(suffix))) {
      problems.push(`${reference.label}: no file ending with '${suffix}' in ${reference.dir}, but it is required`);
    }
  }
  for (const other of others) {
    const missing = reference.files.filter((f) => !other.files.includes(f));
    const extra = other.files.filter((f) => !reference.files.includes(f));
    missing.forEach((f) => problems.push(`${other.label}: ${f} is missing (${reference.label} has it)`));
    extra.forEach((f) => problems.push(`${other.label}: ${f} is extra (${reference.label} does not have it)`));
    for (const file of reference.files.filter((f) => other.files.includes(f))) {
      const a = load(reference, file);
      const b = load(other, file);
      const diffs: string[] = [];
      if (typeof a === 'string' || typeof b === 'string') {
        diffs.push(...textDiff(String(a), String(b)));
      } else {
        jsonDiffs(a, b, '$', diffs);
      }
      diffs.forEach((d) => problems.push(`${other.label} vs ${reference.label}: ${file}: ${d}`));
    }
  }
  return problems;
}

/**
 * Shows that the comparison can fail on these very assemblies: a copy of the reference with one policy value
 * changed in each template and a line added to each text file (config fragments, report) must be reported
 * for each of those files, while a CDKMetadata resource added to it must not be.
 */
function selfCheck(reference: Assembly): string[] {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-templates-'));
  try {
    fs.cpSync(reference.dir, copy, { recursive: true });
    const mutated: string[] = [];
    for (const file of reference.files) {
      const full = path.join(copy, file);
      if (file.endsWith('.template.json')) {
        const template = JSON.parse(fs.readFileSync(full, 'utf8'));
        const firstString = (node: any): boolean => {
          for (const key of Object.keys(node)) {
            if (typeof node[key] === 'string') {
              node[key] += '-mutated';
              return true;
            }
            if (node[key] && typeof node[key] === 'object' && firstString(node[key])) {
              return true;
            }
          }
          return false;
        };
        if (firstString(template.Resources ?? {})) {
          mutated.push(file);
        }
        template.Resources = { ...template.Resources, CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:self-check' } } };
        fs.writeFileSync(full, JSON.stringify(template, null, 1));
      } else if (!file.endsWith('.json') && path.basename(file) !== 'cdk.out') {
        fs.appendFileSync(full, '\nmutated by the self-check\n');
        mutated.push(file);
      }
    }
    const problems = differences(openAssembly('reference', reference.dir), [openAssembly('mutated', copy)], []);
    const failures = mutated
      .filter((file) => !problems.some((p) => p.includes(`: ${file}: `)))
      .map((file) => `self-check: a change to ${file} was not reported`);
    if (mutated.length === 0) {
      failures.push('self-check: the reference has nothing to mutate (no template resources, no text files)');
    }
    problems.filter((p) => p.includes('CDKMetadata'))
      .forEach((p) => failures.push(`self-check: an added CDKMetadata resource was reported: ${p}`));
    if (failures.length === 0) {
      console.log(`  self-check: a change to each of ${mutated.join(', ')} is reported; an added CDKMetadata resource is not`);
    }
    return failures;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

function main(args: string[]): number {
  const required: string[] = [];
  const dirs: string[] = [];
  let runSelfCheck = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--require') {
      required.push(args[++i]);
    } else if (args[i] === '--self-check') {
      runSelfCheck = true;
    } else {
      dirs.push(args[i]);
    }
  }
  if (dirs.length < 2 || required.some((r) => !r)) {
    console.error('usage: compare-templates.ts [--self-check] [--require SUFFIX ...] LABEL=DIR LABEL=DIR [LABEL=DIR ...] (the first is the reference)');
    return 2;
  }
  const assemblies: Assembly[] = dirs.map((arg) => {
    const eq = arg.indexOf('=');
    return eq < 0 ? openAssembly(arg, arg) : openAssembly(arg.slice(0, eq), arg.slice(eq + 1));
  });
  const [reference, ...others] = assemblies;
  if (!reference.files.some((f) => f.endsWith('.template.json'))) {
    console.error(`${reference.label}: no *.template.json in ${reference.dir}: nothing to compare.`);
    return 1;
  }

  const problems = differences(reference, others, required);
  for (const a of assemblies) {
    const applied = (Object.keys(NORMALISATIONS) as Normalisation[])
      .map((n) => `${n} ${a.counts[n]}`).join(', ');
    console.log(`  ${a.label.padEnd(10)} ${a.dir}: ${a.files.length} files; normalised: ${applied}`);
  }
  console.log('  normalised only:');
  Object.values(NORMALISATIONS).forEach((why) => console.log(`    - ${why}`));
  if (runSelfCheck) {
    problems.push(...selfCheck(reference));
  }

  if (problems.length > 0) {
    problems.slice(0, MAX_REPORTED).forEach((p) => console.error(`  DIFF ${p}`));
    if (problems.length > MAX_REPORTED) {
      console.error(`  ... and ${problems.length - MAX_REPORTED} more`);
    }
    console.error(`compare-templates: FAILED: ${problems.length} difference(s) between ${assemblies.map((x) => x.label).join(', ')}`);
    return 1;
  }
  console.log(
    `compare-templates: OK: ${assemblies.map((x) => x.label).join(', ')} synthesized identical assemblies ` +
    `(${reference.files.length} files: ${reference.files.join(', ')})`,
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`compare-templates: FAILED: ${(e as Error).message}`);
  process.exitCode = 1;
}
