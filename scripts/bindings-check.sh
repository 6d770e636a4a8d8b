#!/usr/bin/env bash
# The bindings check (`npx projen bindings`): proves that Python and Java users get the same constructs as
# TypeScript users, by using the built packages the way those users do.
#
#   1. jsii-pacmak builds the Python wheel (dist/python) and the Java jar (dist/java), as the projen tasks
#      package:python and package:java do, from a copy of the npm package's files (bindings.out/package),
#      unless the build already did (a wheel and a jar newer than .jsii are used as they are).
#   2. Python: a fresh venv gets aws-cdk-lib and constructs from PyPI, then the wheel; the wrong-type tests
#      (examples/python/tests) run, then the example app examples/python/app.py synthesizes.
#   3. Java: the jar goes into the local Maven repository; Maven takes aws-cdk-lib from Maven Central, runs
#      the wrong-input tests (examples/java/src/test) and the example app (examples/java/src/main).
#      Then every ```python and ```java code sample of README.md and docs/*.md runs the same way (extracted by
#      scripts/check-samples.ts): each Python sample with the venv's Python, the Java samples compiled in a copy
#      of the example's Maven project and run; each must synthesize.
#   4. TypeScript: the example app examples/app.ts synthesizes from source.
#   5. scripts/compare-templates.ts requires the three cloud assemblies (template, ParallelCluster config
#      fragments, permissions report, manifest, construct tree) to be identical after normalising only what
#      legitimately differs between languages.
#
# Assumes node_modules exists (npm ci); compiles the jsii assembly itself when it is missing or older than
# src/. Outputs: bindings.out/{typescript,python,java}/ (cloud assemblies) and bindings.out/logs/ (one log a
# step, printed when the step fails; VERBOSE=1 prints them all). Exits non-zero on any failure; the last line
# says OK or FAILED, and at which step.
#
# Environment: MAVEN_REPO_LOCAL (a Maven local repository instead of ~/.m2/repository, e.g. an empty one to
# measure a cold run); BINDINGS_PYTHON (the Python that creates the venv, default python3).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bindings.out
LOGS=$OUT/logs
VENV=$ROOT/examples/python/.venv
PYTHON=${BINDINGS_PYTHON:-python3}

VERSION=$(node -p "require('./package.json').version")
PACMAK_VERSION=$(node -p "require('jsii-pacmak/package.json').version")
# The jsii runtime prints a banner on every start while the machine's Node.js is past its end of life
# (Node 20 is the project's minimum); silence it for this major only so the logs stay readable.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=$(node -p "process.versions.node.split('.')[0]")
# Keep the work tree clean: no __pycache__ beside the example and its tests.
export PYTHONDONTWRITEBYTECODE=1
MVN=(mvn -B -ntp)
if [[ -n "${MAVEN_REPO_LOCAL:-}" ]]; then
  MVN+=("-Dmaven.repo.local=$MAVEN_REPO_LOCAL")
fi

START=$SECONDS
STEP=setup
TIMINGS=()
DEPS_PID=
on_exit() {
  local rc=$?
  if [[ -n "$DEPS_PID" ]]; then
    kill "$DEPS_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo "bindings-check: FAILED at step \"$STEP\" (exit $rc) after $((SECONDS - START))s; logs in ${LOGS#"$ROOT"/}/" >&2
  fi
}
trap on_exit EXIT

log_of() { echo "$LOGS/${1// /-}.log"; }

fail_with_log() {
  echo "---- last 60 lines of ${1#"$ROOT"/}:" >&2
  tail -n 60 "$1" >&2
  return 1
}

# Runs a step with its output in a log that is printed only when the step fails (or with VERBOSE=1).
step() {
  local name=$1
  shift
  STEP=$name
  local log t0=$SECONDS
  log=$(log_of "$name")
  echo "==> $name"
  if [[ -n "${VERBOSE:-}" ]]; then
    "$@" 2>&1 | tee "$log"
  elif ! "$@" >"$log" 2>&1; then
    fail_with_log "$log"
  fi
  TIMINGS+=("$name $((SECONDS - t0))s")
}

rm -rf "$OUT"
mkdir -p "$LOGS"

# The Python dependencies come from PyPI and do not need the wheel: fetch them while jsii-pacmak runs.
python_deps() {
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --disable-pip-version-check --no-input -r examples/python/requirements.txt
}
DEPS_T0=$SECONDS
python_deps >"$(log_of "python deps")" 2>&1 &
DEPS_PID=$!

# 1. Packages ------------------------------------------------------------------------------------------------
if [[ ! -f .jsii ]] || [[ -n "$(find src -newer .jsii -name '*.ts' -print -quit)" ]]; then
  step "jsii compile" npx jsii --silence-warnings=reserved-word
