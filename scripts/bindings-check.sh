#!/usr/bin/env bash
# The bindings check (`npx projen bindings`): proves that Python and Java users get the same constructs as
# TypeScript users, by using the built packages the way those users do.
#
#   1. The Python wheel (dist/python) and the Java jar (dist/java) are built from a copy of the npm package's
#      files (bindings.out/package), unless the build already did (a wheel and a jar newer than .jsii are used
#      as they are): the jar by jsii-pacmak as package:java does (its Maven build, without the javadoc jar),
#      the wheel by pip from the sources jsii-pacmak generates for package:python (the wheel package:python
#      builds, file for file).
#   2. Python: a fresh venv gets aws-cdk-lib and constructs from PyPI, then the wheel; the wrong-type tests
#      (examples/python/tests) run, then the example app examples/python/app.py synthesizes.
#   3. Java: the jar goes into the local Maven repository; Maven takes aws-cdk-lib from Maven Central, runs
#      the wrong-input tests (examples/java/src/test) and the example app (examples/java/src/main).
#      Then every ```python and ```java code sample of README.md and docs/*.md runs the same way (extracted by
#      scripts/check-samples.ts): the Python samples with the venv's Python, all in one process
#      (scripts/run-python-samples.py), each of which must synthesize a cloud assembly of its own; the Java
#      samples compiled in a copy of the example's Maven project and run one after the other. A self-test
#      shows that each runner fails on a broken sample: a Python sample that raises and a Java sample that
#      throws run first with the real samples, and must be reported as failed; a Java sample that does not
#      compile gets a Maven build of its own.
#   4. TypeScript: the example app examples/app.ts synthesizes from source.
#   5. scripts/compare-templates.ts requires the three cloud assemblies (template, ParallelCluster config
#      fragments, permissions report, manifest, construct tree) to be identical after normalising only what
#      legitimately differs between languages.
#   6. No temporary directory is left behind: every tool's temporary files go to bindings.out/tmp (TMPDIR,
#      java.io.tmpdir), removed at the end, and the check fails if /tmp got new cdk.out* or
#      jsii-java-runtime* directories while it ran.
#
# Steps 1 to 4 run in two lanes at the same time, one a core: Python (wheel, tests, example, samples) and Java
# (jar; then its tests and example at the floor and at the newest aws-cdk-lib, and beside them its samples,
# their self-test and the TypeScript example). A step is mostly one process at a time waiting for another (the
# jsii kernel, Maven's forked JVM), so the steps beside the example builds use what the lanes leave of the two
# cores; that way the two lanes end close together.
#
# Assumes node_modules exists (npm ci); compiles the jsii assembly itself when it is missing or older than
# src/. Outputs: bindings.out/{typescript,python,java}/ (cloud assemblies) and bindings.out/logs/ (one log a
# step, printed when the step fails; VERBOSE=1 prints them all, the two lanes' interleaved). Exits non-zero on
# any failure; the last line says OK or FAILED, and at which step.
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
LANES=()
# Every temporary file of every tool (Python, Node.js and the jsii kernel, pip, jsii-pacmak, the JVMs through
# java.io.tmpdir) goes under one scratch directory that is removed when the check ends, pass or fail: without
# it, each App() without an outdir left a /tmp/cdk.outXXXX behind, and each jsii Java runtime a
# /tmp/jsii-java-runtimeXXXX.
SCRATCH=$OUT/tmp
leaked_tmp() { find /tmp -maxdepth 1 \( -name 'cdk.out*' -o -name 'jsii-java-runtime*' \) -print 2>/dev/null | sort; }
TMP_BEFORE=$(leaked_tmp)
on_exit() {
  local rc=$?
  local pid
  for pid in "${LANES[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  rm -rf "$SCRATCH"
  if [[ $rc -ne 0 ]]; then
    if [[ -s $OUT/failed-steps ]]; then STEP=$(paste -sd, "$OUT/failed-steps"); fi
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

# Runs a step with its output in a log that is printed only when the step fails (or with VERBOSE=1). Its
# time goes to $OUT/timings, and its name to $OUT/failed-steps when it fails (steps run in two lanes at once).
step() {
  local name=$1
  shift
  STEP=$name
  local log t0=$SECONDS
  log=$(log_of "$name")
  echo "==> $name"
  if [[ -n "${VERBOSE:-}" ]]; then
    "$@" 2>&1 | tee "$log"
    if [[ ${PIPESTATUS[0]} -ne 0 ]]; then echo "$name" >>"$OUT/failed-steps"; return 1; fi
  elif ! "$@" >"$log" 2>&1; then
    echo "$name" >>"$OUT/failed-steps"
    fail_with_log "$log"
    return 1
  fi
  echo "$name $((SECONDS - t0))s" >>"$OUT/timings"
}

# Waits for a background job (a child of the calling shell) that writes the log of NAME; fails like a step.
wait_for() {
  local name=$1 pid=$2 t0=$3
  STEP=$name
  echo "==> $name (started in the background)"
  if ! wait "$pid"; then
    echo "$name" >>"$OUT/failed-steps"
    fail_with_log "$(log_of "$name")"
    return 1
  fi
  echo "$name $((SECONDS - t0))s (overlapped)" >>"$OUT/timings"
}

rm -rf "$OUT"
mkdir -p "$LOGS" "$SCRATCH"
: >"$OUT/timings"
export TMPDIR=$SCRATCH
export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:+$JAVA_TOOL_OPTIONS }-Djava.io.tmpdir=$SCRATCH"

