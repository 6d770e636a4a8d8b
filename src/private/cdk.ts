/*
 * The aws-cdk-lib and constructs values the library uses, required by this one module: every other
 * module imports them from here (an eslint rule keeps it so). Node.js resolves a package name again
 * for each directory that requires it, and resolving `aws-cdk-lib` or `aws-cdk-lib/aws-iam` against
 * aws-cdk-lib's export map (271 entries) costs about half a millisecond of CPU each time. From every
 * directory of lib/ that was about 15 ms of each `require('cdk-parallelcluster-iam')`, a tenth of what
 * the library added to a cold synthesis (issue 21, docs/benchmarks.md). Modules that only some uses
 * need load on first use instead (lazy-modules.ts); type-only imports compile to nothing and may name
 * the packages directly.
 */
export {
  Annotations, App, ArnFormat, Aws, CfnElement, CfnMapping, CfnOutput, CfnResource, CfnStack, CustomResource,
  DefaultStackSynthesizer, Fn, RemovalPolicy, Resource, Stack, Token, Tokenization,
} from 'aws-cdk-lib';
export type { IPostProcessor, IResolvable, IResolveContext, ResourceEnvironment } from 'aws-cdk-lib';
export * as iam from 'aws-cdk-lib/aws-iam';
export { Construct, DependencyGroup } from 'constructs';
export type { IConstruct } from 'constructs';
