import { Token } from 'aws-cdk-lib';
import { validateNotReservedPath } from './input-validation';

/** The IAM path ParallelCluster puts its own roles, instance profiles and policies on. */
export const DEFAULT_IAM_PATH = '/parallelcluster/';

// IAM accepts `/` or `/` + printable ASCII + `/`, at most 512 characters. Wildcards are refused here as
// well: the path is turned into ARN patterns such as `role/<path>*`, where `*` and `?` would widen them.
const IAM_PATH = /^\/([\u0021-\u007E]*\/)?$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * Checks a path that roles and instance profiles are created on. `what` names the prop in messages.
 *
 * @param allowRoot whether `/` is acceptable (it is for a single role, not for a path that ARN
 * patterns are built from, since `role/*` would cover every role in the account).
 */
export function validateIamPath(what: string, path: string, allowRoot: boolean): void {
  if (Token.isUnresolved(path)) {
    throw new Error(`${what} must be a literal string, got a token (${path}): the library builds ARN patterns from it at synth time.`);
  }
  if (!IAM_PATH.test(path) || path.includes('//') || path.length > 512) {
    throw new Error(
      `${what} '${path}' is not a valid IAM path: it must start and end with '/', contain only printable ASCII ` +
      "characters between them (no spaces, no empty segments) and be at most 512 characters, for example '/parallelcluster/'.",
    );
  }
  if (/[*?]/.test(path)) {
    throw new Error(`${what} '${path}' contains a wildcard ('*' or '?'); use a literal path such as '/parallelcluster/'.`);
  }
  // `allowRoot` is false for cluster paths (ARN patterns are built from them), true for a role's own path.
  validateNotReservedPath(what, path, !allowRoot);
  if (!allowRoot && path === '/') {
    throw new Error(
      `${what} '/' would make every role in the account a cluster role: permissions scoped to the path ` +
      "(PassRole, instance profiles, role management) would then cover all roles. Use a dedicated path such as '/parallelcluster/'.",
    );
  }
}

/** Checks an explicit role name against IAM's rules. */
export function validateRoleName(what: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (!ROLE_NAME.test(name)) {
    throw new Error(
      `${what} '${name}' is not a valid IAM role name: use 1 to 64 characters from letters, digits and '+=,.@_-'.`,
    );
  }
}
