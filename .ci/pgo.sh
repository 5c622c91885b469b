#!/usr/bin/env bash
# Rewrites cmd/stampede/default.pgo, the CPU profile the go command
# builds stampede with (profile-guided optimisation: Go inlines the hot
# calls the profile names, and devirtualises hot interface calls; a
# stale profile is still valid, only less effective). It is the merged
# profile of one run of every built-in and of the M/M/1 built-in at 10
# million customers (the scenario issue 19 measures), taken from a
# binary built without a profile.
#
#   .ci/pgo.sh
#
# Takes a few minutes on the 2-core machine. Outputs do not depend on the
# profile (.ci/outputs.sh holds them), only speed does: docs/PERFORMANCE.md
# has the figures. Re-run it when the hot paths change a lot.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -pgo=off -o "$tmp/stampede" ./cmd/stampede
export GODEBUG=asyncpreemptoff=1
for name in $("$tmp/stampede" list --width 0 | awk '{print $1}'); do
  "$tmp/stampede" run "$name" --parallel 1 --cpuprofile "$tmp/$name.pprof" > /dev/null
done
"$tmp/stampede" run mm1 --set duration=12500s --cpuprofile "$tmp/mm1-10M.pprof" > /dev/null
go tool pprof -proto "$tmp"/*.pprof > cmd/stampede/default.pgo
echo "wrote cmd/stampede/default.pgo ($(wc -c < cmd/stampede/default.pgo) bytes)"
