#!/usr/bin/env bash
# Fills the download caches the bindings check (scripts/bindings-check.sh) reads from, so that on a fresh machine
# its Maven and pip steps do not wait for the network: `npx projen ci` runs this in the background while the
# other steps use the CPU (`bindings:prefetch`). It changes nothing in the repository; a failure here only
# means the bindings check downloads for itself, so this script never fails the run.
#
#   - Maven: the dependencies and plugins of examples/java/pom.xml (aws-cdk-lib at the floor and at the newest
#     release, constructs, jsii-runtime, JUnit, the compiler, surefire, exec and install plugins) into the local
#     repository (~/.m2, or MAVEN_REPO_LOCAL);
#   - pip: the wheels of examples/python/requirements.txt, and the build requirements of the library's wheel,
#     into pip's cache.
set -uo pipefail
cd "$(dirname "$0")/.."

PACMAK_VERSION=$(node -p "require('jsii-pacmak/package.json').version")
MVN=(mvn -B -ntp -q)
[[ -z "${MAVEN_REPO_LOCAL:-}" ]] || MVN+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
start=$SECONDS

# The Maven range jsii-pacmak writes into the jar's pom for a caret peer dependency: ^2.88.0 is [2.88.0,3.0.0),
# which Maven resolves to the newest release on Maven Central.
maven_range() {
  local floor
  floor=$(node -p "require('./package.json').peerDependencies['$1']")
  floor=${floor#^}
  echo "[$floor,$(( ${floor%%.*} + 1 )).0.0)"
}
maven() {
  # The library's own jar does not exist yet: the example's pom without it (its block deleted, in a scratch
  # copy), at the floor and at the newest aws-cdk-lib on Maven Central (the range the jar's pom names).
  local dir rc
  dir=$(mktemp -d)
  awk '/<dependency>/ { block = $0; inside = 1; next }
       inside { block = block "\n" $0; if (/<\/dependency>/) { inside = 0; if (block !~ /cdk-parallelcluster-iam/) print block }; next }
       { print }' examples/java/pom.xml >"$dir/pom.xml"
  "${MVN[@]}" -f "$dir/pom.xml" -Djsii-runtime.version="$PACMAK_VERSION" dependency:go-offline &&
    "${MVN[@]}" -f "$dir/pom.xml" -Djsii-runtime.version="$PACMAK_VERSION" \
      -Daws-cdk-lib.version="$(maven_range aws-cdk-lib)" -Dconstructs.version="$(maven_range constructs)" \
      dependency:resolve &&
    "${MVN[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.1:help >/dev/null
  rc=$?
  rm -rf "$dir"
  return $rc
}
pip_cache() {
  local python=${BINDINGS_PYTHON:-python3} dir rc
  dir=$(mktemp -d)
  # With the build requirements jsii-pacmak declares in the wheel's sources (setuptools, build): pip builds the
  # wheel with them in an isolated environment.
  local build_reqs
  mapfile -t build_reqs < <(sed -n 's/^\([^#]*[^ #]\) *# build-system.*/\1/p' node_modules/jsii-pacmak/lib/targets/python/requirements-dev.txt)
  "$python" -m pip download --disable-pip-version-check --no-input -q -d "$dir" -r examples/python/requirements.txt "${build_reqs[@]}"
  rc=$?
  rm -rf "$dir"
  return $rc
}

maven & m=$!
pip_cache & p=$!
wait $m && echo "bindings-prefetch: Maven dependencies and plugins cached" || echo "bindings-prefetch: Maven prefetch failed (the bindings check will download for itself)"
wait $p && echo "bindings-prefetch: Python wheels cached" || echo "bindings-prefetch: pip prefetch failed (the bindings check will download for itself)"
echo "bindings-prefetch: done in $((SECONDS - start)) s"
exit 0
