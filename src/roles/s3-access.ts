import type * as s3 from 'aws-cdk-lib/aws-s3';
import { allow } from '../policies/context';
import { iam, Token } from '../private/cdk';

/**
 * Access of a cluster node to an S3 bucket: what ParallelCluster's `Iam/S3Access` setting grants to
 * the roles it creates. ParallelCluster refuses `S3Access` together with a custom `InstanceRole` or
 * `InstanceProfile`, so this is how a pre-created node role gets it.
 */
export interface S3Access {
  /** The bucket. */
  readonly bucket: s3.IBucket;

  /**
   * The objects to give access to, as an S3 key pattern (`*` and `?` are wildcards), for example
   * `results/*`. Without a leading `/`: S3 object keys have none.
   *
   * With a pattern the grant is on the matching objects only (as ParallelCluster's `KeyName`), so
   * bucket-level reads such as `s3:ListBucket` do not apply.
   *
   * @default - the whole bucket: the bucket itself and every object in it
   */
  readonly keyPattern?: string;

  /**
   * Also allow writing and deleting objects: `s3:PutObject`, `s3:PutObjectTagging`,
   * `s3:AbortMultipartUpload` and `s3:DeleteObject`. ParallelCluster grants `s3:*` instead, which
   * also allows changing or deleting the bucket, its policy and its ACLs; this grant stays at the
   * object level.
   *
   * @default false - read only: `s3:Get*` and `s3:List*`
   */
  readonly enableWriteAccess?: boolean;
}

/** The read actions of ParallelCluster's `S3Access` (its `S3Read` statement). */
const S3_READ_ACTIONS = ['s3:Get*', 's3:List*'];

/**
 * The object-level writes a cluster job needs to store results: single and multipart uploads (the
 * upload may carry tags) and deletes.
 *
 * DIFF: ParallelCluster's `S3ReadWrite` grants `s3:*`. Left out of it here: bucket configuration
 * (policy, ACL, lifecycle, encryption, deletion), object ACLs, Object Lock retention, and
 * `s3:DeleteObjectVersion`, which erases a version of a versioned bucket for good.
 */
const S3_WRITE_ACTIONS = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:DeleteObject'];

/**
 * Statements for `s3Access`, one per entry (Sids `S3Access1`, `S3Access2`, ...). Throws for a key
 * pattern that cannot match any object.
 *
 * @param what the prop name, for error messages
 */
export function s3AccessStatements(what: string, accesses: S3Access[]): iam.PolicyStatement[] {
  return accesses.map((access, index) => {
    const pattern = access.keyPattern;
    if (pattern !== undefined && !Token.isUnresolved(pattern)) {
      if (pattern.startsWith('/')) {
        throw new Error(
          `${what}[${index}].keyPattern '${pattern}' starts with '/', but S3 object keys have no leading slash, so it ` +
          `would match nothing. Write it without the slash ('${pattern.replace(/^\/+/, '')}').`,
        );
      }
      if (pattern === '') {
        throw new Error(
          `${what}[${index}].keyPattern is empty, which matches no object. Leave keyPattern out to give access to the ` +
          "whole bucket, or give a pattern such as 'results/*'.",
        );
      }
    }
    const actions = access.enableWriteAccess ? [...S3_READ_ACTIONS, ...S3_WRITE_ACTIONS] : S3_READ_ACTIONS;
    const resources = pattern === undefined
      ? [access.bucket.bucketArn, access.bucket.arnForObjects('*')]
      : [access.bucket.arnForObjects(pattern)];
    return allow(`S3Access${index + 1}`, actions, resources);
  });
}
