/*
 * Writes every configuration scripts/schema-check.sh loads with ParallelCluster's own schema, in one
 * process: each ts-node process spends about 5 s of CPU loading aws-cdk-lib and the library, so the
 * three writers run here rather than as three commands.
 *
 *   ts-node --project tsconfig.dev.json scripts/schema-check-inputs.ts OUTDIR
 *
 * OUTDIR (emptied first) gets:
 *   OUTDIR/<pcluster release>/...   the completed fragments and the self-test (scripts/schema-fragments.ts)
 *   OUTDIR/completed/...            the completed example configurations (scripts/completed-configs.ts)
 *   OUTDIR/cluster-resource/...     the configuration the provider receives (scripts/cluster-resource-config.ts)
 */
import * as path from 'path';
import { writeClusterResourceConfigs } from './cluster-resource-config';
import { writeCompletedConfigs } from './completed-configs';
import { writeSchemaFragments } from './schema-fragments';

const outdir = process.argv[2] ?? 'schema.out';
writeSchemaFragments(outdir);
writeCompletedConfigs(path.join(outdir, 'completed'));
writeClusterResourceConfigs(path.join(outdir, 'cluster-resource'));
console.log(`schema-check-inputs: wrote the configurations to ${outdir}`);
