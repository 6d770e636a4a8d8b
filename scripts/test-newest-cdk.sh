#!/usr/bin/env bash
# Runs what can differ between aws-cdk-lib versions against the newest aws-cdk-lib and constructs that npm
# serves (users start new apps on it); `npx projen test` runs everything against the peer floor the project is
# built with. The unit tests of the statement factories, the config reader and the CLI do not run a second
# time: they do not depend on which aws-cdk-lib synthesizes. What does:
#
#   1. the templates the simulation proofs simulate (the attack matrix, the ParallelCluster calls matrix, the
#      recorded calls, the seed simulation, the census) and the quota budgets measure: every stack of their
#      catalogue (test/support/catalogue.ts) is synthesized with the floor and with the newest, both at once
#      (scripts/newest-cdk-templates.ts), and the two sets of templates (and of the
#      library's synth-time refusals) must be the same. That is the proof that those suites hold for the
#      newest too, without running them again: their verdicts are a function of the template alone (the
#      simulators of test/support/simulate.ts and the quota checks read nothing else, and the requests they
#      send are data of test/support/), the same input gives the same verdict. The proofs build their
#      stacks with the catalogue's own builders and refuse to simulate any other (simulateCatalogueVariantsOnly,
#      checkCatalogued), so a stack cannot be added to them without being compared here;
#   2. in jest, what checks aws-cdk-lib behaviour beyond the template: the snapshots (test/proof/snapshots.test.ts),
#      cdk-nag (its rules run on the newest's constructs), the check that this run really loads the newest
#      version (cdk-version.test.ts), the temporary directories new App() writes (temp-dirs.test.ts), and the
#      acknowledgeable warnings, which take another code path from the aws-cdk-lib release that has
#      addWarningV2 on (src/private/warnings.ts: test/cluster-iam/fragment-files.test.ts and
#      cluster-name-warning.test.ts), and the library's roles, which must write what iam.Role writes for what
#      users do with a role (grants, statements, policies: test/private/library-role.test.ts), and the library's
#      policy documents, which reach the template and tree.json as already resolved values and rely on how
#      aws-cdk-lib resolves and writes them (test/private/policy-size.test.ts), and list themselves in tree.json
#      by type only, through the generated L1s' `inspect` (test/private/tree-properties.test.ts);
#   3. the example apps (examples/app.ts and examples/from-config-file.ts), run as a user runs them: the template
#      and the ParallelCluster configuration fragments must be the bytes the floor writes;
#   4. the TypeScript samples of README.md and docs/*.md (scripts/check-samples.ts), each run against the newest
#      (not type-checked again: `npx projen samples:check` type-checks them, against the floor's declarations,
#      which are also the ones tsc would read here).
#
# Recent aws-cdk-lib releases (2.276.0 does) validate every template they synthesize against CloudFormation's
# schemas and rules (a WebAssembly engine: about 6 s of CPU to start, once per process and per jest test file,
# then about 0.2 s a template), after the template is written: it changes neither the template nor, by
# default, whether synthesis succeeds (its findings are printed as warnings). Steps 1 and 2 compare templates
# and check what synthesis writes, so they turn it off (CDK_VALIDATION=false), as do the samples of step 4,
# which fail on their cloud assembly's warnings and errors, not on the validation's; it cost those steps most
# of their CPU. The example apps of step 3 run with it, as users run them.
#
# The newest versions go into a temporary prefix, not into this repository: node_modules and package-lock.json
# stay at the floor. jest maps `aws-cdk-lib` and `constructs` (the library, the tests and cdk-nag alike) to that
# prefix through moduleNameMapper; the processes of steps 2 and 3 load them from there through a require hook
# (NODE_OPTIONS=--require). The library is still compiled against the floor, as the published package is.
#
# Usage: bash scripts/test-newest-cdk.sh [jest arguments]. CDK_VERSION=2.200.0 picks another version.
#        bash scripts/test-newest-cdk.sh --install-only: only installs the newest versions into a prefix of this
#        checkout outside it (in ~/.cache, not under the repository, where jest would crawl it)
#        (`test:newest-cdk:install`, which `npx projen ci` runs in the background while other steps use the CPU,
#        since it mostly waits for npm); the next run without CDK_VERSION uses that prefix, then removes it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

version="${CDK_VERSION:-latest}"
start=$(date +%s)
install() { # install PREFIX
  echo '{ "name": "newest-cdk", "private": true }' > "$1/package.json"
  npm install --prefix "$1" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "aws-cdk-lib@$version" "constructs@latest" >/dev/null
}
ci_prefix=${XDG_CACHE_HOME:-$HOME/.cache}/cdk-parallelcluster-iam/newest-cdk-$(echo "$ROOT" | cksum | cut -d" " -f1)
if [[ ${1:-} == --install-only ]]; then
  rm -rf "$ci_prefix" && mkdir -p "$ci_prefix"
  install "$ci_prefix"
  touch "$ci_prefix/.installed"
  echo "test-newest-cdk: aws-cdk-lib $(node -p "require('$ci_prefix/node_modules/aws-cdk-lib/package.json').version") installed into $ci_prefix in $(( $(date +%s) - start )) s"
  exit 0
