#!/usr/bin/env bash
# Train benchmark: LeNet-300-100 on full MNIST, local[2], three ways in one run (Verdant's Spark training,
# a single-JVM MultiLayerNetwork.fit with the same net/batches/updater, Spark MLlib's MLP with the same layers).
# Prints seconds per epoch, time to 98.0% test accuracy and the ratios (docs/benchmarks.md, section "Train").
#
#   scripts/bench-train.sh [table dir] [epochs] [target] [mllib budget seconds] [mllib iterations per fit]
#
# The table is an ingested full MNIST (`submit/verdant ingest --dataset mnist --out DIR`); default
# $VERDANT_WORK_DIR/tables/mnist. It is read, never modified. Build first: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
table="${1:-${VERDANT_WORK_DIR:-verdant-work}/tables/mnist}"
shift || true
cache_dir="${VERDANT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/verdant}"

jvm_flags=()
while IFS= read -r line; do
  [[ -n "$line" && "$line" != \#* ]] && jvm_flags+=("$line")
done < "$root/submit/conf/java17-jvm-flags"

shopt -s nullglob
jars=("$root"/jobs/target/verdant-jobs-*.jar)
shopt -u nullglob
if [[ ${#jars[@]} -eq 0 || ! -d "$root/jobs/target/test-classes/io/verdant/jobs/bench" ]]; then
  (cd "$root" && mvn -B -q -DskipTests package) >&2
  jars=("$root"/jobs/target/verdant-jobs-*.jar)
fi

# MLlib's MLP uses native BLAS through dev.ludovic.netlib when it finds one: use the OpenBLAS that ND4J unpacked.
blas="$(find "$cache_dir/javacpp" -path '*openblas*' -name 'libopenblas.so.0' 2>/dev/null | head -1 || true)"
blas_flag=()
[[ -n "$blas" ]] && blas_flag=("-Ddev.ludovic.netlib.blas.nativeLibPath=$blas")

# One ND4J thread per Spark task slot for the Spark part; the benchmark raises it for the single-JVM part.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec java "${jvm_flags[@]}" ${BENCH_JAVA_OPTS:-} -Xmx8g "${blas_flag[@]}" \
  "-Dorg.bytedeco.javacpp.cachedir=$cache_dir/javacpp" \
  -cp "$root/jobs/target/test-classes:${jars[0]}:$(cat "$root/jobs/target/embedded-classpath.txt")" \
  io.verdant.jobs.bench.TrainBenchmark "$table" "$@"