fi
WHEEL=dist/python/cdk_parallelcluster_iam-$VERSION-py3-none-any.whl
JAR_DIR=dist/java/io/github/cdkparallelclusteriam/cdk-parallelcluster-iam/$VERSION
# `npx projen build` packages all three languages when CI is not set (package-all), or only npm when it is
# (the build workflow packages Python and Java in jobs of their own). A wheel and a jar that are newer than
# the jsii assembly are those packages: use them instead of packaging a second time.
if [[ -f $WHEEL && -f $JAR_DIR/cdk-parallelcluster-iam-$VERSION.jar && $WHEEL -nt .jsii && $JAR_DIR/cdk-parallelcluster-iam-$VERSION.jar -nt .jsii ]]; then
  echo "==> package python and java: using dist/python and dist/java from the build (newer than .jsii)"
else
  # jsii-pacmak embeds `npm pack` of the package directory in the wheel and the jar. Run it on a copy that
  # holds only what the npm package is made of, so that whatever else lies in the work tree (CI's .venv/, the
  # outputs of other checks, the examples) cannot end up in the bundle or slow the packing down.
  STAGE=$OUT/package
  mkdir -p "$STAGE"
  cp -r package.json .jsii .npmignore LICENSE README.md lib "$STAGE/"
  if [[ -f API.md ]]; then cp API.md "$STAGE/"; fi
  ln -s "$ROOT/node_modules" "$STAGE/node_modules"
  rm -rf dist/python dist/java
  step "package python and java" bash -c 'cd "$1" && npx jsii-pacmak -v --target python --target java --outdir "$2"' _ "$STAGE" "$ROOT/dist"
fi
for f in "$WHEEL" "$JAR_DIR/cdk-parallelcluster-iam-$VERSION.jar" "$JAR_DIR/cdk-parallelcluster-iam-$VERSION.pom"; do
  [[ -f $f ]] || { echo "jsii-pacmak did not produce $f" >&2; exit 1; }
done
# jsii-pacmak writes the npm peer range (^2.88.0) into the pom as [2.88.0,3.0.0), then always resolves it
# to one version, the newest Maven knows at build time (versions:resolve-ranges; it has no switch to keep
# the range). Users therefore pin their aws-cdk-lib in dependencyManagement, which step 3 tests with the
# floor and with the newest release (docs/compatibility.md).
jar_dep() {
  grep -A1 "<artifactId>$1</artifactId>" "$JAR_DIR/cdk-parallelcluster-iam-$VERSION.pom" | sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p' | head -n 1
}
JAR_CDK=$(jar_dep aws-cdk-lib)
JAR_CONSTRUCTS=$(jar_dep constructs)
echo "  the jar's pom names aws-cdk-lib $JAR_CDK and constructs $JAR_CONSTRUCTS"

# 2. Python --------------------------------------------------------------------------------------------------
STEP="python deps"
echo "==> python deps (started in the background)"
if ! wait "$DEPS_PID"; then
  DEPS_PID=
  fail_with_log "$(log_of "python deps")"
fi
DEPS_PID=
TIMINGS+=("python deps $((SECONDS - DEPS_T0))s (overlapped)")
python_wheel() {
  "$VENV/bin/pip" install --disable-pip-version-check --no-input "$WHEEL"
  # Fails when the wheel's requirements conflict with the pinned CDK (e.g. a jsii runtime too old).
  "$VENV/bin/pip" check
  "$VENV/bin/pip" list --format=freeze
}
step "python wheel" python_wheel
step "python tests" "$VENV/bin/python" -m pytest -p no:cacheprovider -v examples/python/tests
step "python example" env EXAMPLE_OUTDIR="$OUT/python" "$VENV/bin/python" examples/python/app.py

