#!/usr/bin/env bash
# Runs the steps of `npx projen ci` in order, each a projen task, and shows where the time goes:
#
#   ci: 14 steps: default, compile, ...
#   [1/14] default                  (the task's own output follows)
#   [1/14] default: ok in 4 s
#   ...
#   ci: time per step                (a table, also printed when a step fails)
#
# Stops at the first step that fails and exits with its status. Each argument is one step: a projen task name,
# optionally followed by arguments for that task (`"test --maxWorkers=2"`). The step list lives in .projenrc.ts.
#
# A step written `&task` mostly waits for the network (downloads from PyPI, say): it starts in the background
# when the run starts, with its output in ci.out/<task>.log, and at its place in the list the run waits for
# it, prints its output and counts it as passed or failed there; the table shows the time it still had to be
# waited for there, and how long it ran in all.
#
# Usage: bash scripts/ci-steps.sh TASK [TASK ...]
set -uo pipefail
cd "$(dirname "$0")/.."

if [[ $# -eq 0 ]]; then
  echo "usage: bash scripts/ci-steps.sh TASK [TASK ...]" >&2
  exit 2
fi

steps=("$@")
total=${#steps[@]}
names=()
for step in "${steps[@]}"; do step=${step#&}; names+=("${step%% *}"); done
echo "ci: $total steps: $(IFS=','; echo "${names[*]}" | sed 's/,/, /g')"

# The projen binary of this checkout (no npx lookup per step).
projen=node_modules/.bin/projen
[[ -x $projen ]] || projen="npx projen"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", b - a + 0.5 }'; }

# Background steps: started now, waited for at their place.
declare -A bg_pid bg_log bg_start
bg_pids=()
cleanup() {
  local pid
  # Each background step runs in a process group of its own (setsid): end it with everything it started.
  for pid in "${bg_pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p ci.out
for step in "${steps[@]}"; do
  [[ $step == '&'* ]] || continue
  step=${step#&}
  name=${step%% *}
  bg_log[$name]=ci.out/${name//[:\/]/-}.log
  bg_start[$name]=$(now)
  # shellcheck disable=SC2086 # a step is a task name and its arguments, split on spaces on purpose
  setsid $projen $step >"${bg_log[$name]}" 2>&1 </dev/null &
  bg_pid[$name]=$!
  bg_pids+=("$!")
  echo "ci: started $name in the background (output in ${bg_log[$name]})"
done

rows=()
start=$(now)
table() {
  echo "ci: time per step"
  local row
  for row in "${rows[@]}"; do echo "  $row"; done
  printf '  %-40s %6s s\n' "total" "$(secs "$start" "$(now)")"
}

i=0
for step in "${steps[@]}"; do
  i=$((i + 1))
  background=
  [[ $step == '&'* ]] && background=1
  step=${step#&}
  name=${step%% *}
  echo
  echo "[$i/$total] $name"
  t0=$(now)
  if [[ -n $background ]]; then
    echo "(started in the background at the beginning; waiting for it)"
    wait "${bg_pid[$name]}"
    rc=$?
    cat "${bg_log[$name]}"
    name="$name (ran $(secs "${bg_start[$name]}" "$(now)") s)"
  else
    # shellcheck disable=SC2086 # a step is a task name and its arguments, split on spaces on purpose
    $projen $step
    rc=$?
  fi
  took=$(secs "$t0" "$(now)")
  if [[ $rc -ne 0 ]]; then
    rows+=("$(printf '%-40s %6s s  FAILED (exit %d)' "[$i/$total] $name" "$took" "$rc")")
    echo "[$i/$total] $name: FAILED (exit $rc) after $took s; the steps after it did not run"
    table
    exit "$rc"
  fi
  rows+=("$(printf '%-40s %6s s' "[$i/$total] $name" "$took")")
  echo "[$i/$total] $name: ok in $took s"
done

echo
table
echo "ci: all $total steps passed"
