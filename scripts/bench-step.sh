#!/usr/bin/env bash
# Where one worker's training step goes: DL4J's fit with its own updater against fit with Verdant's DirectUpdater
# (alternating, medians), then forward + backward alone, the forward pass, and for dense networks the step's GEMMs
# alone through ND4J; one JVM, one ND4J thread, random data (docs/train.md, "Speed"; docs/benchmarks.md, "Train").
#
#   scripts/bench-step.sh [--model lenet-300-100|lenet5|mlp:...] [--batch N] [--l2 X] [--reps N]
#
# lenet5 times 9,000 examples at a time (the others 54,000); every figure is scaled to an epoch of 54,000.
# Build first: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
model=lenet-300-100 batch=128 l2=0 reps=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model|--batch|--l2|--reps) [[ $# -ge 2 ]] || usage; declare "${1#--}=$2"; shift 2 ;;
    *) usage ;;
  esac
done
examples=54000
[[ $model == lenet5 ]] && examples=9000
# shellcheck source=scripts/bench-java.sh
source "$root/scripts/bench-java.sh"
bench_java io/verdant/jobs/bench/StepBenchmark.class
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" exec java "${jvm_flags[@]}" -Xmx4g "${blas_flag[@]}" \
  "-Dorg.bytedeco.javacpp.cachedir=$cache_dir/javacpp" -cp "$bench_classpath" \
  io.verdant.jobs.bench.StepBenchmark "$model" "$batch" "$reps" "$l2" "$examples" 2>/dev/null
