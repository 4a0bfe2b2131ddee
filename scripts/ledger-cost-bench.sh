#!/usr/bin/env bash
# Prints what the ledger costs: CPU per sample (taken every spark.verdant.sampleInterval on each JVM) and the
# time to write one run's rows. Needs `mvn -B -o -q -DskipTests package` and `mvn -B -o -q -pl common test-compile`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$root/common/target/test-classes:$root/jobs/target/$(cd jobs/target && ls verdant-jobs-*.jar | head -1):$(cat jobs/target/embedded-classpath.txt)"
java -cp "$cp" io.verdant.common.ledger.LedgerCostBench "${1:-2000}" 2>/dev/null
