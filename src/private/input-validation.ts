import { iam, IConstruct, Stack, Token } from './cdk';
import { cfnRoleOf } from './library-role';
import { isOwnManagedPolicy } from './sized-policies';
import { addAcknowledgeableWarning } from './warnings';

/** The ID of the warning on a permissions boundary that allows an admin-equivalent grant. */
export const WIDE_BOUNDARY_WARNING = 'cdk-parallelcluster-iam:wideBoundary';

/*
 * Synth-time checks of every prop that becomes an ARN, a principal or a path in a policy (finding 3 of
 * issue 12: inputs that silently widen grants). A value is checked on its literal text: tokens are
 * resolved to their CloudFormation form and only the literal parts are read, so a `Ref` or a pseudo
 * parameter (unknowable at synth time) passes, while a `*` typed by the caller (or `fromRoleArn(...,
 * 'role/*')`) is refused. Every message names the value and says what to do instead.
 */

/**
 * AWS managed policies that make a role account admin, or let it become so: IAM administration or
 * everything, and the classes issue 18 (finding 8) names: `iam:PassRole` on every role (with a service
 * that runs code as the passed role), `cloudformation:*` (update any stack, which runs with that
 * stack's own service role), `lambda:*` (replace any function's code, or create one with a passed
 * role), `ssm:*` (`SendCommand` on any instance), `ec2:*` (user data of any instance, any instance
 * profile), `secretsmanager:*` and `s3:*` (every secret, every bucket, their policies). Compared
 * case-insensitively, on the name after the last `/` (`job-function/SystemAdministrator`).
 */
export const ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES = [
  'AdministratorAccess',
  'AdministratorAccess-Amplify',
  'AdministratorAccess-AWSElasticBeanstalk',
  'AWSOrganizationsFullAccess',
  'IAMFullAccess',
  'PowerUserAccess',
  // job functions
  'SystemAdministrator',
  // cloudformation:*
  'AWSCloudFormationFullAccess',
  // lambda:* (and iam:PassRole)
  'AWSLambda_FullAccess',
  'AWSLambdaFullAccess',
  // ssm:*
  'AmazonSSMFullAccess',
  // ec2:*
  'AmazonEC2FullAccess',
  // secrets and buckets
  'SecretsManagerReadWrite',
  'AmazonS3FullAccess',
  // iam:PassRole on roles of other services that run code as the passed role
  'AWSCodeBuildAdminAccess',
  'AWSCodePipeline_FullAccess',
  'AWSCodeDeployFullAccess',
  'AWSStepFunctionsFullAccess',
  'AmazonSageMakerFullAccess',
  'AmazonECS_FullAccess',
  'AWSDataPipeline_FullAccess',
  'AWSElasticBeanstalkFullAccess',
];

const ADMIN_EQUIVALENT_LOWER = new Set(ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES.map((n) => n.toLowerCase()));

/** Whether an AWS managed policy name is in `ADMIN_EQUIVALENT_AWS_MANAGED_POLICIES` (any case). */
export function isAdminEquivalentAwsManagedPolicy(name: string): boolean {
  return ADMIN_EQUIVALENT_LOWER.has(name.toLowerCase());
}

