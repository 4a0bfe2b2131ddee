#!/usr/bin/env bash
#
# bench-ingest.sh: wall time of `submit/verdant ingest --dataset mnist` on full MNIST, JVM and Spark start
# included, on local[2] (override with VERDANT_MASTER). Runs it RUNS times (default 3) into a temporary folder,
# prints each run's seconds and its phase times, then the median.
#
#   scripts/bench-ingest.sh            # needs MNIST in the cache ($VERDANT_CACHE_DIR or ~/.cache/verdant);
#                                      # fetch it first with `submit/verdant datasets fetch mnist`
#   RUNS=5 VERDANT_MASTER='local[4]' scripts/bench-ingest.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-3}"
export VERDANT_MASTER="${VERDANT_MASTER:-local[2]}"
work="$(mktemp -d "${TMPDIR:-/tmp}/verdant-bench-ingest.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Build once outside the timed runs, and make sure the data is there (without timing the fetch).
if ! fetched=$("$root/submit/verdant" datasets fetch mnist 2>&1); then
  echo "$fetched" >&2
  exit 1
fi

echo "ingest full MNIST, master $VERDANT_MASTER, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs runs"
times=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  # /usr/bin/time adds the process's CPU seconds (user+sys), a figure that other load on the machine distorts less.
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -o "$work/cpu-$i.txt" -f '%U %S' \
      "$root/submit/verdant" ingest --dataset mnist --out "$work/mnist-$i" --run-id "bench-$i" >"$work/out-$i.txt" 2>"$work/err-$i.txt"
  else
    "$root/submit/verdant" ingest --dataset mnist --out "$work/mnist-$i" --run-id "bench-$i" >"$work/out-$i.txt" 2>"$work/err-$i.txt"
  fi
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  times+=("$t")
  phases=$(grep -o 'phase [a-z]* took [0-9]* ms' "$work/err-$i.txt" | awk '{ printf "%s %.1fs, ", $2, $4 / 1000 }')
  cpu=""
  if [[ -s "$work/cpu-$i.txt" ]]; then
    cpu=$(awk '{ printf "cpu %.1f s, ", $1 + $2 }' "$work/cpu-$i.txt")
  fi
  echo "run $i: ${t} s  (${cpu}${phases%, })"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "median: ${median} s (target: under 20 s)"
