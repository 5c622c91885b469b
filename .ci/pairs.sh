#!/usr/bin/env bash
# Two commands timed as whole processes in interleaved pairs (A B A B ...),
# so that drift in the machine's speed hits both alike: wall time and CPU
# time (user + system, the operating system's accounting of the finished
# process). Prints each command's medians, the median (and range) of the
# pairs' ratios A/B, the figure to quote, and each one's peak RSS.
#
#   .ci/pairs.sh [-n PAIRS] [-w WARMUP] 'COMMAND A' 'COMMAND B'
#
# Defaults: 7 pairs after 1 warm-up of each. Outputs are discarded. Needs
# /usr/bin/time (Debian's package time) and awk.
set -euo pipefail
n=7 warm=1
while getopts n:w: o; do
  case $o in
    n) n=$OPTARG ;;
    w) warm=$OPTARG ;;
    *) echo "usage: $0 [-n PAIRS] [-w WARMUP] 'COMMAND A' 'COMMAND B'" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ]; then
  echo "usage: $0 [-n PAIRS] [-w WARMUP] 'COMMAND A' 'COMMAND B'" >&2; exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one run of command $1, appending "wall cpu" to file $2: bash's own
# timing of the process (real, user + system; milliseconds, where
# /usr/bin/time gives tens of them), the command run by eval so that
# nothing else is started for it
one() {
  local TIMEFORMAT='%3R %3U %3S'
  if ! { time eval "$1" >/dev/null 2>"$tmp/err"; } 2>"$tmp/t"; then
    echo "failed: $1" >&2; cat "$tmp/err" >&2; exit 1
  fi
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$tmp/t" >> "$2"
}
# the peak RSS of one more run of command $1, in MiB
peak() {
  /usr/bin/time -o "$tmp/m" -f '%M' bash -c "$1" >/dev/null 2>&1
  awk '{ printf "%.1f", $1 / 1024 }' "$tmp/m"
}
for _ in $(seq "$warm"); do one "$1" /dev/null; one "$2" /dev/null; done
for _ in $(seq "$n"); do one "$1" "$tmp/a"; one "$2" "$tmp/b"; done

pa=$(peak "$1") pb=$(peak "$2")
paste -d' ' "$tmp/a" "$tmp/b" | awk -v n="$n" -v A="$1" -v B="$2" -v pa="$pa" -v pb="$pb" '
  function median(x, k,   i, j, t, y) {
    for (i = 1; i <= k; i++) y[i] = x[i]
    for (i = 2; i <= k; i++) for (j = i; j > 1 && y[j-1] > y[j]; j--) { t = y[j]; y[j] = y[j-1]; y[j-1] = t }
    lo = y[1]; hi = y[k]
    return k % 2 ? y[(k+1)/2] : (y[k/2] + y[k/2+1]) / 2
  }
  { aw[NR] = $1; ac[NR] = $2; bw[NR] = $3; bc[NR] = $4; rw[NR] = $1 / $3; rc[NR] = $4 > 0 ? $2 / $4 : 0 }
  END {
    printf "A = %s\nB = %s\n%d pairs, interleaved; medians (min-max)\n", A, B, n
    m = median(aw, n); printf "A wall s   %8.3f (%.3f-%.3f)\n", m, lo, hi
    m = median(ac, n); printf "A cpu s    %8.3f (%.3f-%.3f)\n", m, lo, hi
    m = median(bw, n); printf "B wall s   %8.3f (%.3f-%.3f)\n", m, lo, hi
    m = median(bc, n); printf "B cpu s    %8.3f (%.3f-%.3f)\n", m, lo, hi
    m = median(rw, n); printf "A/B wall   %8.4f (%.4f-%.4f)\n", m, lo, hi
    m = median(rc, n); printf "A/B cpu    %8.4f (%.4f-%.4f)\n", m, lo, hi
    printf "peak MiB   A %s, B %s (one more run of each)\n", pa, pb
  }'
