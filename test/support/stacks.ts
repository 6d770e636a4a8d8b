import { App, Stack, Token } from 'aws-cdk-lib';

/** The account every test stack is deployed to (the doc's `<AWS ACCOUNT ID>`). */
export const TEST_ACCOUNT = '111122223333';

/** Another account, for requests that must fall outside the policies' account scope. */
export const OTHER_ACCOUNT = '444455556666';

/** One test environment per partition the library must be right in. */
export interface TestEnvironment {
  readonly partition: 'aws' | 'aws-us-gov' | 'aws-cn';
  readonly region: string;
  readonly account: string;
  /** The DNS suffix of service principals (`amazonaws.com`, `amazonaws.com.cn` in China). */
  readonly urlSuffix: string;
}

export const AWS: TestEnvironment = { partition: 'aws', region: 'us-east-1', account: TEST_ACCOUNT, urlSuffix: 'amazonaws.com' };
export const AWS_US_GOV: TestEnvironment = { partition: 'aws-us-gov', region: 'us-gov-west-1', account: TEST_ACCOUNT, urlSuffix: 'amazonaws.com' };
export const AWS_CN: TestEnvironment = { partition: 'aws-cn', region: 'cn-north-1', account: TEST_ACCOUNT, urlSuffix: 'amazonaws.com.cn' };

/** The three partitions, for `describe.each` / `test.each` tables (`$partition` names the case). */
export const ENVIRONMENTS: TestEnvironment[] = [AWS, AWS_US_GOV, AWS_CN];

/**
 * The values an environment-agnostic stack is evaluated with by `PolicySimulator` (its pseudo
 * parameters stay tokens in the template).
 */
export const AGNOSTIC_ASSUMED: TestEnvironment = AWS;

/** A stack in `env` (its own `App`, so stacks of different tests never share a construct tree). */
export function stackIn(env: TestEnvironment, id: string = 'TestStack'): Stack {
  return new Stack(new App(), id, { env: { account: env.account, region: env.region } });
}

/** A stack in us-east-1 (partition `aws`). */
export function awsStack(id?: string): Stack {
  return stackIn(AWS, id);
}

/** A stack in us-gov-west-1 (partition `aws-us-gov`). */
export function govStack(id?: string): Stack {
  return stackIn(AWS_US_GOV, id);
}

/** A stack in cn-north-1 (partition `aws-cn`). */
export function chinaStack(id?: string): Stack {
  return stackIn(AWS_CN, id);
}

/** An environment-agnostic stack: account, region and partition are only known at deploy time. */
export function agnosticStack(id: string = 'TestStack'): Stack {
  return new Stack(new App(), id);
}

/**
 * The environment a stack's policies are evaluated in: its own region and account (the partition
 * follows from the region, as in `src/private/partition.ts`), with `AGNOSTIC_ASSUMED`'s values for
 * whatever is a token.
 */
export function environmentOf(stack: Stack): TestEnvironment {
  const region = Token.isUnresolved(stack.region) ? AGNOSTIC_ASSUMED.region : stack.region;
  const account = Token.isUnresolved(stack.account) ? AGNOSTIC_ASSUMED.account : stack.account;
  if (region.startsWith('cn-')) {
    return { partition: 'aws-cn', region, account, urlSuffix: 'amazonaws.com.cn' };
  }
  return { partition: region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws', region, account, urlSuffix: 'amazonaws.com' };
}

/*
 * The catalogue of the stacks the simulation proofs synthesize (test/support/catalogue.ts). Each builder of
 * test/support/ that makes such a stack marks it with the variant id its arguments name; the catalogue
 * enumerates the same builders over every argument the proofs use, and scripts/newest-cdk-templates.ts
 * compares what they synthesize under the floor and the newest aws-cdk-lib. A proof suite that calls
 * `simulateCatalogueVariantsOnly()` refuses to simulate a stack without a catalogued id.
 */
const variantIds = new WeakMap<Stack, string>();

/** Marks `stack` as the catalogue variant `id` (and returns it). */
export function markVariant<T extends Stack>(stack: T, id: string): T {
  variantIds.set(stack, id);
  return stack;
}

/** The catalogue variant id `stack` was marked with, if any. */
export function variantIdOf(stack: Stack): string | undefined {
  return variantIds.get(stack);
}
