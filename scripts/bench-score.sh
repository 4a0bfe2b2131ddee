#!/usr/bin/env bash
# Score benchmark: MNIST's test rows repeated to at least ROWS rows (default 1,000,000), local[2], all contenders in
# one Spark application, each reading the same Parquet table and writing its predictions as Parquet:
#   verdant-dense       verdant score with the trained model (DL4J forward pass, batches per partition)
#   verdant-compressed  verdant score with the compressed model (sparse layers over the codebooks)
#   dl4j-spark          SparkDl4jMultiLayer.feedForwardWithKey with the same dense network
#   mllib               MultilayerPerceptronClassificationModel.transform with the same layer sizes (784-300-100-10)
# Every contender scores a 20,000-row table to warm up before any is measured; then the two Verdant contenders are
# measured REPS times (default 3), alternating, and the others once. Prints every run's rows/s, CPU-seconds and J per
# 1,000 predictions (the ledger's meter: one recorded run each), the medians, then the targets (docs/benchmarks.md,
# section "Score"):
# compressed >= 2x the dense throughput and <= half its J per 1,000; Verdant dense >= DL4J's throughput; both
# Verdant contenders faster than MLlib. Exits 1 when a target is missed or a contender fails.
#
#   scripts/bench-score.sh <dense model dir> <compressed model> [rows=1000000] [table dir]
#
# The table is an ingested full MNIST (`submit/verdant ingest --dataset mnist`; default $VERDANT_WORK_DIR/tables/mnist),
# the models a LeNet-300-100 from `verdant train` and its `verdant compress` output (the quickstart writes both under
# $VERDANT_WORK_DIR/models and /compressed). The repeated tables, outputs, ledger and log go to ${BENCH_DIR:-target/bench-score};
# the repeated tables are kept for later runs. Build first: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dense="${1:?usage: scripts/bench-score.sh <dense model dir> <compressed model> [rows] [table dir]}"
compressed="${2:?usage: scripts/bench-score.sh <dense model dir> <compressed model> [rows] [table dir]}"
rows="${3:-1000000}"
table="${4:-${VERDANT_WORK_DIR:-verdant-work}/tables/mnist}"
work="${BENCH_DIR:-$root/target/bench-score}"
mkdir -p "$work"
# shellcheck source=scripts/bench-java.sh
source "$root/scripts/bench-java.sh"
bench_java io/verdant/jobs/bench/ScoreBenchmark.class

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), >= $rows rows, table $table"
set +e
# One ND4J thread per Spark task slot, as submit/verdant sets it.
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" java "${jvm_flags[@]}" ${BENCH_JAVA_OPTS:-} -Xmx8g "${blas_flag[@]}" \
  "-Dorg.bytedeco.javacpp.cachedir=$cache_dir/javacpp" -Dspark.ui.enabled=false -cp "$bench_classpath" \
  io.verdant.jobs.bench.ScoreBenchmark "$table" "$dense" "$compressed" "$rows" "$work" "${REPS:-3}" 2>"$work/bench.log" | tee "$work/result.txt"
status=${PIPESTATUS[0]}
set -e
if [[ $status -ne 0 ]] && ! grep -q '^target ' "$work/result.txt"; then
  echo "# the benchmark failed (exit $status); its log: $work/bench.log" >&2
  tail -20 "$work/bench.log" >&2
fi
echo "# log: $work/bench.log"
exit "$status"
