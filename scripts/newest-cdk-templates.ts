import * as fs from 'fs';
import * as path from 'path';

/*
 * The templates of the simulation proofs' catalogue (test/support/catalogue.ts), for the newest-aws-cdk-lib
 * run (scripts/test-newest-cdk.sh), which runs this script once with the floor and once with the newest
 * aws-cdk-lib and compares the two directories.
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json scripts/newest-cdk-templates.ts write DIR
 *       synthesizes every catalogue variant in this one process and writes DIR/<id>.json: the template
 *       (normalized, see `normalizeTemplate`) or, for a variant the library refuses, the refusal's message;
 *   ... write DIR I/N
 *       only every N-th variant from the I-th (N processes share the work);
 *   ... write DIR I/N --only-missing
 *       only the variants DIR has no file for, after removing the files that are no variant's: for a DIR that
 *       already holds the templates the unit tests recorded as they synthesized them (CATALOGUE_RECORD_DIR,
 *       test/support/catalogue-record.ts), so that CI does not synthesize the catalogue with the floor twice;
 *   ... compare FLOOR_DIR NEWEST_DIR
 *       exits 1, printing the first differences, unless both hold the same variants with the same content.
 */

/**
 * What a template is compared by: all of it but the bootstrap version parameter and rule of the default
 * synthesizer (aws-cdk-lib releases word their description differently; no simulator or quota check reads
 * them, they read the Resources and what those refer to). Nothing else is normalized.
 */
export function normalizeTemplate(template: any): any {
  const result = { ...template };
  for (const [section, name] of [['Parameters', 'BootstrapVersion'], ['Rules', 'CheckBootstrapVersion']]) {
    if (result[section]?.[name] !== undefined) {
      const { [name]: _dropped, ...rest } = result[section];
      result[section] = rest;
      if (Object.keys(rest).length === 0) {
        delete result[section];
      }
    }
  }
  return result;
}

/** The file of a variant: its id with `/` as `__` and anything odd as `_`. */
export function variantFile(id: string): string {
  return `${id.replace(/\//g, '__').replace(/[^\w.@=-]/g, '_')}.json`;
}

/** What a variant's file holds: its id and its template (normalized), or `{ refused: message }` as given. */
export function variantFileText(id: string, content: object): string {
  return `${JSON.stringify({ id, ...('refused' in content ? content : normalizeTemplate(content)) }, undefined, 1)}\n`;
}

/**
 * The catalogue, synthesized into `dir` (with `shard` i/n, only every n-th variant from the i-th: processes
 * writing the shards of one version into one directory share the work); returns the number of variants
 * written and the seconds each kind (`census`, `quota`, ...) took.
 */
export function writeCatalogue(
  dir: string, shard: { index: number; count: number } = { index: 0, count: 1 }, onlyMissing: boolean = false,
): { count: number; kept: number; seconds: Record<string, number> } {
  // Loaded here, not at the top: `compare` needs no aws-cdk-lib.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { catalogueVariants, variantContent } = require('../test/support/catalogue') as typeof import('../test/support/catalogue');
  fs.mkdirSync(dir, { recursive: true });
  const all = catalogueVariants();
  const variants = all.filter((_v, i) => i % shard.count === shard.index);
  let kept = 0;
  if (onlyMissing) {
    // A recorded file that is no variant's (a stack a test marked with an id outside the catalogue) goes.
    const expected = new Set(all.map((v) => variantFile(v.id)));
    for (const f of fs.readdirSync(dir)) {
      if (!expected.has(f)) fs.rmSync(path.join(dir, f), { force: true });
    }
  }
  const files = new Set<string>();
  const seconds: Record<string, number> = {};
  for (const variant of variants) {
    if (onlyMissing && fs.existsSync(path.join(dir, variantFile(variant.id)))) {
      files.add(variantFile(variant.id));
      kept++;
      continue;
    }
    const start = process.hrtime.bigint();
    // The template, or a refusal (the quota budgets' configurations that cannot fit): its message is what the
    // proof checks.
    const content = variantContent(variant);
    const file = variantFile(variant.id);
    if (files.has(file)) {
      throw new Error(`Two catalogue variants write ${file}`);
    }
    files.add(file);
    fs.writeFileSync(path.join(dir, file), variantFileText(variant.id, content));
    const kind = variant.id.split('/')[0];
    seconds[kind] = (seconds[kind] ?? 0) + Number(process.hrtime.bigint() - start) / 1e9;
  }
  return { count: variants.length - kept, kept, seconds };
}

