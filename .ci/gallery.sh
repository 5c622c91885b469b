#!/usr/bin/env bash
# Redraws every chart of docs/GALLERY.md into docs/img/gallery, at the
# size the gallery says (960x540), with the commands its sections quote.
#
#   .ci/gallery.sh BINARY
#
# Run it when figures or built-ins change, then look at every PNG.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1")
out=docs/img/gallery
mkdir -p "$out"

# FILE NAME [plot flags...]: one chart.
chart() {
  local file=$1 name=$2
  shift 2
  nice -n 10 "$bin" plot "$name" "$@" --size 960x540 -o "$out/$file.png" > /dev/null
  echo "$out/$file.png"
}

chart mm1 mm1 --figure timeseries
chart mm1-latency mm1 --figure latency
chart open-vs-closed open-vs-closed --figure timeseries
chart open-vs-closed-latency open-vs-closed --figure latency
chart retry-storm retry-storm --figure timeseries
chart retry-amplification retry-amplification --figure timeseries
chart backoff-and-jitter backoff-and-jitter --figure sweep
chart backoff-and-jitter-time backoff-and-jitter --figure sweep-time
chart congestion-collapse congestion-collapse --figure sweep
chart congestion-collapse-amplification congestion-collapse --figure sweep --metric amplification
chart stability-map stability-map --figure stability
chart thundering-herd thundering-herd --figure timeseries
nice -n 10 "$bin" margin retry-margin --plot "$out/retry-margin.png" --plot-size 960x540 > /dev/null
echo "$out/retry-margin.png"
chart metastable-cold-cache metastable-cold-cache --figure timeseries
chart circuit-breaker circuit-breaker --figure timeseries
chart metastable-retries metastable-retries --figure timeseries
chart metastable-retries-triggers metastable-retries --figure timeseries \
  --variant base --variant capacity-drop --variant slow-backoff --variant stable-load
chart load-shedding load-shedding --figure timeseries \
  --variant base --variant shed-concurrency --variant codel-rfc --variant adaptive-lifo
chart rate-limiting rate-limiting --figure timeseries
chart rate-limiting-shop rate-limiting --figure timeseries-shop
chart fallback fallback --figure timeseries
chart fair-queueing-shop fair-queueing --figure timeseries --client shop
chart fair-queueing-batch fair-queueing --figure timeseries --client batch
chart gray-failure gray-failure --figure timeseries
chart autoscaling autoscaling --figure timeseries
chart distributed-rate-limiting distributed-rate-limiting --figure sweep
chart adaptive-concurrency adaptive-concurrency --figure timeseries
chart hedging-latency hedging --figure latency
chart hedging hedging --figure timeseries
chart hedging-slowdown hedging-slowdown --figure timeseries
chart hot-key hot-key --figure timeseries
chart adaptive-throttling adaptive-throttling --figure timeseries
chart cache-stampede cache-stampede --figure timeseries
chart load-leveling load-leveling --figure timeseries
chart constant-work constant-work --figure timeseries
chart rolling-deploy rolling-deploy --figure timeseries
chart recorded-traffic recorded-traffic --figure timeseries
chart recorded-traffic-latency recorded-traffic --figure latency
