#!/usr/bin/env bash
# The compress benchmark: encode/decode throughput of the model file (dense float32 MB/s) for LeNet-300-100 and
# LeNet-5, and, with a table, the compress job's stage wall times on a model trained in one JVM.
#
#   scripts/bench-compress.sh                      # codec throughput only (no data needed)
#   scripts/bench-compress.sh /tmp/vt/mnist        # also train lenet-300-100 (10 epochs) and compress it
#   ARCH=lenet5 EPOCHS=2 scripts/bench-compress.sh /tmp/vt/mnist   # same for LeNet-5
#
# Extra compress options: COMPRESS_OPTS="--sparsity layer0=0.92,layer1=0.91,layer2=0.74 ...".
# Builds with the reactor (never `mvn install`); writes under ${BENCH_DIR:-target/bench-compress}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench-compress}
mkdir -p "$BENCH_DIR"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

mvn -B -o -q -pl common,datasets,jobs -DskipTests test-compile
# In the reactor every module writes the file in turn; jobs, built last, leaves its classpath (test scope).
mvn -B -o -q -pl common,datasets,jobs dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$BENCH_DIR/cp.txt" >/dev/null
CP="$ROOT/jobs/target/test-classes:$ROOT/jobs/target/classes:$ROOT/common/target/classes:$ROOT/common/target/test-classes:$ROOT/datasets/target/classes:$(cat "$BENCH_DIR/cp.txt")"
FLAGS=$(grep -v '^#' submit/conf/java17-jvm-flags | tr '\n' ' ')
JAVA=(java $FLAGS -Xmx8g -Dorg.bytedeco.javacpp.cachedir="$ROOT/target/test-cache/javacpp" \
  -Dverdant.dl4j.exportDir="$BENCH_DIR/dl4j-export" -Dspark.master="local[2]" -Dspark.ui.enabled=false \
  -Dspark.driver.host=127.0.0.1 -cp "$CP")

echo "== codec throughput (pruned 92% dense / 70% conv, k-means 5 / 8 bits)"
"${JAVA[@]}" io.verdant.jobs.compress.CompressBench codec 2>/dev/null

if [ $# -ge 1 ]; then
  TABLE=$1
  ARCH=${ARCH:-lenet-300-100}
  EPOCHS=${EPOCHS:-10}
  MODEL="$BENCH_DIR/model-$ARCH"
  OUT="$BENCH_DIR/compressed-$ARCH"
  if [ ! -f "$MODEL/model.zip" ]; then
    echo "== training $ARCH on $TABLE ($EPOCHS epochs, one JVM)"
    "${JAVA[@]}" io.verdant.jobs.compress.CompressBench train "$ARCH" "$TABLE" "$MODEL" "$EPOCHS" 2>/dev/null
  fi
  echo "== codec throughput of the trained $ARCH"
  "${JAVA[@]}" io.verdant.jobs.compress.CompressBench codec "$MODEL" 2>/dev/null
  echo "== verdant compress ($ARCH)"
  # shellcheck disable=SC2086
  "${JAVA[@]}" io.verdant.jobs.Verdant compress --model "$MODEL" --data "$TABLE" --out "$OUT" --overwrite ${COMPRESS_OPTS:-} 2>"$BENCH_DIR/compress-$ARCH.log"
  python3 - "$OUT/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("stage wall times (ms):", ", ".join(f"{k} {v:,}" for k, v in r["stageWallMs"].items()))
PY
fi
