#!/usr/bin/env bash
# Loads the configuration fragments the library emits with ParallelCluster's own schema (run by
# `npx projen schema:check`, a step of `npx projen ci`):
#   1. scripts/schema-check-inputs.ts writes, in one process, into $SCHEMA_OUT (default schema.out/):
#      a spread of ParallelClusterIam configurations, each emitted fragment merged into a minimal complete
#      configuration (scripts/schema-fragments.ts); the completed configurations written from
#      examples/cluster-config.yaml and image-config.yaml (scripts/completed-configs.ts); and the
#      configuration the ParallelCluster construct hands to its custom resource provider
#      (scripts/cluster-resource-config.ts);
#   2. scripts/pcluster-schema-check.py, one process per release, loads each with the ClusterSchema /
#      ImageBuilderSchema of the aws-parallelcluster release it targets, offline: 3.16.1 (in .venv, the
#      newest) and, for AWS Batch at V3_15, 3.15.1 (in .venv/pcluster-3.15.1), both installed by
#      scripts/install-python-tools.sh;
#   3. the self-test: configurations broken on purpose must be refused, for the reason they were broken.
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

# One process writes every configuration below (each ts-node process spends about 5 s of CPU loading
# aws-cdk-lib and the library).
npx ts-node --transpile-only --project tsconfig.dev.json scripts/schema-check-inputs.ts "$OUT"

# The self-test's reasons: each file broken on purpose must be refused, and for the key it was broken on.
declare -A REASON=([misspelt-permissions-boundary]="PermissionBoundary" [awsbatch-v3-15]="Scheduler")

# One pcluster-schema-check.py per release, with all of that release's files (each process spends about
# 1.5 s of CPU importing pcluster). It fails when a file fails to load, or when a refused file loads or is
# refused for another reason; the counts below come from its `ok` and `refused as expected` lines.
checked=0
refused=0
for release in "${!PYTHON[@]}"; do
  args=()
  for kind in cluster image; do
    args+=(--kind "$kind")
    files=("$OUT/$release/$kind"/*.yaml)
    if [ -e "${files[0]}" ]; then
      args+=("${files[@]}")
    fi
    if [ "$release" = 3.16.1 ]; then
      # The completed configuration files ParallelClusterIam writes from the repository's example cluster
      # and image configurations (examples/*-config.yaml), and those inputs themselves.
      args+=("examples/$kind-config.yaml" "$OUT/completed/$kind"/*.yaml)
    fi
  done
  if [ "$release" = 3.16.1 ]; then
    # The configuration the ParallelCluster construct hands to ParallelCluster's custom resource provider, as
    # the provider receives it (every scalar a string): pcluster must load it as it loads the file.
    args+=(--kind cluster "$OUT"/cluster-resource/*.yaml)
  fi
  files=("$OUT/$release/refused/cluster"/*.yaml)
  if [ -e "${files[0]}" ]; then
    args+=(--kind cluster)
    for file in "${files[@]}"; do
      name="$(basename "$file" .yaml)"
      args+=(--refused "${REASON[$name]:?no expected reason for $name}" "$file")
    done
  fi
  "${PYTHON[$release]}" scripts/pcluster-schema-check.py "${args[@]}" | tee "$OUT/$release.check"
  checked=$((checked + $(grep -c '^ok ' "$OUT/$release.check" || true)))
  refused=$((refused + $(grep -c '^refused as expected: ' "$OUT/$release.check" || true)))
done

if [ "$checked" -lt 8 ]; then
  echo "schema-check: only $checked configurations were checked; scripts/schema-fragments.ts writes at least 8" >&2
  exit 1
fi

# From 3.14, pcluster build-image without Build/Iam/CleanupLambdaRole creates an account-wide role on
# /parallelcluster/ with no permissions boundary: every image fragment must name the library's role.
for file in "$OUT"/*/image/*.yaml; do
  grep -q 'CleanupLambdaRole: arn:' "$file" || { echo "schema-check: $file has no Build/Iam/CleanupLambdaRole" >&2; exit 1; }
done

[ "$refused" -eq 2 ] || { echo "schema-check: expected 2 refused configurations, found $refused" >&2; exit 1; }
echo "schema-check: $checked configurations load with ParallelCluster's own schema; $refused broken ones are refused"