# 1. Packages ------------------------------------------------------------------------------------------------
if [[ ! -f .jsii ]] || [[ -n "$(find src -newer .jsii -name '*.ts' -print -quit)" ]]; then
  step "jsii compile" npx jsii --silence-warnings=reserved-word
fi
WHEEL=dist/python/cdk_parallelcluster_iam-$VERSION-py3-none-any.whl
JAR_DIR=dist/java/io/github/cdkparallelclusteriam/cdk-parallelcluster-iam/$VERSION
JAR=$JAR_DIR/cdk-parallelcluster-iam-$VERSION.jar
POM=$JAR_DIR/cdk-parallelcluster-iam-$VERSION.pom
# `npx projen build` packages all three languages when CI is not set (package-all), or only npm when it is
# (the build workflow packages Python and Java in jobs of their own). A wheel and a jar that are newer than
# the jsii assembly are those packages: use them instead of packaging a second time.
PACKAGED=
if [[ -f $WHEEL && -f $JAR && $WHEEL -nt .jsii && $JAR -nt .jsii ]]; then
  echo "==> package python and java: using dist/python and dist/java from the build (newer than .jsii)"
  PACKAGED=1
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
fi

# The wheel: jsii-pacmak generates the Python package's sources (what package:python generates), and pip builds
# the wheel from them with the build backend they declare (setuptools, in pip's isolated build environment),
# which is what package:python's `python -m build` does for its wheel, without its sdist, its second build
# environment and its twine check of the PyPI description (the release workflow runs package:python in full).
package_python() {
  local src=$OUT/python-src
  (cd "$STAGE" && npx jsii-pacmak -v --code-only --target python --outdir "$src") &&
    "$PYTHON" -m pip wheel --disable-pip-version-check --no-input --no-deps -w dist/python "$src/python"
}
# The jar: jsii-pacmak's own Maven build (package:java): the same pom, compile, tests and jar, and the sources
# jar. Two differences, both for time:
#   - its Maven uses the local repository the rest of the check uses (warm, and filled by bindings:prefetch)
#     instead of a new empty one per run, which downloaded aws-cdk-lib (111 MB) and every Maven plugin each
#     time. jsii-pacmak still resolves the pom's aws-cdk-lib range to the newest release the repository's
#     metadata names (Maven refreshes that metadata once a day);
#   - no javadoc jar (maven.javadoc.skip): jsii-pacmak's pom runs javadoc with failOnError=false and doclint
#     off, so it can fail nothing, and the javadoc jar is for Maven Central only (the release builds it).
package_java() {
  (cd "$STAGE" && npx jsii-pacmak -v --target java --outdir "$ROOT/dist" \
    --maven-local-repository "${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" --mvn-define=maven.javadoc.skip=true)
}