fi

# The jest configuration, the require hook and the example outputs go into a scratch directory of this run.
work=$(mktemp -d "${TMPDIR:-/tmp}/newest-cdk-XXXXXX")
trap 'rm -rf "$work"' EXIT
if [[ -z ${CDK_VERSION:-} && -f $ci_prefix/.installed ]]; then
  prefix=$ci_prefix
  trap 'rm -rf "$work" "$ci_prefix"' EXIT
  echo "test-newest-cdk: using the versions test:newest-cdk:install put into $ci_prefix"
else
  prefix=$work
  install "$prefix"
fi
# Everything this run synthesizes without an outdir (the catalogue's `new App()`s, the samples) and every scratch
# file of its tools lands in the scratch directory, removed on exit: nothing is left in /tmp.
mkdir -p "$work/tmp"
export TMPDIR=$work/tmp
cdk=$(node -p "require('$prefix/node_modules/aws-cdk-lib/package.json').version")
constructs=$(node -p "require('$prefix/node_modules/constructs/package.json').version")
floor=$(node -p "require('./node_modules/aws-cdk-lib/package.json').version")
echo "test-newest-cdk: aws-cdk-lib $cdk and constructs $constructs (the floor is aws-cdk-lib $floor), installed in $(( $(date +%s) - start )) s"

# 1. The simulation proofs' templates ------------------------------------------------------------------------
# The require hook for plain Node processes (ts-node included): `aws-cdk-lib` and `constructs`, from anywhere,
# resolve in the prefix.
cat > "$work/newest-cdk-hook.js" <<HOOK
const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, isMain, options) {
  if (/^(aws-cdk-lib|constructs)(\/|$)/.test(request)) {
    return resolve.call(this, request, parent, isMain, { ...options, paths: [$(node -p "JSON.stringify('$prefix')")] });
  }
  return resolve.call(this, request, parent, isMain, options);
};
HOOK
newest() { NODE_OPTIONS="--require $work/newest-cdk-hook.js${NODE_OPTIONS:+ $NODE_OPTIONS}" "$@"; }
loaded=$(newest node -p "require('aws-cdk-lib/package.json').version + ' ' + require('constructs/package.json').version")
[[ $loaded == "$cdk $constructs" ]] || { echo "test-newest-cdk: the require hook loads $loaded, not $cdk $constructs" >&2; exit 1; }

t0=$(date +%s)
# Without the template validation of the newest aws-cdk-lib (see the top): the templates are the same with it.
export CDK_VALIDATION=false
templates() { npx ts-node --transpile-only --project tsconfig.dev.json scripts/newest-cdk-templates.ts "$@"; }
# Both versions at once on the two cores: the newest synthesizes about 1.6 times slower than the floor, so it
# is split into two processes (each every other variant) next to the floor's one.
# The floor's side: in CI the unit tests have recorded the variants they synthesized (CATALOGUE_RECORD_DIR,
# test/support/catalogue-record.ts, for this aws-cdk-lib version only); only the others are synthesized here.
recorded=${CATALOGUE_RECORD_DIR:+$CATALOGUE_RECORD_DIR/$floor}
only_missing=()
mkdir -p "$work/templates"
if [[ -n $recorded && -d $recorded ]]; then
  cp -r "$recorded" "$work/templates/floor"
  only_missing=(--only-missing)
fi
# Nothing below writes into the record (the jest run further down loads the newest aws-cdk-lib).
unset CATALOGUE_RECORD_DIR
templates write "$work/templates/floor" 0/1 "${only_missing[@]}" > "$work/templates-floor.log" 2>&1 & pids=($!)
newest templates write "$work/templates/newest" 0/2 > "$work/templates-newest-0.log" 2>&1 & pids+=($!)
newest templates write "$work/templates/newest" 1/2 > "$work/templates-newest-1.log" 2>&1 & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
cat "$work"/templates-*.log
(( failed == 0 )) || { echo "test-newest-cdk: synthesizing the catalogue failed (above)" >&2; exit 1; }
templates compare "$work/templates/floor" "$work/templates/newest"
echo "test-newest-cdk: the simulation proofs' templates compared in $(( $(date +%s) - t0 )) s"

