#!/usr/bin/env bash
# CI under load: clones the repository's main (or REF) into a fresh temp dir,
# starts one CPU hog (`node -e 'for(;;);'`, one core of a 2-core machine) and
# runs `bash .ci/run` there N times in a row, each from a fresh clone, printing
# each run's duration and exit status. The hog is killed by its PID at the end
# (also on Ctrl-C). Logs stay in the temp dir, whose path is printed. The Node
# binaries of the test matrix are downloaded once and shared by the runs.
#
#   scripts/ci-under-load.sh [-n N] [--ref REF] [--repo DIR] [--no-hog]
#   defaults: N=5, REF=main, DIR=this repository
set -uo pipefail

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
}

runs=5
ref=main
repo="$(cd "$(dirname "$0")/.." && pwd)"
hog=1
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="${2:?-n needs a number}"; shift 2 ;;
    --ref) ref="${2:?--ref needs a branch or commit}"; shift 2 ;;
    --repo) repo="${2:?--repo needs a directory}"; shift 2 ;;
    --no-hog) hog=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "ci-under-load: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$runs" in '' | *[!0-9]*) echo "ci-under-load: -n takes a positive integer, got $runs" >&2; exit 2 ;; esac

work="$(mktemp -d /tmp/loopscope-ci-XXXXXX)"
export NODE_LINES_CACHE="$work/node-cache"
hog_pid=""
stop_hog() {
  if [ -n "$hog_pid" ]; then
    kill "$hog_pid" 2>/dev/null
    wait "$hog_pid" 2>/dev/null
    hog_pid=""
  fi
}
trap 'stop_hog; exit 130' INT TERM
trap stop_hog EXIT

if [ "$hog" = 1 ]; then
  node -e 'for(;;);' &
  hog_pid=$!
  echo "CPU hog started: PID $hog_pid"
fi
# The project's tools beside the repository (../shared/bin/k6) are found the same way from the clones.
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
echo "Runs of .ci/run on fresh clones of $repo ($ref), logs in $work"

failed=0
summary=""
for i in $(seq 1 "$runs"); do
  dir="$work/run-$i"
  git clone --quiet --branch "$ref" "$repo" "$dir" 2>/dev/null ||
    { git clone --quiet "$repo" "$dir" && git -C "$dir" checkout --quiet "$ref"; } ||
    { echo "ci-under-load: cannot clone $repo at $ref" >&2; exit 1; }
  start=$(date +%s)
  (cd "$dir" && CI=true bash .ci/run) >"$work/run-$i.log" 2>&1
  status=$?
  secs=$(($(date +%s) - start))
  line="run $i: exit $status in $((secs / 60))m$((secs % 60))s (log: $work/run-$i.log)"
  echo "$line"
  summary="$summary$line"$'\n'
  [ "$status" = 0 ] || failed=$((failed + 1))
done
stop_hog
printf '\n%s%d of %d runs failed\n' "$summary" "$failed" "$runs"
[ "$failed" = 0 ]