# 2. Python --------------------------------------------------------------------------------------------------
# The Python dependencies (examples/python/requirements.txt: aws-cdk-lib and constructs pinned to the floor, and
# pytest) do not need the wheel. They are installed once per machine into a venv of the user's cache, keyed by
# the requirements and the Python (scripts/lib/tool-cache.sh): installing aws-cdk-lib took about 3 minutes of
# every run, on the Python lane's critical path. Each run still gets a fresh venv of its own, which sees those
# packages through a .pth file, and into which the wheel is installed: pip resolves the wheel's requirements
# against them, and `pip check` (python_wheel) checks them, as in a user's venv.
install_python_deps() { # install_python_deps DIR
  "$PYTHON" -m venv "$1" &&
    "$1/bin/pip" install --disable-pip-version-check --no-input -r "$ROOT/examples/python/requirements.txt"
}
python_deps() {
  rm -rf "$VENV"
  local deps purelib='import sysconfig; print(sysconfig.get_paths()["purelib"])'
  # shellcheck source=lib/tool-cache.sh
  source "$ROOT/scripts/lib/tool-cache.sh"
  deps=$(tool_cache_dir bindings-python-deps "$("$PYTHON" --version)" "$(cat examples/python/requirements.txt)")
  tool_cache_build "$deps" install_python_deps &&
    "$PYTHON" -m venv "$VENV" &&
    "$deps/bin/python" -c "$purelib" >"$("$VENV/bin/python" -c "$purelib")/bindings-python-deps.pth" &&
    echo "python deps: the packages of $deps"
}
python_wheel() {
  "$VENV/bin/pip" install --disable-pip-version-check --no-input "$WHEEL" &&
    # Fails when the wheel's requirements conflict with the pinned CDK (e.g. a jsii runtime too old).
    "$VENV/bin/pip" check &&
    "$VENV/bin/pip" list --format=freeze
}

