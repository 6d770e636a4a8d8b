import type * as Kms from 'aws-cdk-lib/aws-kms';
import type * as S3 from 'aws-cdk-lib/aws-s3';
import type * as SecretsManager from 'aws-cdk-lib/aws-secretsmanager';
import type * as Yaml from 'yaml';
import type * as Provider from '../cluster/provider';
import type * as Serialize from '../cluster/serialize';
import type * as Derive from '../config/derive';
import type * as ConfigModel from '../config/model';
import type * as ConfigSource from '../config/source';

/*
 * Modules loaded on first use, not when the library is loaded: `require('cdk-parallelcluster-iam')`
 * loads aws-cdk-lib core and aws-iam only. aws-s3 and aws-secretsmanager pull in aws-ec2, aws-lambda,
 * aws-kms, aws-events, aws-logs, ... (about 200 modules, a few hundred milliseconds), and `yaml` is only
 * needed to read configuration files. A user who passes no configuration file, bucket name or secret
 * ARN never pays for them. Everything else imports these packages with `import type` only.
 * (test/private/lazy-modules.test.ts checks what loading the library loads.)
 */

/** A module loader that calls `load` on first use only. */
function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}

/* eslint-disable @typescript-eslint/no-require-imports */

/** `aws-cdk-lib/aws-kms`, loaded on first use (KMS keys named in a configuration file). */
export const kmsLib = onFirstUse(() => require('aws-cdk-lib/aws-kms') as typeof Kms);

/** `aws-cdk-lib/aws-s3`, loaded on first use. */
export const s3Lib = onFirstUse(() => require('aws-cdk-lib/aws-s3') as typeof S3);

/** `aws-cdk-lib/aws-secretsmanager`, loaded on first use. */
export const secretsManagerLib = onFirstUse(() => require('aws-cdk-lib/aws-secretsmanager') as typeof SecretsManager);

/** The bundled `yaml` package, loaded on first use (configuration files only). */
export const yamlLib = onFirstUse(() => require('yaml') as typeof Yaml);

/*
 * The library's own modules that only some uses need, loaded on first use too: compiling them is part
 * of what `require('cdk-parallelcluster-iam')` costs every app (about 2 to 4 ms of CPU each, and their
 * source stays in the heap). An app that reads no configuration file never needs the reader or the
 * configuration derivation; only the `ParallelCluster` construct needs its provider.
 */

/** src/config/model: reading a configuration file (`ClusterConfiguration`, `ImageConfiguration`). */
export const configModelLib = onFirstUse(() => require('../config/model') as typeof ConfigModel);

/** src/config/source: reading a configuration file. */
export const configSourceLib = onFirstUse(() => require('../config/source') as typeof ConfigSource);

/** src/config/derive (with src/config/completed): a `ParallelClusterIam` given a configuration file. */
export const deriveLib = onFirstUse(() => require('../config/derive') as typeof Derive);

/** src/cluster/provider (with src/cluster/provider-role): the `ParallelCluster` construct. */
export const providerLib = onFirstUse(() => require('../cluster/provider') as typeof Provider);

/** src/cluster/serialize: the `ParallelCluster` construct. */
export const serializeLib = onFirstUse(() => require('../cluster/serialize') as typeof Serialize);

/* eslint-enable @typescript-eslint/no-require-imports */