# The ```python samples of README.md and docs/*.md, as a user copies them: each one a complete app whose
# app.synth() must write a cloud assembly (CDK_OUTDIR, one per sample). python_samples DIR [FILE.md ...]
SAMPLES=$OUT/samples
python_samples() {
  local dir=$1
  shift
  npx ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --emit-python "$dir/src" "$@"
  local f name where passed=0 failed=0
  for f in "$dir"/src/*.py; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .py)
    where=$(head -n 1 "$f" | sed 's/^# //')
    if (cd "$dir/src" && CDK_OUTDIR="$dir/out/$name" "$VENV/bin/python" "$f") && [[ -f $dir/out/$name/manifest.json ]]; then
      echo "ok   $where"
      passed=$((passed + 1))
    else
      echo "FAIL $where: see the output above"
      failed=$((failed + 1))
    fi
  done
  echo "python samples: $passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
step "python samples" python_samples "$SAMPLES/python"

# 3. Java ----------------------------------------------------------------------------------------------------
# install-file overwrites any earlier build of the same version in the local repository, so a stale jar
# from a previous run is never used.
step "java install jar" "${MVN[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.1:install-file \
  -DpomFile="$JAR_DIR/cdk-parallelcluster-iam-$VERSION.pom" -Dfile="$JAR_DIR/cdk-parallelcluster-iam-$VERSION.jar"
step "java tests and example" env EXAMPLE_OUTDIR="$OUT/java" "${MVN[@]}" -f examples/java/pom.xml \
  -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" clean test exec:java

# The same with the aws-cdk-lib and constructs the jar's pom names (the newest on Maven Central when the
# jar was built), which is what a user who pins nothing gets. With the floor above, dependencyManagement
# is tested with a version older than the jar's and with the jar's own. The templates and the cluster
# configuration fragments must be the bytes the TypeScript example writes at the floor (no feature flags
# are set, and aws-cdk-lib gives the same template from 2.88 on: docs/compatibility.md).
step "java with aws-cdk-lib $JAR_CDK" env EXAMPLE_OUTDIR="$OUT/java-newest" "${MVN[@]}" -f examples/java/pom.xml \
  -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" \
  -Daws-cdk-lib.version="$JAR_CDK" -Dconstructs.version="$JAR_CONSTRUCTS" clean test exec:java

# The ```java samples of README.md and docs/*.md: their statements in a main method each, compiled against the
# jar in a copy of the example's Maven project (same aws-cdk-lib pin), then run in order by samples.RunAll.
# java_samples DIR [FILE.md ...]
java_samples() {
  local dir=$1
  shift
  npx ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --emit-java "$dir/src/main/java" "$@"
  cp examples/java/pom.xml "$dir/pom.xml"
  CDK_OUTDIR="$dir/out" "${MVN[@]}" -f "$dir/pom.xml" \
    -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" -Dexec.mainClass=samples.RunAll \
    compile exec:java
}
step "java samples" java_samples "$SAMPLES/java"

# The two runners above must fail on a broken sample: one that raises (Python), one that does not compile and
# one that throws (Java). Each is run alone, so that one failing does not hide another that passes.
samples_self_test() {
  local dir=$SAMPLES/self-test
  mkdir -p "$dir"
  printf '%s\n' '```python' 'import aws_cdk as cdk' 'app = cdk.App()' 'undefined_bucket.grant_read(app)' 'app.synth()' '```' >"$dir/raises.md"
  printf '%s\n' '```java' 'import software.amazon.awscdk.App;' 'App app = new App();' 'undefinedBucket.grantRead(app);' 'app.synth();' '```' >"$dir/no-compile.md"
  printf '%s\n' '```java' 'import software.amazon.awscdk.App;' 'import software.amazon.awscdk.Stack;' 'App app = new App();' \
    'new Stack(app, "Not a valid id!");' 'app.synth();' '```' >"$dir/throws.md"
  if python_samples "$dir/python" "$dir/raises.md"; then echo "self-test: a Python sample that raises passed" >&2; return 1; fi
  if java_samples "$dir/no-compile" "$dir/no-compile.md"; then echo "self-test: a Java sample that does not compile passed" >&2; return 1; fi
  if java_samples "$dir/throws" "$dir/throws.md"; then echo "self-test: a Java sample that throws passed" >&2; return 1; fi
  echo "samples self-test: the Python and Java runners fail on a sample that raises, does not compile or throws"
}
step "samples self-test" samples_self_test

# 4. TypeScript ----------------------------------------------------------------------------------------------
step "typescript example" env EXAMPLE_OUTDIR="$OUT/typescript" npx ts-node --transpile-only --project tsconfig.dev.json examples/app.ts

# 5. Compare -------------------------------------------------------------------------------------------------
STEP=compare
echo "==> compare"
npx ts-node --transpile-only --project tsconfig.dev.json scripts/compare-templates.ts --self-check \
  --require .template.json --require .pcluster-config.yaml --require .pcluster-image-config.yaml --require .iam-report.md \
  typescript="$OUT/typescript" python="$OUT/python" java="$OUT/java"

# The jar's aws-cdk-lib from Java gives the floor's template and fragments (the manifest and the tree
# differ between aws-cdk-lib versions, so only these are compared).
for f in ParallelClusterIamExample.template.json ParallelClusterIamExample.pcluster-config.yaml ParallelClusterIamExample.pcluster-image-config.yaml; do
  cmp "$OUT/typescript/$f" "$OUT/java-newest/$f" || { echo "bindings-check: $f differs between TypeScript (aws-cdk-lib floor) and Java with aws-cdk-lib $JAR_CDK" >&2; exit 1; }
done
echo "  java with aws-cdk-lib $JAR_CDK: the same template and fragments as TypeScript with the floor"

echo "  python tests: $(grep -E '=+ .*[0-9]+ passed' "$(log_of "python tests")" | tail -n 1 | tr -d '=' | xargs || true)"
echo "  $(grep -E '^python samples: ' "$(log_of "python samples")" | tail -n 1)"
echo "  $(grep -E '^java samples: [0-9]+ passed' "$(log_of "java samples")" | tail -n 1)"
echo "  $(grep -E '^samples self-test: ' "$(log_of "samples self-test")" | tail -n 1)"
echo "  java tests: $(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$(log_of "java tests and example")" | tail -n 1 | sed 's/^\[INFO\] //' || true)"
echo "  step times: $(IFS=';'; echo "${TIMINGS[*]}" | sed 's/;/, /g')"
echo "bindings-check: OK: Python wheel and Java jar built; the Python and Java example apps synthesized the same assembly as examples/app.ts, and the README's and docs' Python and Java samples ran, in $((SECONDS - START))s"
