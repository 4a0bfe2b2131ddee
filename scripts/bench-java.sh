# Sourced by the benchmark scripts (with $root set to the repository): what they need to run a benchmark class.
#   bench_java <test class file>   builds the jobs jar and test classes with `mvn package` when either is missing
#                                  (the file is relative to jobs/target/test-classes), then sets:
#   cache_dir        the datasets and ND4J natives cache
#   jvm_flags        the flags Spark 3.5 needs on Java 17 (submit/conf/java17-jvm-flags), then the embedded local
#                    mode's (submit/conf/local-jvm-flags, or $VERDANT_JAVA_OPTS)
#   bench_classpath  the test classes, the jobs jar and its embedded classpath
#   blas_flag        MLlib's native BLAS: the OpenBLAS that ND4J unpacked, when there is one (MLlib's MLP uses it
#                    through dev.ludovic.netlib)
bench_java() {
  cache_dir="${VERDANT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/verdant}"
  jvm_flags=()
  # The embedded local mode's flags, as submit/verdant sets them.
  # shellcheck source=submit/jvm-flags.sh
  source "$root/submit/jvm-flags.sh"
  embedded_jvm_flags "$root/submit/conf"
  local jars
  shopt -s nullglob
  jars=("$root"/jobs/target/verdant-jobs-*.jar)
  shopt -u nullglob
  if [[ ${#jars[@]} -eq 0 || ! -e "$root/jobs/target/test-classes/$1" ]]; then
    (cd "$root" && mvn -B -q -DskipTests package) >&2
    jars=("$root"/jobs/target/verdant-jobs-*.jar)
  fi
  bench_classpath="$root/jobs/target/test-classes:${jars[0]}:$(cat "$root/jobs/target/embedded-classpath.txt")"
  local blas
  blas="$(find "$cache_dir/javacpp" -path '*openblas*' -name 'libopenblas.so.0' 2>/dev/null | head -1 || true)"
  blas_flag=()
  [[ -n "$blas" ]] && blas_flag=("-Ddev.ludovic.netlib.blas.nativeLibPath=$blas")
  return 0
}
