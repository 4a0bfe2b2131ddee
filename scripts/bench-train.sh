#!/usr/bin/env bash
# Train benchmark: LeNet-300-100 on full MNIST, local[2], three ways (Verdant's Spark training, a single-JVM
# MultiLayerNetwork.fit with the same net/batches/updater, Spark MLlib's MLP with the same layers), each in its own
# JVM: Verdant and the single JVM alternate REPS times (default 2), then MLlib runs once. Prints every epoch, then
# the median steady epoch (epochs 2..N of every run), time to the target test accuracy and the ratios
# (docs/benchmarks.md, section "Train"). The raw lines are kept in $LOG (default: a temporary file, printed).
#
#   scripts/bench-train.sh [table dir] [epochs=12] [target=0.98] [mllib budget seconds=300] [mllib iterations per fit=10]
#
# The table is an ingested full MNIST (`submit/verdant ingest --dataset mnist --out DIR`); default
# $VERDANT_WORK_DIR/tables/mnist. It is read, never modified. Build first: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
table="${1:-${VERDANT_WORK_DIR:-verdant-work}/tables/mnist}"
shift || true
# shellcheck source=scripts/bench-java.sh
source "$root/scripts/bench-java.sh"
bench_java io/verdant/jobs/bench

epochs="${1:-12}"
target="${2:-0.98}"
mllib_budget="${3:-300}"
mllib_chunk="${4:-10}"
reps="${REPS:-2}"
log="${LOG:-$(mktemp -t verdant-bench-train.XXXXXX.log)}"
: > "$log"

run_way() {
  # OMP_NUM_THREADS=1 for both, as submit/verdant sets it: one ND4J thread per Spark task slot for Verdant; for the
  # single JVM its fastest setting here (ND4J's default of one thread per core, 2, made its epochs about 5x slower:
  # 12-14 s, docs/benchmarks.md).
  OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java "${jvm_flags[@]}" ${BENCH_JAVA_OPTS:-} -Xmx8g "${blas_flag[@]}" \
    "-Dorg.bytedeco.javacpp.cachedir=$cache_dir/javacpp" -cp "$bench_classpath" \
    io.verdant.jobs.bench.TrainBenchmark "$1" "$table" "$epochs" "$mllib_budget" "$mllib_chunk" "$target" 2>/dev/null \
    | sed -u "s/^/run $2 /" | tee -a "$log"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $reps reps, $epochs epochs, target $target"
for r in $(seq 1 "$reps"); do
  run_way verdant "$r"
  run_way single "$r"
done
[[ "$mllib_budget" != 0 ]] && run_way mllib 1

awk -v target="$target" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n == 0 ? "nan" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
  }
  $1 == "run" && $4 == "setup" { setup[$3, $2] = $5 }
  $1 == "run" && $4 == "epoch" {
    way = $3; run = $2; e = $5; sec = $6; cpu = $9; acc = $12; sub(/%/, "", acc)
    ways[way] = 1
    cum[way, run] += sec
    if (e >= 2 || way == "mllib") { steady[way] = steady[way] " " sec; cpus[way] = cpus[way] " " cpu }
    if (acc > best[way] + 0) best[way] = acc
    if (acc >= 100 * target && !((way, run) in reached)) {
      reached[way, run] = cum[way, run] + setup[way, run]
      times[way] = times[way] " " reached[way, run]
    }
    last[way] = cum[way, run] + setup[way, run]
  }
  END {
    printf "\n# summary (target %.1f%% test accuracy)\n", 100 * target
    for (w in ways) {
      printf "%-8s median epoch %6.2f s, CPU %6.2f s; best test %.2f%%; time to target: %s\n", w, median(steady[w]),
        median(cpus[w]), best[w], times[w] == "" ? "not reached (" last[w] " s)" : median(times[w]) " s (median over runs)"
    }
    v = median(steady["verdant"]); s = median(steady["single"])
    printf "ratio verdant/single epoch time: %.2f (target <= 1.3); CPU per epoch %.2f\n", v / s,
      median(cpus["verdant"]) / median(cpus["single"])
    if (times["verdant"] != "" && ("mllib" in ways)) {
      m = times["mllib"] != "" ? median(times["mllib"]) : last["mllib"]
      printf "ratio mllib/verdant time to target: %s%.2f (target >= 3)\n", times["mllib"] == "" ? ">= " : "", m / median(times["verdant"])
    }
  }' "$log"
echo "# raw lines: $log"
