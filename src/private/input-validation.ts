import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/*
 * Synth-time checks of every prop that becomes an ARN, a principal or a path in a policy (finding 3 of
 * issue 12: inputs that silently widen grants). A value is checked on its literal text: tokens are
 * resolved to their CloudFormation form and only the literal parts are read, so a `Ref` or a pseudo
 * parameter (unknowable at synth time) passes, while a `*` typed by the caller (or `fromRoleArn(...,
 * 'role/*')`) is refused. Every message names the value and says what to do instead.
 */

/**
 * AWS managed policies that give IAM administration, or everything: a role holding one is account
 * admin (or can make itself so), whatever the library's statements say.
 */
export const ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES = [
  'AdministratorAccess',
  'AdministratorAccess-Amplify',
  'AdministratorAccess-AWSElasticBeanstalk',
  'AWSOrganizationsFullAccess',
  'IAMFullAccess',
  'PowerUserAccess',
];

/** The literal text of a value: tokens resolved to CloudFormation, intrinsics replaced by `${TOKEN}`. */
function literalText(scope: IConstruct, value: string): string {
  if (!Token.isUnresolved(value)) {
    return value;
  }
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      parts.push(v);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 1 && entries[0][0] === 'Fn::Join' && Array.isArray(entries[0][1])) {
        const [, pieces] = entries[0][1] as [string, unknown[]];
        pieces.forEach(walk);
      } else {
        parts.push('${TOKEN}');
      }
    }
  };
  walk(Stack.of(scope).resolve(value));
  return parts.join('');
}

const hasWildcard = (text: string): boolean => /[*?]/.test(text);

/** Roles given by ARN (`customRoles`, `computeNodeRoles`): no wildcard in the ARN. */
export function validateRoleArns(scope: IConstruct, what: string, roles: iam.IRole[] | undefined): void {
  for (const role of roles ?? []) {
    const text = literalText(scope, role.roleArn);
    if (hasWildcard(text)) {
      throw new Error(
        `${what} holds the role ARN '${text}', which has a wildcard ('*' or '?'): it would match every role it covers ` +
        '(all roles of the account for role/*), and the user or head node could pass any of them. ' +
        'Give each role by its exact ARN, e.g. iam.Role.fromRoleArn(this, \'HeadRole\', \'arn:<partition>:iam::111122223333:role/custom/head-node\').',
      );
    }
  }
}

/** Secrets given by name or ARN: no wildcard (the policies append `-??????` themselves for names). */
export function validateSecrets(scope: IConstruct, what: string, secrets: Array<{ secretArn: string }> | undefined): void {
  for (const secret of secrets ?? []) {
    const text = literalText(scope, secret.secretArn);
    if (hasWildcard(text)) {
      throw new Error(
        `${what} holds the secret '${text}', which has a wildcard ('*' or '?'): it would grant every secret it matches ` +
        "(all of them for '*', every production secret for 'prod/*'). Name each secret exactly, e.g. " +
        "secretsmanager.Secret.fromSecretNameV2(this, 'AdPassword', 'prod/ad-password'), or pass the Secret construct.",
      );
    }
  }
}

/** Buckets given by name or ARN (`fsxDataRepositoryBuckets`): no wildcard. */
export function validateBuckets(scope: IConstruct, what: string, buckets: Array<{ bucketArn: string }> | undefined): void {
  for (const bucket of buckets ?? []) {
    const text = literalText(scope, bucket.bucketArn);
    if (hasWildcard(text)) {
      throw new Error(
        `${what} holds the bucket '${text}', which has a wildcard ('*' or '?'): it would grant every bucket it matches. ` +
        "Name each bucket exactly, e.g. s3.Bucket.fromBucketName(this, 'Data', 'my-fsx-data').",
      );
    }
  }
}

/** The AWS managed policy name of an ARN `arn:P:iam::aws:policy/<name>`, or undefined. */
function awsManagedPolicyName(text: string): string | undefined {
  const match = /:iam::aws:policy\/(.+)$/.exec(text);
  return match ? match[1].split('/').pop() : undefined;
}

/**
 * Managed policies attached to (or allow-listed for) roles: no wildcard, and none of the AWS managed
 * policies that make a role account admin.
 */