# 2. What checks aws-cdk-lib behaviour beyond the template, in jest ---------------------------------------------
# The project's jest configuration, with the two packages mapped to the prefix; no coverage or JUnit report, so
# that the first run's stay.
node -e '
  const [prefix, out] = process.argv.slice(1);
  const config = require("./package.json").jest;
  config.rootDir = process.cwd();
  config.moduleNameMapper = {
    ...(config.moduleNameMapper ?? {}),
    "^aws-cdk-lib$": `${prefix}/node_modules/aws-cdk-lib`,
    "^aws-cdk-lib/(.*)$": `${prefix}/node_modules/aws-cdk-lib/$1`,
    "^constructs$": `${prefix}/node_modules/constructs`,
  };
  config.collectCoverage = false;
  config.reporters = ["default"];
  require("fs").writeFileSync(out, JSON.stringify(config));
' "$prefix" "$work/jest.config.json"

t0=$(date +%s)
EXPECTED_AWS_CDK_LIB_VERSION="$cdk" npx jest --ci --maxWorkers=2 --config "$work/jest.config.json" "$@" \
  test/proof/snapshots.test.ts test/proof/cdk-nag.test.ts test/proof/cdk-version.test.ts test/proof/temp-dirs.test.ts \
  test/cluster-iam/fragment-files.test.ts test/cluster-iam/cluster-name-warning.test.ts test/private/library-role.test.ts \
  test/cluster/snapshot.test.ts test/proof/deprecations.test.ts test/private/policy-size.test.ts \
  test/private/tree-properties.test.ts
echo "test-newest-cdk: the snapshots, cdk-nag, warnings, deprecations, library roles and policies passed against aws-cdk-lib $cdk in $(( $(date +%s) - t0 )) s"

# 3. The example apps -------------------------------------------------------------------------------------------
t0=$(date +%s)
# As users run them: with the newest aws-cdk-lib's template validation.
unset CDK_VALIDATION
out=$work/examples
EXAMPLE_OUTDIR="$out/floor" npx ts-node --transpile-only --project tsconfig.dev.json examples/app.ts >/dev/null
EXAMPLE_OUTDIR="$out/newest" newest npx ts-node --transpile-only --project tsconfig.dev.json examples/app.ts >/dev/null
for f in template.json pcluster-config.yaml pcluster-image-config.yaml; do
  file=ParallelClusterIamExample.$f
  cmp "$out/floor/$file" "$out/newest/$file" ||
    { echo "test-newest-cdk: examples/app.ts writes a different $file with aws-cdk-lib $cdk than with $floor:" >&2; diff "$out/floor/$file" "$out/newest/$file" | head -n 40 >&2; exit 1; }
done
CONFIG_EXAMPLE_OUTDIR="$out/config-floor" npx ts-node --transpile-only --project tsconfig.dev.json examples/from-config-file.ts >/dev/null
CONFIG_EXAMPLE_OUTDIR="$out/config-newest" newest npx ts-node --transpile-only --project tsconfig.dev.json examples/from-config-file.ts >/dev/null
for f in template.json pcluster-config.yaml; do
  file=GenomicsClusterIam.$f
  cmp "$out/config-floor/$file" "$out/config-newest/$file" ||
    { echo "test-newest-cdk: examples/from-config-file.ts writes a different $file with aws-cdk-lib $cdk than with $floor:" >&2; diff "$out/config-floor/$file" "$out/config-newest/$file" | head -n 40 >&2; exit 1; }
done
# The newest aws-cdk-lib's template validation reports every finding in validation-report.json (and prints it as a
# warning): the examples' templates must have none, or users of the newest would see them on every synthesis.
for dir in "$out/newest" "$out/config-newest"; do
  node -e '
    const fs = require("fs"), file = process.argv[1] + "/validation-report.json";
    if (!fs.existsSync(file)) { console.error(`test-newest-cdk: ${file} is missing: the template validation did not run`); process.exit(1); }
    const findings = JSON.parse(fs.readFileSync(file, "utf-8")).pluginReports.flatMap((r) => (r.violations || []).map((v) => `${r.pluginName} ${v.ruleName}: ${v.description}`));
    if (findings.length > 0) { console.error(`test-newest-cdk: the template validation of the newest aws-cdk-lib reports, in ${file}:\n  ` + findings.join("\n  ")); process.exit(1); }
  ' "$dir"
done
echo "test-newest-cdk: the example apps write the same templates and configuration fragments with aws-cdk-lib $cdk as with $floor, and its template validation reports nothing on them ($(( $(date +%s) - t0 )) s)"

# 4. The TypeScript samples -------------------------------------------------------------------------------------
t0=$(date +%s)
CDK_VALIDATION=false newest npx ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --no-type-check
echo "test-newest-cdk: the TypeScript samples ran against aws-cdk-lib $cdk ($(( $(date +%s) - t0 )) s)"

echo "test-newest-cdk: passed against aws-cdk-lib $cdk in $(( $(date +%s) - start )) s (proofs' templates, snapshots and warnings, example apps, samples)"
cd "$ROOT"
