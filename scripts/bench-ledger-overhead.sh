#!/usr/bin/env bash
#
# bench-ledger-overhead.sh: what the ledger (plugin sampling, task listener, Parquet rows) costs the train job.
# Runs `verdant train` on an ingested table with and without the ledger (--no-ledger), interleaved, RUNS times
# each (default 3), and prints each wall time, the medians and their ratio. Target: at most 1% more wall time.
# It also prints the one cost the ledger adds after the job's own work, the time to write a run's rows (from the
# with-ledger runs' "written N ms after its end" log lines), as a share of the median run.
#
#   scripts/bench-ledger-overhead.sh <ingested table> [epochs]     # e.g. verdant-work/tables/mnist 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
table="${1:?usage: $0 <ingested table> [epochs]}"
epochs="${2:-3}"
runs="${RUNS:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/verdant-bench-ledger.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export VERDANT_MASTER="${VERDANT_MASTER:-local[2]}"

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "train lenet-300-100, $epochs epochs, master $VERDANT_MASTER, load average $(cut -d' ' -f1-3 /proc/loadavg), $runs runs each"
with=()
without=()
for i in $(seq 1 "$runs"); do
  for mode in without with; do
    args=(train --data "$table" --model lenet-300-100 --epochs "$epochs" --out "$work/$mode-$i" --run-id "bench-$mode-$i")
    if [[ "$mode" == without ]]; then args+=(--no-ledger); else args+=(--ledger "$work/ledger"); fi
    start=$(date +%s.%N)
    if ! "$root/submit/verdant" "${args[@]}" >"$work/$mode-$i.log" 2>&1; then
      # Keep the logs (and say where) instead of removing them with the work folder.
      trap - EXIT
      echo "run $i $mode ledger: FAILED; log: $work/$mode-$i.log" >&2
      tail -20 "$work/$mode-$i.log" >&2
      exit 1
    fi
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
    printf 'run %d %-7s ledger: %6.2f s\n' "$i" "$mode" "$secs"
    if [[ "$mode" == with ]]; then with+=("$secs"); else without+=("$secs"); fi
  done
done
mw=$(median "${with[@]}")
mo=$(median "${without[@]}")
awk -v w="$mw" -v o="$mo" 'BEGIN { printf "median with ledger %.2f s, without %.2f s, ratio %.4f (target: at most 1.01)\n", w, o, w / o }'
writes=()
for f in "$work"/with-*.log; do
  ms=$(sed -n 's/.*written \([0-9]*\) ms after its end.*/\1/p' "$f" | tail -1)
  [[ -n "$ms" ]] && writes+=("$ms")
done
if [[ ${#writes[@]} -gt 0 ]]; then
  mwr=$(median "${writes[@]}")
  awk -v m="$mwr" -v w="$mw" -v all="${writes[*]}" 'BEGIN { printf "ledger rows written after the job: median %d ms (%s ms) = %.2f%% of the median run with the ledger\n", m, all, m / 10 / w }'
fi
