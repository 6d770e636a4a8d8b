import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BLAST_RADIUS_REASONS } from '../test/proof/blast-radius-reasons';
import { applyReasons, pasteReady, renderBlastRadius, renderProofSection, runCensus, withProofSection } from '../test/support/census-report';

/*
 * `npx projen census:update`: runs the blast-radius census (test/support/census.ts) and rewrites
 * docs/blast-radius.md and the census section of docs/proof.md. test/proof/census.test.ts fails when
 * the committed files differ from what this writes. Entries without a reason are printed in a form
 * to paste into test/proof/blast-radius-reasons.ts (the files are written anyway, showing them as
 * "none", so that the change can be reviewed).
 */
const root = path.join(__dirname, '..');
// Synthesis writes cloud assemblies to the temporary directory: keep them in one that is removed at the end.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'census-'));
process.env.TMPDIR = tmp;
let entries;
try {
  entries = runCensus();
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const census = applyReasons(entries, BLAST_RADIUS_REASONS);
fs.writeFileSync(path.join(root, 'docs', 'blast-radius.md'), renderBlastRadius(census));
const proofFile = path.join(root, 'docs', 'proof.md');
fs.writeFileSync(proofFile, withProofSection(fs.readFileSync(proofFile, 'utf-8'), renderProofSection(census)));
console.log(`census: ${census.entries.length} entries; docs/blast-radius.md and docs/proof.md written`);
if (census.missing.length > 0) {
  console.log(`\n${census.missing.length} entries have no reason; add to test/proof/blast-radius-reasons.ts:\n`);
  console.log(pasteReady(census.missing));
}
if (census.stale.length > 0) {
  console.log(`\nReasons that match nothing (remove them): ${census.stale.map((r) => r.id).join(', ')}`);
}
if (census.missing.length > 0 || census.stale.length > 0) {
  process.exitCode = 1;
}
