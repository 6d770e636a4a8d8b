import * as fs from 'fs';
import * as path from 'path';
import { variantFileText, variantFile } from '../../scripts/newest-cdk-templates';

/*
 * The unit tests' record of the catalogue (test/support/catalogue.ts). The simulation proofs synthesize most
 * catalogue variants with the floor aws-cdk-lib anyway; when CATALOGUE_RECORD_DIR is set (CI sets it for the
 * whole run, .projenrc.ts), they write each variant's template as they synthesize it, in the format of
 * scripts/newest-cdk-templates.ts, into CATALOGUE_RECORD_DIR/<aws-cdk-lib version>/. The newest-aws-cdk-lib run
 * then synthesizes with the floor only the variants no test recorded (`write DIR --only-missing`) instead of all
 * of them a second time. A recorded template is the one the proofs simulated, so the comparison holds for what
 * they checked; a test that changed a variant's stack before synthesizing it would make the comparison fail,
 * never pass wrongly.
 */

/** The environment variable naming the record's directory (relative to the working directory, or absolute). */
export const CATALOGUE_RECORD_ENV = 'CATALOGUE_RECORD_DIR';

/** Writes `content` (a synthesized template, or `{ refused: message }`) as variant `id`'s file, when recording. */
export function recordCatalogueVariant(id: string, content: object): void {
  const root = process.env[CATALOGUE_RECORD_ENV];
  if (!root) {
    return;
  }
  // The version this process loads (the newest-aws-cdk-lib run maps aws-cdk-lib to another one): one directory
  // per version, so that a run against another version never writes into the floor's record.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dir = path.resolve(root, require('aws-cdk-lib/package.json').version as string);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, variantFile(id));
  // Jest's workers may record the same variant at once: each writes its own file, then renames it into place.
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, variantFileText(id, content));
  fs.renameSync(temporary, file);
}
