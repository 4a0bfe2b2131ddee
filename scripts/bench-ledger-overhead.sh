#!/usr/bin/env bash
#
# bench-ledger-overhead.sh: what the ledger (plugin sampling, task listener, Parquet rows) costs the train job.
# Runs `verdant train` on an ingested table with and without the ledger (--no-ledger), interleaved, RUNS times
# each (default 3), and prints each wall time, the medians and their ratio. Target: at most 1% more wall time.
# The wall-time ratio is only as good as the machine is quiet: on a 2-core VM runs of the same job differ by several
# percent. So it also prints the ledger's own time, which the jobs log for every run: writing its rows after the job
# (the part on the job's path) plus the driver's CPU for sampling and recording tasks, as a share of the median run.
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
# Run i with the ledger minus run i without it: their mean and its standard error say how sure the ratio is.
paste -d' ' <(printf '%s\n' "${with[@]}") <(printf '%s\n' "${without[@]}") | awk -v mo="$mo" '
  { d[NR] = $1 - $2; sum += d[NR] }
  END {
    mean = sum / NR
    for (i = 1; i <= NR; i++) ss += (d[i] - mean) ^ 2
    se = NR > 1 ? sqrt(ss / (NR - 1) / NR) : 0
    printf "paired differences (with - without): mean %+.2f s, standard error %.2f s = %+.2f%% +- %.2f%% of the median run without\n", mean, se, mean / mo * 100, se / mo * 100
  }'
# The ledger's own time per run, from the with-ledger runs' logs: writing the rows after the job (on the job's
# path) plus, beside it on the driver, the CPU of sampling and of recording tasks.
own=()
for f in "$work"/with-*.log; do
  ms=$(sed -n 's/.*written \([0-9]*\) ms after its end.*/\1/p' "$f" | tail -1)
  beside=$(sed -n 's/.*Ledger work during run .* on the driver: \([0-9.]*\) ms CPU taking [0-9]* samples, \([0-9.]*\) ms recording.*/\1 \2/p' "$f" | tail -1)
  [[ -n "$ms" && -n "$beside" ]] && own+=("$ms $beside")
done
if [[ ${#own[@]} -gt 0 ]]; then
  totals=()
  for o in "${own[@]}"; do totals+=("$(awk '{ print $1 + $2 + $3 }' <<<"$o")"); done
  mown=$(median "${totals[@]}")
  printf "ledger's own time per run (ms, write after the job + sampling CPU + task recording):"
  printf ' %s' "${own[@]// /+}"
  echo
  awk -v m="$mown" -v w="$mw" 'BEGIN { printf "median %.0f ms = %.2f%% of the median run with the ledger (target: at most 1%%)\n", m, m / 10 / w }'
fi
