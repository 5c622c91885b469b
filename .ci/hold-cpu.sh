#!/usr/bin/env bash
# The hold model in CPU time per event, engine against the bare heaps of
# ../shared/bench/baseline, for docs/PERFORMANCE.md ("Hold model").
#
#   .ci/hold-cpu.sh [TREE ...]       ROUNDS=5 by default
#
# Each TREE is a git revision, or "." for the working tree; the default is
# ".". The harness (.ci/holdcpu) is built against each tree's sim/, then
# every tree and the bare binary and 4-ary heaps run round-robin, ROUNDS
# rounds, at 1,024, 65,536 and 1,048,576 pending events; it prints the
# median of each and its ratio to the better bare heap. CPU time of the
# thread (not wall time) so that other jobs on a shared machine slow the
# programs less; ratios still only mean something within one call.
set -euo pipefail
cd "$(dirname "$0")/.."
trees=("${@:-.}")
# the bare heaps are the baseline's own queue.go, built into the harness
baseline=${BASELINE:-../shared/bench/baseline}
if [ ! -f "$baseline/queue.go" ]; then
  echo "hold-cpu.sh: no $baseline/queue.go (the bare heaps); set BASELINE to ../shared/bench/baseline" >&2
  exit 2
fi
rounds=${ROUNDS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for k in "${!trees[@]}"; do
  t=${trees[$k]} d="$tmp/t$k"
  mkdir -p "$d"
  if [ "$t" = . ]; then cp -r go.mod go.sum sim "$d"/; else git archive "$t" go.mod go.sum sim | tar -x -C "$d"; fi
  mkdir -p "$d/holdcpu" && cp .ci/holdcpu/*.go "$d/holdcpu/" && cp "$baseline/queue.go" "$d/holdcpu/bare.go"
  (cd "$d" && go build -o "$tmp/hold$k" ./holdcpu)
done
for _ in $(seq "$rounds"); do
  for n in 1024 65536 1048576; do
    k=3000000; [ $n = 1024 ] && k=6000000
    for i in "${!trees[@]}"; do echo "${trees[$i]} $("$tmp/hold$i" -n $n -k $k)"; done
    for b in bin2 heap4; do echo "bare-$b $("$tmp/hold0" -bare $b -n $n -k $k)"; done
  done
done | awk '
  { v[$2, $1] = v[$2, $1] " " $3; names[$1]; sizes[$2] }
  function median(s,   a, m, i, j, t) {
    m = split(s, a, " ")
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    for (n in sizes) {
      best = median(v[n, "bare-bin2"]); h4 = median(v[n, "bare-heap4"]); if (h4 < best) best = h4
      for (t in names) printf "%8d %-12s %7.1f ns/event  x%.2f the better bare heap  (%s )\n", n, t, median(v[n, t]), median(v[n, t]) / best, v[n, t]
    }
  }' | sort -k1,1n -k2,2
