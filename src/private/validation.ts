import { Token } from './cdk';
import { validateNotReservedPath } from './input-validation';
import { CLUSTER_NAME_MAX_LENGTH, CLUSTER_NAME_PATTERN_REGEX, CLUSTER_NAME_REGEX } from './pcluster-rules';


// IAM accepts `/` or `/` + printable ASCII + `/`, at most 512 characters. Wildcards are refused here as
// well: the path is turned into ARN patterns such as `role/<path>*`, where `*` and `?` would widen them.
const IAM_PATH = /^\/([\u0021-\u007E]*\/)?$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** The shortest literal part before the first `*` of a `clusterNames` pattern (a team prefix such as `ab-`). */
export const MIN_CLUSTER_PREFIX_LENGTH = 3;

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
  // A policy variable (`/${aws:RequestTag/p}/`) in an ARN pattern is replaced by a value of the
  // request, which the caller chooses: the pattern could then match any path (issue 18, finding 12).
  if (/[${}]/.test(path)) {
    throw new Error(
      `${what} '${path}' contains '$', '{' or '}': IAM reads \${...} in a policy as a policy variable, which the caller's ` +
      "request fills in, so the path-scoped permissions could reach any path. Use a literal path such as '/parallelcluster/'.",
    );
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


/**
 * Checks a cluster name against ParallelCluster's rule: letters, digits and hyphens, starting with a
 * letter, at most 60 characters. `what` names the prop in the message.
 */
export function validateClusterName(what: string, name: string): void {
  if (Token.isUnresolved(name)) {
    throw new Error(`${what} must be a literal string, got a token (${name}): the library builds ARN patterns from it at synth time.`);
  }
  if (!CLUSTER_NAME_REGEX.test(name) || name.length > CLUSTER_NAME_MAX_LENGTH) {
    throw new Error(
      `${what} '${name}' is not a valid ParallelCluster cluster name: use letters, digits and hyphens, starting with a letter, ` +
      `at most ${CLUSTER_NAME_MAX_LENGTH} characters (for example 'team-a-prod').`,
    );
  }
}

/**
 * Checks cluster names or patterns (a name that may hold `*`, for example `team-a-*`): each must be a
 * cluster name with `*` allowed after its first letter, at most 60 characters; the list may not be empty.
 */
export function validateClusterNamePatterns(what: string, patterns: string[]): void {
  if (patterns.length === 0) {
    throw new Error(`${what} is empty: it would allow no cluster at all. Give at least one name or pattern, for example ['team-a-*'], or leave it unset.`);
  }
  for (const pattern of patterns) {
    if (Token.isUnresolved(pattern)) {
      throw new Error(`${what} must hold literal strings, got a token (${pattern}): the library builds ARN patterns from them at synth time.`);
    }
    if (!CLUSTER_NAME_PATTERN_REGEX.test(pattern) || pattern.length > CLUSTER_NAME_MAX_LENGTH) {
      throw new Error(
        `${what} has '${pattern}', which is neither a ParallelCluster cluster name nor a pattern of one: use letters, digits, ` +
        `hyphens and '*', starting with a letter, at most ${CLUSTER_NAME_MAX_LENGTH} characters (for example 'team-a-*').`,
      );
    }
    // A pattern covers every cluster whose name starts with its literal part: 't*' covers every team
    // whose name starts with t, 'team*' both 'team-a-...' and 'teamb-...'. The literal part must be a
    // real prefix: at least 3 characters, ending with '-' (issue 18, finding 12).
    const star = pattern.indexOf('*');
    if (star >= 0) {
      const prefix = pattern.substring(0, star);
      if (prefix.length < MIN_CLUSTER_PREFIX_LENGTH || !prefix.endsWith('-')) {
        throw new Error(
          `${what} has '${pattern}', whose literal part before '*' ('${prefix}') is not a team prefix: it covers every ` +
          `cluster whose name starts with '${prefix}', other teams' included. Start a pattern with at least ` +
          `${MIN_CLUSTER_PREFIX_LENGTH} characters ending with '-' (for example 'team-a-*'), or give full cluster names.`,
        );
      }
    }
  }
}

/** Checks a Route 53 hosted zone ID (`Z` followed by upper-case letters and digits). */
export function validateHostedZoneId(what: string, id: string): void {
  if (Token.isUnresolved(id)) {
    return;
  }
  if (!/^Z[A-Z0-9]{1,31}$/.test(id)) {
    throw new Error(`${what} '${id}' is not a Route 53 hosted zone ID: give the ID alone, for example 'Z0123456789ABCDEFGHIJ' (not 'hostedzone/...').`);
  }
}
