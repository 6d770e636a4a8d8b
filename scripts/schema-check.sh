#!/usr/bin/env bash
# Loads the configuration fragments the library emits with ParallelCluster's own schema (run by
# `npx projen schema:check`, a step of `npx projen ci`):
#   1. scripts/schema-fragments.ts synthesizes a spread of ParallelClusterIam configurations and merges
#      each emitted fragment into a minimal complete configuration (into $SCHEMA_OUT, default schema.out/);
#   2. scripts/pcluster-schema-check.py loads each with the ClusterSchema / ImageBuilderSchema of the
#      aws-parallelcluster release it targets, offline: 3.16.1 (in .venv, the newest) and, for AWS Batch
#      at V3_15, 3.15.1 (in .venv/pcluster-3.15.1), both installed by scripts/install-python-tools.sh;
#   3. the completed configurations written from examples/cluster-config.yaml and image-config.yaml;
#   4. the self-test: configurations broken on purpose must be refused, for the reason they were broken.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${SCHEMA_OUT:-schema.out}"
declare -A PYTHON=(
  [3.16.1]="${PCLUSTER_PYTHON_3_16_1:-.venv/bin/python}"
  [3.15.1]="${PCLUSTER_PYTHON_3_15_1:-.venv/pcluster-3.15.1/bin/python}"
)
for release in "${!PYTHON[@]}"; do
  python="${PYTHON[$release]}"
  installed="$("$python" -c 'from importlib.metadata import version; print(version("aws-parallelcluster"))' 2>/dev/null || true)"
  if [ "$installed" != "$release" ]; then
    echo "schema-check: $python has aws-parallelcluster '${installed:-none}', not $release; run bash scripts/install-python-tools.sh" >&2
    exit 1
  fi
done

npx ts-node --transpile-only --project tsconfig.dev.json scripts/schema-fragments.ts "$OUT"

checked=0
for release in "${!PYTHON[@]}"; do
  for kind in cluster image; do
    files=("$OUT/$release/$kind"/*.yaml)
    if [ -e "${files[0]}" ]; then
      "${PYTHON[$release]}" scripts/pcluster-schema-check.py --kind "$kind" "${files[@]}"
      checked=$((checked + ${#files[@]}))
    fi
  done
done
# The completed configuration files ParallelClusterIam writes from the repository's example cluster and
# image configurations (examples/*-config.yaml), and those inputs themselves.
npx ts-node --transpile-only --project tsconfig.dev.json scripts/completed-configs.ts "$OUT/completed" >/dev/null
"${PYTHON[3.16.1]}" scripts/pcluster-schema-check.py --kind cluster examples/cluster-config.yaml "$OUT"/completed/cluster/*.yaml
"${PYTHON[3.16.1]}" scripts/pcluster-schema-check.py --kind image examples/image-config.yaml "$OUT"/completed/image/*.yaml
checked=$((checked + 2 + $(ls "$OUT"/completed/cluster/*.yaml "$OUT"/completed/image/*.yaml | wc -l)))
# The configuration the ParallelCluster construct hands to ParallelCluster's custom resource provider, as
# the provider receives it (every scalar a string): pcluster must load it as it loads the file.
npx ts-node --transpile-only --project tsconfig.dev.json scripts/cluster-resource-config.ts "$OUT/cluster-resource" >/dev/null
"${PYTHON[3.16.1]}" scripts/pcluster-schema-check.py --kind cluster "$OUT"/cluster-resource/*.yaml
checked=$((checked + $(ls "$OUT"/cluster-resource/*.yaml | wc -l)))

if [ "$checked" -lt 8 ]; then
  echo "schema-check: only $checked configurations were checked; scripts/schema-fragments.ts writes at least 8" >&2
  exit 1
fi

# From 3.14, pcluster build-image without Build/Iam/CleanupLambdaRole creates an account-wide role on
# /parallelcluster/ with no permissions boundary: every image fragment must name the library's role.
for file in "$OUT"/*/image/*.yaml; do
  grep -q 'CleanupLambdaRole: arn:' "$file" || { echo "schema-check: $file has no Build/Iam/CleanupLambdaRole" >&2; exit 1; }
done

# The self-test: each refused file must fail, and for the key it was broken on.
declare -A REASON=([misspelt-permissions-boundary]="PermissionBoundary" [awsbatch-v3-15]="Scheduler")
refused=0
for file in "$OUT"/3.16.1/refused/cluster/*.yaml; do
  name="$(basename "$file" .yaml)"
  if output="$("${PYTHON[3.16.1]}" scripts/pcluster-schema-check.py --kind cluster "$file")"; then
    echo "schema-check: $file was accepted, but it is broken on purpose: the check cannot fail" >&2
    exit 1
  fi
  if ! grep -q "${REASON[$name]:?no expected reason for $name}" <<<"$output"; then
    echo "schema-check: $file was refused, but not for ${REASON[$name]}: $output" >&2
    exit 1
  fi
  echo "refused as expected: $file (${REASON[$name]})"
  refused=$((refused + 1))
done
[ "$refused" -eq 2 ] || { echo "schema-check: expected 2 refused configurations, found $refused" >&2; exit 1; }
echo "schema-check: $checked configurations load with ParallelCluster's own schema; $refused broken ones are refused"
