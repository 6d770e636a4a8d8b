#!/usr/bin/env bash
# Runs the unit tests a second time, against the newest aws-cdk-lib and constructs that npm serves
# (the first run, `npx projen test`, uses the peer floor the project is built with).
#
# The newest versions go into a temporary prefix, not into this repository: node_modules and
# package-lock.json stay at the floor. jest maps `aws-cdk-lib` and `constructs` (the library, the tests
# and cdk-nag alike) to that prefix through moduleNameMapper; the library is still compiled against the
# floor, as the published package is. The one test that starts a child process (the example app through
# ts-node, test/cluster-iam/example.test.ts) runs it against the floor.
#
# Usage: bash scripts/test-newest-cdk.sh [jest arguments]. CDK_VERSION=2.200.0 picks another version.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${CDK_VERSION:-latest}"
prefix=$(mktemp -d "${TMPDIR:-/tmp}/newest-cdk-XXXXXX")
trap 'rm -rf "$prefix"' EXIT

echo '{ "name": "newest-cdk", "private": true }' > "$prefix/package.json"
npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "aws-cdk-lib@$version" "constructs@latest" >/dev/null
cdk=$(node -p "require('$prefix/node_modules/aws-cdk-lib/package.json').version")
constructs=$(node -p "require('$prefix/node_modules/constructs/package.json').version")
floor=$(node -p "require('./node_modules/aws-cdk-lib/package.json').version")
echo "test-newest-cdk: aws-cdk-lib $cdk and constructs $constructs (the floor is aws-cdk-lib $floor)"

# The project's jest configuration, with the two packages mapped to the prefix; no coverage or JUnit
# report, so that the first run's stay.
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
' "$prefix" "$prefix/jest.config.json"

start=$(date +%s)
EXPECTED_AWS_CDK_LIB_VERSION="$cdk" npx jest --ci --config "$prefix/jest.config.json" "$@"
echo "test-newest-cdk: the unit tests passed against aws-cdk-lib $cdk in $(( $(date +%s) - start )) s"