/** The literal text of a value: tokens resolved to CloudFormation, intrinsics replaced by `${TOKEN}`. */
export function literalText(scope: IConstruct, value: string): string {
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

/** The path of a role: its CfnRole's for a role of this app, else read from a literal ARN; undefined when unknown. */
function rolePathOf(scope: IConstruct, role: iam.IRole): string | undefined {
  const cfnRole = cfnRoleOf(role);
  if (cfnRole !== undefined) {
    const path = cfnRole.path;
    return path === undefined ? '/' : Token.isUnresolved(path) ? undefined : path;
  }
  const text = literalText(scope, role.roleArn);
  const match = /^arn:[^:]+:iam::[^:]*:role(\/(?:.*\/)?)[^/]+$/.exec(text);
  return match === null || match[1].includes('${TOKEN}') ? undefined : match[1];
}

/** Whether a role is on `iamPath` (covered by the path-scoped PassRole); a role of unknown path is not. */
export function isRoleOnPath(scope: IConstruct, role: iam.IRole, iamPath: string): boolean {
  return rolePathOf(scope, role)?.startsWith(iamPath) ?? false;
}

/**
 * Why a role is external to the cluster (off `iamPath`, or in another account than the stack's), or
 * undefined. A role whose path or account is a token (unknowable at synthesis) is not refused.
 */
export function externalRoleReason(scope: IConstruct, role: iam.IRole, iamPath: string): string | undefined {
  const text = literalText(scope, role.roleArn);
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(text)?.[1];
  const stackAccount = Stack.of(scope).account;
  if (account !== undefined && !Token.isUnresolved(stackAccount) && account !== stackAccount) {
    return `is in account ${account}, not the stack's account ${stackAccount}`;
  }
  const path = rolePathOf(scope, role);
  if (path !== undefined && !path.startsWith(iamPath)) {
    return `is on the path '${path}', off the cluster path '${iamPath}'`;
  }
  return undefined;
}

/** Refuses roles off the cluster path or in another account, unless `allowExternalRoles` (issue 18, finding 1). */
export function validateExternalRoles(scope: IConstruct, what: string, roles: iam.IRole[], iamPath: string, allowExternal: boolean): void {
  if (allowExternal) {
    return;
  }
  for (const role of roles) {
    const why = externalRoleReason(scope, role, iamPath);
    if (why !== undefined) {
      throw new Error(
        `${what} holds the role '${literalText(scope, role.roleArn)}', which ${why}: the user could pass it ` +
        '(and run an instance or function as it). Put the role on the cluster path, or set allowExternalRoles: true ' +
        '(CLI: --allow-external-roles) if you mean the user to pass it.',
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
 * The classes of grant that make a role account admin, or let it become so, whatever else its policies
 * say (issue 18, finding 8). Each is an action and a resource no ParallelCluster role needs on every
 * resource: a statement whose actions and resources cover the probe is refused.
 */
const ADMIN_CLASSES: ReadonlyArray<{ readonly action: string; readonly resource: string; readonly why: string }> = [
  { action: 'iam:PassRole', resource: 'arn:partition:iam::111122223333:role/OrgAdmin', why: 'iam:PassRole on every role (pass an admin role to EC2, Lambda, ...)' },
  { action: 'iam:PutRolePolicy', resource: 'arn:partition:iam::111122223333:role/OrgAdmin', why: 'IAM changes to every role' },
  { action: 'iam:CreatePolicyVersion', resource: 'arn:partition:iam::111122223333:policy/Any', why: 'IAM changes to every policy' },
  { action: 'cloudformation:UpdateStack', resource: 'arn:partition:cloudformation:us-east-1:111122223333:stack/Any/1', why: 'cloudformation:* on every stack (an update runs with the stack\'s own service role)' },
  { action: 'lambda:UpdateFunctionCode', resource: 'arn:partition:lambda:us-east-1:111122223333:function:Any', why: 'lambda:* on every function (replace its code, run as its role)' },
  { action: 'ssm:SendCommand', resource: 'arn:partition:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0', why: 'ssm:SendCommand on every instance (run commands as root there)' },
  { action: 'ec2:ModifyInstanceAttribute', resource: 'arn:partition:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0', why: 'ec2:* on every instance (change its user data or instance profile)' },
  { action: 'codebuild:StartBuild', resource: 'arn:partition:codebuild:us-east-1:111122223333:project/Any', why: 'codebuild:StartBuild on every project (runs as the project\'s role)' },
  { action: 'secretsmanager:GetSecretValue', resource: 'arn:partition:secretsmanager:us-east-1:111122223333:secret:Any-AbCdEf', why: 'every secret of the account' },
  { action: 's3:PutBucketPolicy', resource: 'arn:partition:s3:::any-bucket', why: 's3:* on every bucket (its policy, its objects)' },
];

/** IAM's wildcard match (`*`, `?`), case-insensitive; `${TOKEN}` (an unknowable part) matches anything. */
function globMatches(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const source = pattern.split('${TOKEN}').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')).join('.*');
  return new RegExp(`^${source}$`, caseInsensitive ? 'i' : '').test(value);
}

/**
 * The admin-equivalent class an Allow statement falls in, or undefined. Resources are compared on
 * their resource part (after the account), so that any partition, region and account match; a
 * statement with conditions is taken as narrowed, except for PassRole (`iam:PassedToService` does not
 * make passing an admin role safe).
 */
export function adminEquivalentGrant(scope: IConstruct, statement: iam.PolicyStatement): string | undefined {
  if (statement.effect !== iam.Effect.ALLOW) {
    return undefined;
  }
  const json = Stack.of(scope).resolve(statement.toStatementJson()) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  // An ARN built with the stack's partition resolves to `Fn::Join`: keep its literal parts, so that only the
  // unknown parts (`${TOKEN}`) match anything, not the whole ARN.
  const text = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const join = (v as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
    return Array.isArray(join) && Array.isArray(join[1]) ? join[1].map(text).join(join[0]) : '${TOKEN}';
  };
  const actions = list(json.Action).map(text);
  const notActions = list(json.NotAction).map(text);
  const resources = list(json.Resource).map(text);
  const conditioned = json.Condition !== undefined && Object.keys(json.Condition as object).length > 0;
  const tail = (arn: string): string => (arn === '*' || arn === '${TOKEN}' ? arn : arn.split(':').slice(5).join(':') || arn);
  for (const probe of ADMIN_CLASSES) {
    if (conditioned && probe.action !== 'iam:PassRole') {
      continue;
    }
    const actionCovered = notActions.length > 0
      ? !notActions.some((a) => globMatches(a, probe.action, true))
      : actions.some((a) => globMatches(a, probe.action, true));
    const resourceCovered = json.NotResource !== undefined
      || resources.some((r) => r === '*' || globMatches(tail(r), tail(probe.resource), false));
    if (actionCovered && resourceCovered) {
      return probe.why;
    }
  }
  return undefined;
}

/** The statements of a managed policy created in this app (an imported one has none to read). */
function ownStatements(policy: iam.IManagedPolicy): iam.PolicyStatement[] {
  if (!isOwnManagedPolicy(policy)) {
    return [];
  }
  const json = policy.document.toJSON() as { Statement?: unknown[] } | undefined;
  return (json?.Statement ?? []).map((s) => iam.PolicyStatement.fromJson(s));
}

/** Refuses a managed policy of this app with a statement of an admin-equivalent class. */
function refuseAdminStatements(scope: IConstruct, what: string, policy: iam.IManagedPolicy, arnText: string): void {
  const text = isOwnManagedPolicy(policy) ? policy.node.path : arnText;
  for (const statement of ownStatements(policy)) {
    const why = adminEquivalentGrant(scope, statement);
    if (why !== undefined) {
      throw new Error(
        `${what} holds the policy '${text}', whose statement ${JSON.stringify(Stack.of(scope).resolve(statement.toStatementJson()))} ` +
        `grants ${why}: that makes the role account admin. Limit the statement to the cluster's own resources ` +
        '(for example role/parallelcluster/*, stack/<cluster>/*, a tag condition), or drop it.',
      );
    }
  }
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
    if (name !== undefined && isAdminEquivalentAwsManagedPolicy(name)) {
      throw new Error(
        `${what} holds the AWS managed policy ${name} ('${text}'), which makes a cluster role account admin: anyone who ` +
        'can pass or reach that role (the ParallelCluster user, the head node, a compute node) gets it. Write a customer ' +
        'managed policy with only the actions the cluster needs, and pass that instead.',
      );
    }
    refuseAdminStatements(scope, what, policy, text);
  }
}

// The literal text of each boundary's ARN, per stack: every role of a cluster checks the same boundary.
const BOUNDARY_TEXTS = new WeakMap<Stack, WeakMap<iam.IManagedPolicy, string>>();

function boundaryText(scope: IConstruct, boundary: iam.IManagedPolicy): string {
  const stack = Stack.of(scope);
  let texts = BOUNDARY_TEXTS.get(stack);
  if (texts === undefined) {
    texts = new WeakMap();
    BOUNDARY_TEXTS.set(stack, texts);
  }
  let text = texts.get(boundary);
  if (text === undefined) {
    text = literalText(scope, boundary.managedPolicyArn);
    texts.set(boundary, text);
  }
  return text;
}

/**
 * A permissions boundary: not admin-equivalent (it would bound nothing), not a wildcard, and in the
 * stack's account (IAM refuses a boundary from another account; a literal other account is a mistake).
 */
export function validatePermissionsBoundary(scope: IConstruct, what: string, boundary: iam.IManagedPolicy | undefined): void {
  if (boundary === undefined) {
    return;
  }
  const text = boundaryText(scope, boundary);
  if (hasWildcard(text)) {
    throw new Error(`${what} '${text}' has a wildcard ('*' or '?'): a permissions boundary is one exact policy. Pass the boundary policy itself.`);
  }
  const name = awsManagedPolicyName(text);
  if (name !== undefined && isAdminEquivalentAwsManagedPolicy(name)) {
    throw new Error(
      `${what} is the AWS managed policy ${name} ('${text}'), which bounds nothing: every role carrying it could still do ` +
      'what its own policies allow, IAM included. Write a customer managed boundary policy that allows only what the ' +
      'cluster needs (and denies IAM changes outside the cluster path), and pass it.',
    );
  }
  // A boundary is a ceiling, not a grant: a wide one is refused by name (above) and warned about by content.
  for (const statement of ownStatements(boundary)) {
    const why = adminEquivalentGrant(scope, statement);
    if (why !== undefined) {
      addAcknowledgeableWarning(scope, WIDE_BOUNDARY_WARNING,
        `${what} '${boundary instanceof iam.ManagedPolicy ? boundary.node.path : text}' allows ${why}: a role under it can still become account admin, so it bounds nothing that matters. ` +
        'Use new ParallelClusterBoundary(this, \'Boundary\', { iamPath }) (see docs/security.md).');
      break;
    }
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
  validateFederatedConditions(scope, what, principal);
}

const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
const COGNITO_IDENTITY = 'cognito-identity.amazonaws.com';

/**
 * A federated (web identity) principal without the conditions its provider needs trusts every token
 * the provider issues: any GitHub repository's workflow, any Cognito identity pool's identities
 * (issue 18, finding 9). Required: for GitHub Actions `<host>:aud` and a `<host>:sub` naming a
 * repository (`repo:<owner>/...`), for Cognito `cognito-identity.amazonaws.com:aud` (the identity
 * pool) and `cognito-identity.amazonaws.com:amr` = `authenticated`, for any other OpenID Connect
 * provider at least an `aud` or `sub` condition.
 */
function validateFederatedConditions(scope: IConstruct, what: string, principal: iam.IPrincipal): void {
  const fragment = principal.policyFragment;
  const federated = (fragment.principalJson.Federated ?? []).map((v) => literalText(scope, v));
  if (federated.length === 0) {
    return;
  }
  const conditions = Stack.of(scope).resolve(fragment.conditions ?? {}) as Record<string, Record<string, unknown>>;
  const values = (key: string): string[] => Object.values(conditions).flatMap((byKey) =>
    Object.entries(byKey).filter(([k]) => k.toLowerCase() === key.toLowerCase())
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v])).map((v) => (typeof v === 'string' ? v : '${TOKEN}')));
  const keys = Object.values(conditions).flatMap((byKey) => Object.keys(byKey));
  const missing = (provider: string, key: string, example: string): Error => new Error(
    `${what} trusts the ${provider} identity provider without a '${key}' condition: every token that provider issues ` +
    `(to anyone, not only to you) could assume the role. Add the condition, for example ${example}.`);
  for (const provider of federated) {
    if (provider === COGNITO_IDENTITY) {
      const example = `new iam.FederatedPrincipal('${COGNITO_IDENTITY}', { StringEquals: { '${COGNITO_IDENTITY}:aud': 'us-east-1:<identity pool id>' }, ` +
        `'ForAnyValue:StringLike': { '${COGNITO_IDENTITY}:amr': 'authenticated' } }, 'sts:AssumeRoleWithWebIdentity')`;
      const aud = values(`${COGNITO_IDENTITY}:aud`);
      if (aud.length === 0 || aud.some(hasWildcard)) {
        throw missing('Amazon Cognito', `${COGNITO_IDENTITY}:aud`, example);
      }
      const amr = values(`${COGNITO_IDENTITY}:amr`);
      if (amr.length === 0 || amr.some((v) => v !== 'authenticated')) {
        throw missing('Amazon Cognito', `${COGNITO_IDENTITY}:amr`, example);
      }
    } else if (provider.endsWith(`oidc-provider/${GITHUB_OIDC_HOST}`) || keys.some((k) => k.startsWith(`${GITHUB_OIDC_HOST}:`))) {
      const example = `new iam.WebIdentityPrincipal(provider.openIdConnectProviderArn, { StringEquals: { '${GITHUB_OIDC_HOST}:aud': 'sts.amazonaws.com' }, ` +
        `StringLike: { '${GITHUB_OIDC_HOST}:sub': 'repo:my-org/my-repo:ref:refs/heads/main' } })`;
      if (values(`${GITHUB_OIDC_HOST}:aud`).length === 0) {
        throw missing('GitHub Actions', `${GITHUB_OIDC_HOST}:aud`, example);
      }
      const sub = values(`${GITHUB_OIDC_HOST}:sub`);
      if (sub.length === 0) {
        throw missing('GitHub Actions', `${GITHUB_OIDC_HOST}:sub`, example);
      }
      const loose = sub.find((v) => !/^repo:[^*?/:]+\/[^*?]/.test(v));
      if (loose !== undefined) {
        throw new Error(`${what} trusts GitHub Actions with the '${GITHUB_OIDC_HOST}:sub' value '${loose}', which does not name one owner's ` +
          `repository: workflows of other GitHub accounts match it. Start it with repo:<owner>/<repository>, for example ${example}.`);
      }
    } else if (/oidc-provider\//.test(provider) || (provider.includes('${TOKEN}') && principal.assumeRoleAction === 'sts:AssumeRoleWithWebIdentity')) {
      if (!keys.some((k) => /:(aud|sub|oaud)$/i.test(k))) {
        throw missing('OpenID Connect', '<provider>:aud', 'new iam.WebIdentityPrincipal(providerArn, { StringEquals: { \'<provider host>:aud\': \'<client id>\' } })');
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
