#!/usr/bin/env bash
# Makes STAGE/lib/serve.aot, serve's ahead-of-time cache (JDK 25: JEP 483 classes loaded and linked,
# JEP 515 method profiles), from a training run of STAGE's own bin/taskhub serve, so that the cache
# fits the launcher's JVM options and class path exactly:
#   1. serve on port 0 with a store in WORK, recording (-XX:AOTMode=record) until it is stopped;
#   2. once it is ready: the client commands start, status, raise, suspend, resume, terminate,
#      history, list and purge against it through the protocol, and GETs of /health, /api/v1/info,
#      /metrics and the dashboard on its HTTP port, so that what answers them is in the cache too;
#   3. SIGTERM, which serve takes as a clean stop: the JVM writes what it recorded as it exits;
#   4. -XX:AOTMode=create writes the cache; a start with -XX:AOTMode=on (which refuses to run
#      without it) proves it is used.
# Called by make-dist.sh: train-aot-cache.sh STAGE WORK
set -euo pipefail
stage=$1 work=$2
launcher="$stage/bin/taskhub"
config="$work/serve.aotconf"
log="$work/serve.log"
rm -rf "$work"
mkdir -p "$work"

fail() {
  echo "train-aot-cache.sh: $1 (serve's output: $log)" >&2
  tail -n 20 "$log" >&2 || true
  exit 1
}

# (the recording JVM lists the classes it cannot cache, e.g. picocli's, built for Java 5: not news)
TASKHUB_AOT_CACHE=off TASKHUB_LOG_LEVEL=INFO \
  TASKHUB_JAVA_OPTS="-XX:AOTMode=record -XX:AOTConfiguration=$config -Xlog:aot=off -Xlog:cds=off" \
  "$launcher" serve --store "$work/store.db" --grpc-port 0 --http-port 0 >"$log" 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null || true' EXIT

ready=""
for _ in $(seq 1 600); do
  ready=$(grep -m 1 'Taskhub scheduler ready' "$log" || true)
  if [ -n "$ready" ]; then break; fi
  if ! kill -0 $serve 2>/dev/null; then fail "serve ended before it was ready"; fi
  sleep 0.2
done
if [ -z "$ready" ]; then fail "serve was not ready within 120 s"; fi
grpc=$(sed -E 's/.*gRPC on port ([0-9]+).*/\1/' <<<"$ready")
http=$(sed -E 's/.*HTTP on port ([0-9]+).*/\1/' <<<"$ready")

client() {
  TASKHUB_AOT_CACHE=off "$launcher" "$@" --endpoint "localhost:$grpc" >>"$work/client.log" 2>&1 ||
    fail "training call taskhub $* failed: $(tail -n 3 "$work/client.log")"
}
client start Training --id aot-training --input '{"items":["a","b"]}' --tag kind=training
client status aot-training
client raise aot-training Approval '{"ok":true}'
client suspend aot-training --reason training
client resume aot-training --reason training
client terminate aot-training --reason training
client history aot-training
client list
client purge aot-training

# bash's /dev/tcp: the HTTP API without curl
get() {
  exec 3<>"/dev/tcp/127.0.0.1/$http"
  printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$1" >&3
  local status
  IFS= read -r status <&3
  cat <&3 >/dev/null
  exec 3<&-
  case "$status" in *" 200 "*) ;; *) fail "training GET $1 answered: $status" ;; esac
}
get /health
get /api/v1/info
get /metrics
get /

kill -TERM $serve
wait $serve || true
trap - EXIT
if [ ! -s "$config" ]; then fail "serve wrote no AOT configuration as it stopped"; fi

TASKHUB_AOT_CACHE=off \
  TASKHUB_JAVA_OPTS="-XX:AOTMode=create -XX:AOTConfiguration=$config -XX:AOTCache=$stage/lib/serve.aot -Xlog:aot=off -Xlog:cds=off" \
  "$launcher" serve >"$work/create.log" 2>&1 || fail "the AOT cache was not created: $(tail -n 3 "$work/create.log")"
TASKHUB_JAVA_OPTS="-XX:AOTMode=on" "$launcher" serve --help >"$work/check.log" 2>&1 ||
  fail "serve does not start with the AOT cache: $(tail -n 3 "$work/check.log")"
