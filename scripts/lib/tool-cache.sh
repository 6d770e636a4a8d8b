# Sourced by the scripts that install the project's tools (Python venvs, actionlint): each tool lives in the
# user's cache, in a directory named after a hash of what it is built from (its pinned versions and the Python
# that runs it), so that every clone on a machine, CI's clean clones included, reuses it as it reuses npm's and
# pip's caches, and a change of pins builds a new one. The recorded-calls venv predates this file and keeps its
# own naming (scripts/recorded-calls/venv-path.sh) in the same directory.
#
#   tool_cache_dir NAME KEY...   prints <cache>/cdk-parallelcluster-iam/NAME-<sha256 of KEY..., 12 characters>
#   tool_cache_build DIR FUNC    runs `FUNC DIR` unless DIR is complete (a .ready file written after FUNC
#                                succeeded), under a lock (flock DIR.lock) so that two runs do not build the same
#                                directory at once; an incomplete DIR (an interrupted build) is removed first.

tool_cache_dir() {
  local name=$1
  shift
  local hash
  hash=$(printf '%s\n' "$@" | sha256sum | cut -c1-12)
  echo "${XDG_CACHE_HOME:-$HOME/.cache}/cdk-parallelcluster-iam/$name-$hash"
}

tool_cache_build() {
  local dir=$1 build=$2
  mkdir -p "$(dirname "$dir")"
  (
    flock 9
    if [[ ! -f $dir/.ready ]]; then
      rm -rf "$dir"
      mkdir -p "$dir"
      "$build" "$dir" || { rm -rf "$dir"; exit 1; }
      touch "$dir/.ready"
    fi
  ) 9>"$dir.lock"
}
