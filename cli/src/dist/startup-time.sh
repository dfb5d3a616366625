#!/usr/bin/env bash
# How long the distribution's serve takes to be ready: ARCHIVE unpacked afresh into an empty folder
# for every run, bin/taskhub serve (a new SQLite file, ports 0) launched, the time until its
# "Taskhub scheduler ready" line taken, and the CPU time its JVM had used by then (which other work
# on the machine changes less), then stopped with SIGTERM; RUNS runs with serve's AOT cache and RUNS
# with TASKHUB_AOT_CACHE=off, taking turns, and the median of each.
#   startup-time.sh ARCHIVE [RUNS]      (RUNS: 5 unless told)
set -euo pipefail
archive=$(readlink -f "$1") runs=${2:-5}

ticks=$(getconf CLK_TCK)

# one_run off|on: "WALL CPU", the milliseconds from launch to ready and of CPU time until then
one_run() {
  local folder fifo start end="" cpu="" serve line
  folder=$(mktemp -d)
  tar -xzf "$archive" -C "$folder"
  fifo="$folder/output"
  mkfifo "$fifo"
  start=$(date +%s%N)
  if [ "$1" = off ]; then export TASKHUB_AOT_CACHE=off; else unset TASKHUB_AOT_CACHE; fi
  "$folder"/*/bin/taskhub serve --store "$folder/store.db" --grpc-port 0 --http-port 0 >"$fifo" 2>&1 &
  serve=$!
  while IFS= read -r line; do
    case "$line" in
      *"Taskhub scheduler ready"*)
        end=$(date +%s%N)
        # utime and stime, fields 14 and 15 of /proc/PID/stat (the launcher exec's the JVM)
        cpu=$(awk -v t="$ticks" '{ print int(($14 + $15) * 1000 / t) }' "/proc/$serve/stat")
        break ;;
    esac
  done <"$fifo"
  kill -TERM $serve
  cat "$fifo" >/dev/null
  wait $serve || true
  rm -rf "$folder"
  if [ -z "$end" ]; then echo "serve ended before it was ready" >&2; exit 1; fi
  echo "$(((end - start) / 1000000)) $cpu"
}

median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

with="" without="" with_cpu="" without_cpu=""
for _ in $(seq 1 "$runs"); do
  read -r wall cpu <<<"$(one_run on)"
  with+="$wall " with_cpu+="$cpu "
  read -r wall cpu <<<"$(one_run off)"
  without+="$wall " without_cpu+="$cpu "
done
echo "serve ready, ms (load average $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo unknown)):"
echo "  AOT cache on:  median $(echo "$with" | median), CPU $(echo "$with_cpu" | median)  (runs: $with)"
echo "  AOT cache off: median $(echo "$without" | median), CPU $(echo "$without_cpu" | median)  (runs: $without)"