export interface Comparison {
  readonly compared: number;
  /** Human-readable differences, at most `limit` (empty: the directories agree). */
  readonly differences: string[];
}

/** Compares two directories `writeCatalogue` wrote; reports up to `limit` differences, each with its first differing lines. */
export function compareCatalogues(floorDir: string, newestDir: string, limit: number = 5): Comparison {
  const list = (dir: string) => new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.json')));
  const floor = list(floorDir);
  const newest = list(newestDir);
  const differences: string[] = [];
  for (const f of floor) {
    if (!newest.has(f)) differences.push(`${f}: written with the floor only`);
  }
  for (const f of newest) {
    if (!floor.has(f)) differences.push(`${f}: written with the newest only`);
  }
  let compared = 0;
  for (const f of [...floor].sort()) {
    if (!newest.has(f)) continue;
    compared++;
    const a = fs.readFileSync(path.join(floorDir, f), 'utf-8');
    const b = fs.readFileSync(path.join(newestDir, f), 'utf-8');
    if (a === b) continue;
    const al = a.split('\n');
    const bl = b.split('\n');
    const line = al.findIndex((l, i) => l !== bl[i]);
    const context = (lines: string[]) => lines.slice(Math.max(0, line - 3), line + 3).map((l) => `    ${l}`).join('\n');
    differences.push(`${f} differs from line ${line + 1}:\n  floor:\n${context(al)}\n  newest:\n${context(bl)}`);
  }
  return { compared, differences: differences.slice(0, limit).concat(differences.length > limit ? [`... and ${differences.length - limit} more`] : []) };
}

if (require.main === module) {
  const [command, ...rest] = process.argv.slice(2);
  const onlyMissing = rest.includes('--only-missing');
  const args = rest.filter((a) => a !== '--only-missing');
  const shard = /^(\d+)\/(\d+)$/.exec(args[1] ?? '0/1');
  if (command === 'write' && (args.length === 1 || args.length === 2) && shard && Number(shard[1]) < Number(shard[2])) {
    const start = Date.now();
    const { count, kept, seconds } = writeCatalogue(args[0], { index: Number(shard[1]), count: Number(shard[2]) }, onlyMissing);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const version = require('aws-cdk-lib/package.json').version;
    console.log(`newest-cdk-templates: ${count} catalogue variants${shard[2] === '1' ? '' : ` (shard ${shard[1]}/${shard[2]})`} synthesized with aws-cdk-lib ${version} in ${Math.round((Date.now() - start) / 1000)} s (${Object.entries(seconds).map(([k, v]) => `${k} ${Math.round(v)} s`).join(', ')})`
      + (onlyMissing ? `; ${kept} more as the unit tests recorded them` : ''));
  } else if (command === 'compare' && args.length === 2) {
    const { compared, differences } = compareCatalogues(args[0], args[1]);
    if (differences.length > 0) {
      console.error(`newest-cdk-templates: the simulation proofs' templates differ between the floor and the newest aws-cdk-lib, so the
proofs that only ran with the floor (attack matrix, calls matrix, recorded calls, seed simulation, census, quota
budgets) are not proven for the newest. Find out why (an aws-cdk-lib change in how it renders policies?), then
run those proofs against the newest (bash scripts/test-newest-cdk.sh test/proof/<file>) or normalize the
difference in normalizeTemplate (scripts/newest-cdk-templates.ts) if the simulators cannot see it:\n`);
      console.error(differences.join('\n\n'));
      process.exit(1);
    }
    console.log(`newest-cdk-templates: the ${compared} catalogue variants (test/support/catalogue.ts) synthesize the same templates and refusals with both versions`);
  } else {
    console.error('Usage: newest-cdk-templates.ts write DIR [SHARD/COUNT] [--only-missing] | compare FLOOR_DIR NEWEST_DIR');
    process.exit(2);
  }
}
