import type * as Kms from 'aws-cdk-lib/aws-kms';
import type * as S3 from 'aws-cdk-lib/aws-s3';
import type * as SecretsManager from 'aws-cdk-lib/aws-secretsmanager';
import type * as Yaml from 'yaml';
import type * as Provider from '../cluster/provider';
import type * as Serialize from '../cluster/serialize';
import type * as Derive from '../config/derive';

/*
 * Modules loaded on first use, not when the library is loaded: `require('cdk-parallelcluster-iam')`
 * loads aws-cdk-lib core and aws-iam only. aws-s3 and aws-secretsmanager pull in aws-ec2, aws-lambda,
 * aws-kms, aws-events, aws-logs, ... (about 200 modules, a few hundred milliseconds), and `yaml` is only
 * needed to read configuration files. A user who passes no configuration file, bucket name or secret
 * ARN never pays for them. Everything else imports these packages with `import type` only.
 * (test/private/lazy-modules.test.ts checks what loading the library loads.)
 */

let kmsModule: typeof Kms | undefined;
let s3Module: typeof S3 | undefined;
let secretsManagerModule: typeof SecretsManager | undefined;
let yamlModule: typeof Yaml | undefined;
let deriveModule: typeof Derive | undefined;
let providerModule: typeof Provider | undefined;
let serializeModule: typeof Serialize | undefined;

/** `aws-cdk-lib/aws-kms`, loaded on first use (KMS keys named in a configuration file). */
export function kmsLib(): typeof Kms {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (kmsModule ??= require('aws-cdk-lib/aws-kms') as typeof Kms);
}

/** `aws-cdk-lib/aws-s3`, loaded on first use. */
export function s3Lib(): typeof S3 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (s3Module ??= require('aws-cdk-lib/aws-s3') as typeof S3);
}

/** `aws-cdk-lib/aws-secretsmanager`, loaded on first use. */
export function secretsManagerLib(): typeof SecretsManager {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (secretsManagerModule ??= require('aws-cdk-lib/aws-secretsmanager') as typeof SecretsManager);
}

/** The bundled `yaml` package, loaded on first use (configuration files only). */
export function yamlLib(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (yamlModule ??= require('yaml') as typeof Yaml);
}

/*
 * The library's own modules that only some uses need, loaded on first use too: compiling them is part
 * of what `require('cdk-parallelcluster-iam')` costs every app (about 2 to 4 ms of CPU each, and their
 * source stays in the heap). A `ParallelClusterIam` without a configuration file never needs the
 * configuration derivation; only the `ParallelCluster` construct needs its provider.
 */

/** src/config/derive (with src/config/completed): a `ParallelClusterIam` given a configuration file. */
export function deriveLib(): typeof Derive {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (deriveModule ??= require('../config/derive') as typeof Derive);
}

/** src/cluster/provider (with src/cluster/provider-role): the `ParallelCluster` construct. */
export function providerLib(): typeof Provider {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (providerModule ??= require('../cluster/provider') as typeof Provider);
}

/** src/cluster/serialize: the `ParallelCluster` construct. */
export function serializeLib(): typeof Serialize {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (serializeModule ??= require('../cluster/serialize') as typeof Serialize);
}
