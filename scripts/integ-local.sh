#!/usr/bin/env bash
# The local deploy test (`npx projen integ:local`; see docs/deploy-test.md): starts a local AWS
# emulator on 127.0.0.1, then runs integ/deploy.test.ts, which deploys a stack of this library with
# the AWS CDK CLI, reads it back through the IAM and CloudFormation APIs, updates it and destroys it,
# and integ/cluster-deploy.test.ts, which does the same with a ParallelCluster and a stand-in provider.
# The emulator is stopped on every exit, also on failure or Ctrl-C.
#
# Environment:
#   INTEG_VENV    the Python venv with the emulator; created from integ/emulator-requirements.txt when it does
#                 not exist (default: one per set of pins and Python in the user's cache, scripts/lib/tool-cache.sh,
#                 shared by every clone on the machine)
#   INTEG_PYTHON  the Python (>= 3.13) to create that venv with (default: the first one found)
#   INTEG_KEEP    set to 1 to keep the emulator's log and the cloud assemblies in the work directory
#   INTEG_UNPATCHED  set to 1 to run the emulator without integ/emulator.py's completions (the update
#                 checks then fail: that is what the completions are for)
#
# With --setup-only it only creates the emulator's venv (when missing) and exits: `npx projen ci` runs that in
# the background while other steps use the CPU, since it mostly waits for PyPI (`integ:setup`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REQUIREMENTS="$ROOT/integ/emulator-requirements.txt"

log() { echo "integ:local: $*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# localstack-core 4.14 uses Python 3.13 syntax and library functions (warnings.deprecated).
find_python() {
  local candidate
  for candidate in "${INTEG_PYTHON:-}" python3.14 python3.13 \
    "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.1[3-9]*/bin/python; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_emulator() { # install_emulator VENV
  "$PYTHON" -m venv "$1"
  "$1/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" \
    || fail "could not install the emulator from $REQUIREMENTS into $1"
}
if [ -n "${INTEG_VENV:-}" ]; then
  VENV=$INTEG_VENV
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import localstack.runtime.main' >/dev/null 2>&1; then
    PYTHON="$(find_python)" || fail "no Python >= 3.13 found (the emulator, localstack-core 4.14, needs it). Set INTEG_PYTHON to one."
    log "creating the emulator venv $VENV with $PYTHON (about 2 minutes)"
    rm -rf "$VENV"
    install_emulator "$VENV"
  fi
else
  PYTHON="$(find_python)" || fail "no Python >= 3.13 found (the emulator, localstack-core 4.14, needs it). Set INTEG_PYTHON to one."
  source "$ROOT/scripts/lib/tool-cache.sh"
  VENV=$(tool_cache_dir integ-emulator "$("$PYTHON" --version)" "$(cat "$REQUIREMENTS")")
  [ -f "$VENV/.ready" ] || log "creating the emulator venv $VENV with $PYTHON (once per machine; about 2 minutes)"
  tool_cache_build "$VENV" install_emulator
fi
if [ "${1:-}" = "--setup-only" ]; then
  log "the emulator venv is ready: $VENV"
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/integ-local.XXXXXX")"
EMULATOR_PID=""
cleanup() {
  local status=$?
  if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    # LocalStack shuts down on SIGTERM within a few seconds; force it if it does not.
    for _ in $(seq 1 50); do kill -0 "$EMULATOR_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    log "emulator stopped"
  fi
  if [ "$status" -ne 0 ] && [ -f "$WORK/emulator.log" ]; then
    log "last lines of the emulator's log ($WORK/emulator.log):"
    tail -n 40 "$WORK/emulator.log" >&2 || true
  fi
  if [ "${INTEG_KEEP:-0}" = "1" ] || [ "$status" -ne 0 ]; then
    log "work directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
ENDPOINT="http://127.0.0.1:$PORT"

# integ/emulator.py starts LocalStack with its CloudFormation IAM update handlers completed (see there).
# Host mode, nothing but loopback: the gateway listens on 127.0.0.1 only; its DNS server, event
# reporting and certificate download are off; its files go to the work directory; only the services
# a CDK deploy of IAM resources needs are enabled.
log "starting the emulator (LocalStack core, host mode) on $ENDPOINT"
(
  cd "$WORK"
  exec env \
    GATEWAY_LISTEN="127.0.0.1:$PORT" \
    GATEWAY_SERVER=hypercorn \
    SERVICES=cloudformation,iam,sts,s3,ssm,ecr,sns \
    DNS_ADDRESS=0 \
    DISABLE_EVENTS=1 \
    SKIP_SSL_CERT_DOWNLOAD=1 \
    PERSISTENCE=0 \
    FILESYSTEM_ROOT="$WORK/emulator-fs" \
    XDG_CACHE_HOME="$WORK/emulator-cache" \
    INTEG_UNPATCHED="${INTEG_UNPATCHED:-0}" \
    "$VENV/bin/python" "$ROOT/integ/emulator.py"
) >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!

ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
    fail "the emulator exited during start-up"
  fi
  if grep -q '^Ready\.' "$WORK/emulator.log" 2>/dev/null \
    && "$VENV/bin/python" -c "import urllib.request, sys; urllib.request.urlopen('$ENDPOINT/_localstack/health', timeout=2)" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
[ "$ready" = "1" ] || fail "the emulator did not become ready on $ENDPOINT within 60 s"
log "emulator ready"

# The standard AWS SDK settings, so that the CDK CLI and the test's SDK clients talk to the emulator
# with dummy credentials; nothing else is configured, and no profile or real credential is read.
export AWS_ENDPOINT_URL="$ENDPOINT"
export AWS_ACCESS_KEY_ID=integ-local-dummy
export AWS_SECRET_ACCESS_KEY=integ-local-dummy
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
: >"$AWS_CONFIG_FILE"
: >"$AWS_SHARED_CREDENTIALS_FILE"
export AWS_EC2_METADATA_DISABLED=true
export CDK_DISABLE_VERSION_CHECK=1
export CDK_DISABLE_CLI_TELEMETRY=true
export INTEG_WORK_DIR="$WORK"

# Arguments go to jest: `bash scripts/integ-local.sh integ/cluster-deploy.test.ts` runs one test file.
npx jest --config integ/jest.config.js --runInBand --ci "$@"
