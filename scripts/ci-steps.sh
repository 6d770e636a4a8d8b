#!/usr/bin/env bash
# Runs the steps of `npx projen ci`, each a projen task, and shows where the time goes:
#
#   ci: 17 steps: default, compile, ...
#   [1/17] default                  (the task's own output follows)
#   [1/17] default: ok in 4 s
#   ...
#   ci: time per step                (a table, also printed when a step fails)
#
# The table also shows the CPU time each step's processes used, and how many cores were busy on average while
# a step ran (from /proc/stat, so it counts the background steps running at the same time too): fewer than all
# means the machine idled there.
#
# Stops at the first step that fails and exits with its status. Each argument is one step: a projen task name,
# optionally followed by arguments for that task (`"test --maxWorkers=2"`). The step list lives in .projenrc.ts.
#
# The machine has two cores, and many steps use one (a Python linter, jsii, Maven) or mostly wait for the network;
# two prefixes let such steps overlap:
#
# - `&task` mostly waits for the network (downloads from PyPI, say): it starts in the background when the run
#   starts, and at its place in the list the run waits for it, prints its output and counts it there. The table
#   shows the time it still had to be waited for there, and how long it ran in all.
# - `+task` starts in the background when the run reaches its place (after the steps before it passed) and runs
#   alongside the steps after it. The run checks it after every later step (and stops as soon as it failed), and
#   waits for it at the end. The table shows how long it ran, and how long the run still waited for it at the end.
#
# The output of a background step goes to ci.out/<task>.log, and is printed when its result is counted.
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
for step in "${steps[@]}"; do step=${step#[&+]}; names+=("${step%% *}"); done
echo "ci: $total steps: $(IFS=','; echo "${names[*]}" | sed 's/,/, /g')"

# The projen binary of this checkout (no npx lookup per step).
projen=node_modules/.bin/projen
[[ -x $projen ]] || projen="npx projen"

now() { date +%s.%N; }
# Busy and total CPU time of the machine so far (in clock ticks, all cores), from /proc/stat: a step's share of
# busy time tells whether the cores were idle while it ran (everything CI runs shares them).
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8; exit }' /proc/stat 2>/dev/null || echo "0 0"; }
cores=$(nproc 2>/dev/null || echo 1)
# busy_since "BUSY TOTAL": the cores busy on average since that reading, e.g. "1.9 of 2 cores busy".
busy_since() {
  local b0 t0 b1 t1
  read -r b0 t0 <<<"$1"
  read -r b1 t1 <<<"$(cpu_ticks)"
  awk -v db=$((b1 - b0)) -v dt=$((t1 - t0)) -v n="$cores" 'BEGIN { if (dt > 0) printf "%.1f of %d cores busy", n * db / dt, n }'
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", b - a + 0.5 }'; }

declare -A bg_pid bg_log bg_start bg_index
bg_pids=()
cleanup() {
  local pid
  # Each background step runs in a process group of its own (setsid): end it with everything it started.
  for pid in "${bg_pids[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p ci.out
rm -f ci.out/*.cpu

# The CPU time (user and system, in seconds) a step's processes used, as the shell that ran them counts it
# (`times`, which must run in that shell itself, not in a pipe's subshell): the inner shells below write it to
# ci.out/NAME.cpu.
export CPU_AWK='NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); printf "%d\n", u[1] * 60 + u[2] + s[1] * 60 + s[2] + 0.5 }'
cpu_of() { cat "ci.out/${1//[:\/]/-}.cpu" 2>/dev/null || echo '?'; }

# start NAME STEP: runs the projen task STEP in the background, its output in ci.out/NAME.log.
start_background() {
  local name=$1 step=$2
  bg_log[$name]=ci.out/${name//[:\/]/-}.log
  bg_start[$name]=$(now)
  # The step writes the time it ended beside its log, so that the table shows how long it really ran.
  rm -f "${bg_log[$name]%.log}.end"
  # shellcheck disable=SC2016,SC2086 # $1 is expanded by the inner shell; a step is a task and its arguments
  setsid bash -c '"${@:3}"; rc=$?; date +%s.%N >"$1"; times >"$2"; awk "$CPU_AWK" "$2" >"$2.s" && mv "$2.s" "$2"; exit $rc' _ \
    "${bg_log[$name]%.log}.end" "${bg_log[$name]%.log}.cpu" $projen $step \
    >"${bg_log[$name]}" 2>&1 </dev/null &
  bg_pid[$name]=$!
  bg_pids+=("$!")
}

for step in "${steps[@]}"; do
  [[ $step == '&'* ]] || continue
  step=${step#&}
  name=${step%% *}
  start_background "$name" "$step"
  echo "ci: started $name in the background (output in ${bg_log[$name]})"
done

# ended NAME: when the background step NAME ended (after it was waited for).
ended() { cat "${bg_log[$1]%.log}.end" 2>/dev/null || now; }

rows=()
start=$(now)
c_start=$(cpu_ticks)
table() {
  echo "ci: time per step"
  local row
  for row in "${rows[@]}"; do echo "  $row"; done
  printf '  %-48s %6s s  (cpu %s s in all steps; %s)\n' "total" "$(secs "$start" "$(now)")" \
    "$(cat ci.out/*.cpu 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')" "$(busy_since "$c_start")"
}

fail() { # fail LABEL TOOK RC
  rows+=("$(printf '%-48s %6s s  FAILED (exit %d)' "$1" "$2" "$3")")
  echo "$1: FAILED (exit $3) after $2 s; the steps after it did not run"
  table
  exit "$3"
}

# Alongside steps (`+`), in the order they started; `finish_alongside NAME` waits for one and counts it.
alongside=()
declare -A done_alongside
finish_alongside() {
  local name=$1 t0 rc label
  t0=$(now)
  wait "${bg_pid[$name]}"
  rc=$?
  done_alongside[$name]=1
  echo
  echo "[${bg_index[$name]}/$total] $name (ran alongside the steps after it; its output:)"
  cat "${bg_log[$name]}"
  label="[${bg_index[$name]}/$total] $name (ran $(secs "${bg_start[$name]}" "$(ended "$name")") s alongside)"
  [[ $rc -eq 0 ]] || fail "$label" "$(secs "$t0" "$(now)")" "$rc"
  rows+=("$(printf '%-48s %6s s  (cpu %s s)' "$label" "$(secs "$t0" "$(now)")" "$(cpu_of "$name")")")
  echo "$label: ok"
}
# Counts the alongside steps that have ended (and stops the run when one failed).
check_alongside() {
  local name
  for name in "${alongside[@]}"; do
    [[ -z ${done_alongside[$name]:-} ]] || continue
    kill -0 "${bg_pid[$name]}" 2>/dev/null || finish_alongside "$name"
  done
}

i=0
for step in "${steps[@]}"; do
  i=$((i + 1))
  if [[ $step == '+'* ]]; then
    step=${step#+}
    name=${step%% *}
    bg_index[$name]=$i
    start_background "$name" "$step"
    alongside+=("$name")
    echo
    echo "[$i/$total] $name: started alongside the next steps (output in ${bg_log[$name]})"
    continue
  fi
  background=
  [[ $step == '&'* ]] && background=1
  step=${step#&}
  name=${step%% *}
  echo
  echo "[$i/$total] $name"
  t0=$(now)
  c0=$(cpu_ticks)
  if [[ -n $background ]]; then
    echo "(started in the background at the beginning; waiting for it)"
    wait "${bg_pid[$name]}"
    rc=$?
    cat "${bg_log[$name]}"
    cpu_name=$name
    name="$name (ran $(secs "${bg_start[$name]}" "$(ended "$name")") s)"
  else
    # shellcheck disable=SC2016,SC2086 # $1 is expanded by the inner shell; a step is a task and its arguments
    bash -c '"${@:2}"; rc=$?; times >"$1"; awk "$CPU_AWK" "$1" >"$1.s" && mv "$1.s" "$1"; exit $rc' _ "ci.out/${name//[:\/]/-}.cpu" $projen $step
    rc=$?
  fi
  took=$(secs "$t0" "$(now)")
  [[ $rc -eq 0 ]] || fail "[$i/$total] $name" "$took" "$rc"
  rows+=("$(printf '%-48s %6s s  (cpu %s s; %s)' "[$i/$total] $name" "$took" "$(cpu_of "${cpu_name:-$name}")" "$(busy_since "$c0")")")
  cpu_name=
  echo "[$i/$total] $name: ok in $took s"
  check_alongside
done

for name in "${alongside[@]}"; do
  [[ -n ${done_alongside[$name]:-} ]] || finish_alongside "$name"
done

echo
table
echo "ci: all $total steps passed"
