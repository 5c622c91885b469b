#!/usr/bin/env bash
# The outputs safety net: every built-in's table, --json, and --out DIR
# files (summary.json, series.csv, report.md and, with --plots, every PNG)
# and --traces file hashed and compared with testdata/outputs.sha256.
#
#   .ci/outputs.sh BINARY           compare (exit 1 naming what changed)
#   .ci/outputs.sh BINARY --record  rewrite testdata/outputs.sha256
#
# A change of output on purpose is its own commit that re-records the file
# and says why.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
mode=${2:-check}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for name in $("$bin" list --width 0 | awk '{print $1}'); do
  "$bin" run "$name" > "$work/$name.table"
  "$bin" run "$name" --json > "$work/$name.json"
  "$bin" run "$name" --out "$work/$name.out" --plots > /dev/null
  "$bin" run "$name" --traces "$work/$name.trace.json" > /dev/null
done

(cd "$work" && find . -type f | LC_ALL=C sort | xargs sha256sum) > "$work.sums"
if [ "$mode" = "--record" ]; then
  mv "$work.sums" testdata/outputs.sha256
  echo "recorded $(wc -l < testdata/outputs.sha256) output hashes"
  exit 0
fi
if ! diff -u testdata/outputs.sha256 "$work.sums"; then
  rm -f "$work.sums"
  echo "built-in outputs changed (lines above); if on purpose, re-record in a commit that says why" >&2
  exit 1
fi
rm -f "$work.sums"
echo "all $(wc -l < testdata/outputs.sha256) built-in outputs byte-identical"
