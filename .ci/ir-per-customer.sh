#!/usr/bin/env bash
# Instructions per customer of the M/M/1 benchmarks, counted by callgrind:
# a figure that does not move with the load on a shared machine, so that a
# ratio (before/after, engine/model) can be checked while other jobs run.
#
#   .ci/ir-per-customer.sh [BENCHMARK_REGEXP_FOR_MODELS]
#
# Runs each benchmark at 100,000 and 300,000 customers and prints the slope
# of the two totals / 200,000: the cost of one customer with every constant
# (build of the world, the test harness) cancelled. Needs valgrind. Takes a
# few minutes (callgrind runs ~50x slower than native).
#
# GOGC=off: with the collector on, a collection (its marking, its sweeping,
# the write barriers it turns on) lands at a point that depends on the
# heap's growth and on the pacer's timing, so one of the two runs may pay
# for a cycle the other does not and the slope moves by tens of Ir per
# customer from run to run. With it off, both runs execute the same
# instructions every time. The benchmarks allocate nothing per customer,
# so memory stays that of the world's build and the series.
set -euo pipefail
cd "$(dirname "$0")/.."

models_bench="${1:-^BenchmarkMM1$}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/models.test" ./models
go test -c -o "$tmp/sim.test" ./sim

# total Ir of one run of BINARY at N ops (models: an op is a customer;
# sim: an op is a whole run of 100,000 customers)
ir() {
  local bin=$1 bench=$2 n=$3
  GOGC=off GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=1 valgrind --tool=callgrind \
    --callgrind-out-file="$tmp/cg.out" "$bin" -test.run '^$' -test.bench "$bench" \
    -test.benchtime "${n}x" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
  sed -n 's/^summary: //p;s/^totals: //p' "$tmp/cg.out" | head -1
}

for spec in "models $models_bench 100000 300000" "sim ^BenchmarkMM1$ 1 3"; do
  set -- $spec
  lo=$(ir "$tmp/$1.test" "$2" "$3")
  hi=$(ir "$tmp/$1.test" "$2" "$4")
  awk -v p="$1" -v b="$2" -v lo="$lo" -v hi="$hi" \
    'BEGIN { printf "%s %s: %.1f Ir/customer\n", p, b, (hi - lo) / 200000 }'
done