# The ```python and ```java samples of README.md and docs/*.md (here and in 3.), and a self-test that shows that
# their runners fail on a broken sample: one that raises (Python), one that throws and one that does not compile
# (Java). The broken samples are Markdown files of their own (under bindings.out, named relative to the root:
# the runners report samples by file and line), extracted like the real ones by scripts/check-samples.ts.
SAMPLES=$OUT/samples
SELF_TEST=${SAMPLES#"$ROOT"/}/self-test
self_test_md() { # self_test_md NAME LANGUAGE LINE...: writes $SELF_TEST/NAME.md, one fenced block; prints its path
  mkdir -p "$SELF_TEST"
  printf '%s\n' "\`\`\`$2" "${@:3}" '```' >"$SELF_TEST/$1.md"
  echo "$SELF_TEST/$1.md"
}

# Python: every sample as a user copies it, a complete app whose app.synth() must write a cloud assembly, run
# against the wheel by scripts/run-python-samples.py, all in one Python process (each Python process spends
# about 10 s of CPU importing aws_cdk alone), one after the other, each as __main__ in fresh globals. The
# runner learns where each sample synthesized (App() without an outdir makes a temporary directory under
# TMPDIR), requires a manifest.json there, and moves the assembly to $SAMPLES/python/out/NAME; each sample's
# output is in $SAMPLES/python/logs/NAME.log, and printed. The self-test's sample runs first in the same process
# and must fail: the runner must report it as failed, with its NameError, and still run the others.
python_samples() {
  local dir=$SAMPLES/python raises self_test_log
  raises=$(self_test_md python-raises python 'import aws_cdk as cdk' 'app = cdk.App()' 'undefined_bucket.grant_read(app)' 'app.synth()')
  npx ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --emit-python "$dir/src" --expect-failure "$raises" || return 1
  env -u CDK_OUTDIR "$VENV/bin/python" scripts/run-python-samples.py --expect-failure "$raises" "$dir/out" "$dir/logs" "$dir"/src/*.py |
    tee "$dir/run.log" || return 1
  self_test_log=$dir/logs/$(basename "$(grep -l "^# $raises:" "$dir"/src/*.py)" .py).log
  if ! grep -q "^FAIL $raises:" "$dir/run.log" || ! grep -q "NameError: name 'undefined_bucket'" "$self_test_log"; then
    echo "self-test: the Python runner did not report the sample that raises ($raises) as failed with its NameError" >&2
    return 1
  fi
  echo "python samples self-test: the Python runner fails on a sample that raises, and runs the samples after it"
}

# 3. Java ----------------------------------------------------------------------------------------------------
# The ```java samples: each sample's statements in a main method (or the sample's own class), compiled against
# the jar in a copy of the example's Maven project (same aws-cdk-lib pin), then run in order by samples.RunAll,
# which reports each sample. java_samples DIR [check-samples.ts options] [FILE.md ...]
java_samples() {
  local dir=$1
  shift
  npx ts-node --transpile-only --project tsconfig.dev.json scripts/check-samples.ts --emit-java "$dir/src/main/java" "$@" || return 1
  cp examples/java/pom.xml "$dir/pom.xml" || return 1
  CDK_OUTDIR="$dir/out" "${MVN[@]}" -f "$dir/pom.xml" \
    -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" -Dexec.mainClass=samples.RunAll \
    compile exec:java
}
# The real samples, and the self-test's sample that throws: RunAll runs it first and must report it as failed
# (it exits 1 when it does not throw) and still run the others.
java_samples_all() {
  local dir=$SAMPLES/java throws
  throws=$(self_test_md java-throws java 'import software.amazon.awscdk.App;' 'import software.amazon.awscdk.Stack;' \
    'App app = new App();' 'new Stack(app, "Not a valid id!");' 'app.synth();')
  java_samples "$dir" --expect-failure "$throws" 2>&1 | tee "$dir.log" || return 1
  # (Maven's colour codes may precede the line: match it anywhere.)
  if ! grep -q "FAIL $throws:.*Not a valid id" "$dir.log"; then
    echo "self-test: RunAll did not report the Java sample that throws ($throws) as failed" >&2
    return 1
  fi
}
# The self-test's sample that does not compile needs a Maven build of its own, which stops at the compiler.
java_self_test() {
  local dir=$SAMPLES/self-test/java-no-compile no_compile rc=0
  no_compile=$(self_test_md java-no-compile java 'import software.amazon.awscdk.App;' 'App app = new App();' \
    'undefinedBucket.grantRead(app);' 'app.synth();')
  java_samples "$dir" "$no_compile" 2>&1 | tee "$dir.log" || rc=$?
  if [[ $rc -eq 0 ]]; then echo "self-test: a Java sample that does not compile passed" >&2; return 1; fi
  if ! grep -q 'COMPILATION ERROR' "$dir.log"; then echo "self-test: the Java sample that does not compile failed without a compilation error" >&2; return 1; fi
  echo "java samples self-test: the Java runner fails on a sample that does not compile, and on one that throws (java samples)"
}

# The Python lane and the Java lane run at the same time (two cores; each is mostly one process at a time):
# Python packages its wheel and runs its tests, example and samples while jsii-pacmak builds the jar, and the
# Java lane runs its samples beside its example builds.
lane_python() {
  local deps_t0=$SECONDS deps
  python_deps >"$(log_of "python deps")" 2>&1 &
  deps=$!
  if [[ -z $PACKAGED ]]; then
    step "package python" package_python || { kill "$deps" 2>/dev/null; return 1; }
  fi
  [[ -f $WHEEL ]] || { echo "package python" >>"$OUT/failed-steps"; echo "jsii-pacmak and pip did not produce $WHEEL" >&2; kill "$deps" 2>/dev/null; return 1; }
  wait_for "python deps" "$deps" "$deps_t0" || return 1
  step "python wheel" python_wheel || return 1
  step "python tests" "$VENV/bin/python" -m pytest -p no:cacheprovider -v examples/python/tests || return 1
  step "python example" env EXAMPLE_OUTDIR="$OUT/python" "$VENV/bin/python" examples/python/app.py || return 1
  step "python samples" python_samples
}

lane_java() {
  if [[ -z $PACKAGED ]]; then
    step "package java" package_java || return 1
  fi
  local f
  for f in "$JAR" "$POM"; do
    [[ -f $f ]] || { echo "package java" >>"$OUT/failed-steps"; echo "jsii-pacmak did not produce $f" >&2; return 1; }
  done
  # jsii-pacmak writes the npm peer range (^2.88.0) into the pom as [2.88.0,3.0.0), then always resolves it
  # to one version, the newest Maven knows at build time (versions:resolve-ranges; it has no switch to keep
  # the range). Users therefore pin their aws-cdk-lib in dependencyManagement, which this lane tests with the
  # floor and with the newest release (docs/compatibility.md).
  local jar_cdk jar_constructs
  jar_cdk=$(jar_dep aws-cdk-lib)
  jar_constructs=$(jar_dep constructs)
  echo "$jar_cdk" >"$OUT/jar-aws-cdk-lib"
  echo "  the jar's pom names aws-cdk-lib $jar_cdk and constructs $jar_constructs"
  # install-file overwrites any earlier build of the same version in the local repository, so a stale jar
  # from a previous run is never used.
  step "java install jar" "${MVN[@]}" org.apache.maven.plugins:maven-install-plugin:3.1.1:install-file \
    -DpomFile="$POM" -Dfile="$JAR" || return 1
  # The samples need only the installed jar: they run beside the two builds of the example (each of which is
  # mostly one process at a time), then the TypeScript example.
  local beside rc=0
  lane_java_beside &
  beside=$!
  step "java tests and example" env EXAMPLE_OUTDIR="$OUT/java" "${MVN[@]}" -f examples/java/pom.xml \
    -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" clean test exec:java &&
    java_newest "$jar_cdk" "$jar_constructs" || rc=1
  wait "$beside" || rc=1
  return "$rc"
}
java_newest() { # java_newest AWS_CDK_LIB CONSTRUCTS
  # The same with the aws-cdk-lib and constructs the jar's pom names (the newest on Maven Central when the
  # jar was built), which is what a user who pins nothing gets. With the floor above, dependencyManagement
  # is tested with a version older than the jar's and with the jar's own. The templates and the cluster
  # configuration fragments must be the bytes the TypeScript example writes at the floor (no feature flags
  # are set, and aws-cdk-lib gives the same template from 2.88 on: docs/compatibility.md).
  step "java with aws-cdk-lib $1" env EXAMPLE_OUTDIR="$OUT/java-newest" "${MVN[@]}" -f examples/java/pom.xml \
    -Dparallelcluster-iam.version="$VERSION" -Djsii-runtime.version="$PACMAK_VERSION" \
    -Daws-cdk-lib.version="$1" -Dconstructs.version="$2" clean test exec:java
}
lane_java_beside() {
  step "java samples" java_samples_all || return 1
  step "java samples self-test" java_self_test || return 1
  # 4. TypeScript ----------------------------------------------------------------------------------------------
  step "typescript example" env EXAMPLE_OUTDIR="$OUT/typescript" npx ts-node --transpile-only --project tsconfig.dev.json examples/app.ts
}
jar_dep() {
  grep -A1 "<artifactId>$1</artifactId>" "$POM" | sed -n 's/.*<version>\(.*\)<\/version>.*/\1/p' | head -n 1
}

LANES_T0=$SECONDS
lane_python &
LANES+=($!)
lane_java &
LANES+=($!)
LANES_RC=0
for pid in "${LANES[@]}"; do
  wait "$pid" || LANES_RC=1
done
LANES=()
echo "python and java lanes $((SECONDS - LANES_T0))s (at the same time)" >>"$OUT/timings"
if [[ $LANES_RC -ne 0 ]]; then exit 1; fi
JAR_CDK=$(cat "$OUT/jar-aws-cdk-lib")

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

# No temporary directory outlives the check: every tool wrote under $SCRATCH (removed on exit), none in /tmp.
STEP="temporary directories"
rm -rf "$SCRATCH"
LEAKED=$(comm -13 <(echo "$TMP_BEFORE") <(leaked_tmp) | sed '/^$/d')
if [[ -n $LEAKED ]]; then
  echo "bindings-check: these temporary directories appeared in /tmp while the check ran (from a tool that ignores TMPDIR" >&2
  echo "and java.io.tmpdir, or from another process running at the same time: their stacks tell which):" >&2
  while read -r d; do
    echo "  $d (made at $(stat -c %y "$d" 2>/dev/null | cut -c12-19); stacks: $(find "$d" -maxdepth 1 -name '*.template.json' -printf '%f ' 2>/dev/null | sed 's/\.template\.json//g'))" >&2
  done <<<"$LEAKED"
  exit 1
fi
echo "  temporary directories: none left in /tmp (no new cdk.out*, jsii-java-runtime*)"

echo "  python tests: $(grep -E '=+ .*[0-9]+ passed' "$(log_of "python tests")" | tail -n 1 | tr -d '=' | xargs || true)"
echo "  $(grep -E '^python samples: ' "$(log_of "python samples")" | tail -n 1)"
echo "  $(grep -E '^java samples: [0-9]+ passed' "$(log_of "java samples")" | tail -n 1)"
echo "  $(grep -E '^python samples self-test: the' "$(log_of "python samples")" | tail -n 1)"
# (Maven's colour codes may precede the line: match it anywhere.)
echo "  $(grep -oE 'java samples self-test: .*' "$(log_of "java samples self-test")" | tail -n 1)"
echo "  java tests: $(grep -E 'Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$(log_of "java tests and example")" | tail -n 1 | sed 's/^\[INFO\] //' || true)"
echo "  step times: $(paste -sd, "$OUT/timings" | sed 's/,/, /g')"
echo "bindings-check: OK: Python wheel and Java jar built; the Python and Java example apps synthesized the same assembly as examples/app.ts, and the README's and docs' Python and Java samples ran, in $((SECONDS - START))s"