export function validateManagedPolicies(scope: IConstruct, what: string, policies: iam.IManagedPolicy[] | undefined): void {
  for (const policy of policies ?? []) {
    const text = literalText(scope, policy.managedPolicyArn);
    if (hasWildcard(text)) {
      throw new Error(
        `${what} holds the policy ARN '${text}', which has a wildcard ('*' or '?'): as an allow-list entry it would let ` +
        'the user attach any policy it matches (AdministratorAccess included for policy/*). Name each policy exactly, ' +
        "e.g. iam.ManagedPolicy.fromManagedPolicyName(this, 'Extra', 'parallelcluster-extra').",
      );
    }
    const name = awsManagedPolicyName(text);
    if (name !== undefined && ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES.includes(name)) {
      throw new Error(
        `${what} holds the AWS managed policy ${name} ('${text}'), which makes a cluster role account admin: anyone who ` +
        'can pass or reach that role (the ParallelCluster user, the head node, a compute node) gets it. Write a customer ' +
        'managed policy with only the actions the cluster needs, and pass that instead.',
      );
    }
  }
}

/**
 * A permissions boundary: not admin-equivalent (it would bound nothing), not a wildcard, and in the
 * stack's account (IAM refuses a boundary from another account; a literal other account is a mistake).
 */
export function validatePermissionsBoundary(scope: IConstruct, what: string, boundary: iam.IManagedPolicy | undefined): void {
  if (boundary === undefined) {
    return;
  }
  const text = literalText(scope, boundary.managedPolicyArn);
  if (hasWildcard(text)) {
    throw new Error(`${what} '${text}' has a wildcard ('*' or '?'): a permissions boundary is one exact policy. Pass the boundary policy itself.`);
  }
  const name = awsManagedPolicyName(text);
  if (name !== undefined && ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES.includes(name)) {
    throw new Error(
      `${what} is the AWS managed policy ${name} ('${text}'), which bounds nothing: every role carrying it could still do ` +
      'what its own policies allow, IAM included. Write a customer managed boundary policy that allows only what the ' +
      'cluster needs (and denies IAM changes outside the cluster path), and pass it.',
    );
  }
  const account = /^arn:[^:]*:iam::(\d{12}):/.exec(text)?.[1];
  const stackAccount = Stack.of(scope).account;
  if (account !== undefined && !Token.isUnresolved(stackAccount) && account !== stackAccount) {
    throw new Error(
      `${what} '${text}' is in account ${account}, but the stack deploys to account ${stackAccount}: a permissions ` +
      'boundary must be a managed policy of the role\'s own account. Create the boundary policy in this account and pass it.',
    );
  }
}

/**
 * Who may assume a role: no wildcard principal (`AnyPrincipal`, `StarPrincipal`, `arn:<partition>:iam::*:root`,
 * a service `*`), which would let anyone (or any account) assume it.
 */
export function validateAssumedBy(scope: IConstruct, what: string, principal: iam.IPrincipal | undefined): void {
  if (principal === undefined) {
    return;
  }
  const json = principal.policyFragment.principalJson;
  for (const [kind, values] of Object.entries(json)) {
    for (const value of values) {
      const text = literalText(scope, value);
      if (hasWildcard(text)) {
        throw new Error(
          `${what} has the principal ${kind} '${text}', a wildcard: anyone it matches (every AWS account for '*') could ` +
          'assume the role. Name the principal exactly: new iam.AccountRootPrincipal() (the default), ' +
          "new iam.ArnPrincipal('arn:<partition>:iam::111122223333:role/ci-runner'), or new iam.AccountPrincipal('111122223333').",
        );
      }
    }
  }
}

/** IAM paths reserved for AWS's own roles: a cluster path there would cover AWS's roles. */
export const RESERVED_IAM_PATH_PREFIXES = ['/aws-reserved/', '/aws-service-role/', '/service-role/'];

/**
 * Checks that a path is not one of AWS's reserved paths. `/service-role/` is where AWS consoles create
 * service roles (CodeBuild, Lambda, Batch, ...): as the cluster path it would let the user pass and
 * change them, so it is refused for `iamPath`; for a role's own path only the AWS-owned ones are.
 */
export function validateNotReservedPath(what: string, path: string, clusterPath: boolean): void {
  const reserved = clusterPath ? RESERVED_IAM_PATH_PREFIXES : RESERVED_IAM_PATH_PREFIXES.slice(0, 2);
  const prefix = reserved.find((p) => path.startsWith(p));
  if (prefix !== undefined) {
    throw new Error(
      `${what} '${path}' is under ${prefix}, where AWS keeps its own (service) roles: path-scoped permissions would ` +
      "cover them. Use a dedicated path such as '/parallelcluster/'.",
    );
  }
}
