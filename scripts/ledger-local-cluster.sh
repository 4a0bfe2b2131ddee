#!/usr/bin/env bash
#
# Runs the ingest job on Spark's local-cluster mode (a master, a worker and two separate executor JVMs on this
# machine) with the ledger, then prints `verdant ledger show` and the energy rows per executor: the executors'
# samples reach the driver through the Verdant plugin's RPC. Fails when no row comes from an executor JVM.
# Needs `mvn -B -o -q -DskipTests package` and `mvn -B -o -q -pl common test-compile` first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
work="$(mktemp -d /tmp/verdant-ledger-cluster.XXXXXX)"
mkdir -p "$work/spark-home"
flags=$(grep -v '^#' submit/conf/java17-jvm-flags | grep -v '^$' | tr '\n' ' ')
cp="$root/jobs/target/$(cd jobs/target && ls verdant-jobs-*.jar | head -1):$(cat jobs/target/embedded-classpath.txt)"
d="$root/testdata/mnist-slice"
# local-cluster launches executors from a Spark build tree; these variables let it run from the classpath.
SPARK_SCALA_VERSION=2.12 SPARK_TESTING=1 SPARK_HOME="$work/spark-home" OMP_NUM_THREADS=1 \
  java $flags -Xmx2g "-Dspark.master=local-cluster[2,1,1024]" "-Dspark.executor.extraClassPath=$cp" \
  "-Dspark.executor.extraJavaOptions=$flags" -Dspark.verdant.sampleInterval=500ms -cp "$cp" io.verdant.jobs.Verdant \
  ingest --format idx --train "$d/train-images-idx3-ubyte.gz" --train-labels "$d/train-labels-idx1-ubyte.gz" \
  --test "$d/t10k-images-idx3-ubyte.gz" --test-labels "$d/t10k-labels-idx1-ubyte.gz" \
  --out "$work/mnist" --ledger "$work/ledger" --run-id cluster-check > "$work/ingest.log" 2>&1
java -cp "$cp" io.verdant.jobs.Verdant ledger show --ledger "$work/ledger" 2>/dev/null
java -cp "$root/common/target/test-classes:$cp" io.verdant.common.ledger.LedgerDump "$work/ledger" 2>/dev/null
echo "ledger and logs: $work"
