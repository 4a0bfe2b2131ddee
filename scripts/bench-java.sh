# Sourced by the benchmark scripts (with $root set to the repository): what they need to run a benchmark class.
#   bench_java <test class file>   builds the jobs jar and test classes with `mvn package` when either is missing
#                                  (the file is relative to jobs/target/test-classes), then sets:
#   cache_dir        the datasets and ND4J natives cache
#   jvm_flags        the flags Spark 3.5 needs on Java 17 (submit/conf/java17-jvm-flags), then the embedded local
#                    mode's (submit/conf/local-jvm-flags, or $VERDANT_JAVA_OPTS)
#   bench_classpath  the test classes (as a jar), the jobs jar and its embedded classpath
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
  # The test classes as a jar: class data sharing archives classes from jars only.
  local tests_jar="$root/jobs/target/bench-test-classes.jar"
  if [[ ! -e "$tests_jar" || -n "$(find "$root/jobs/target/test-classes" -newer "$tests_jar" -print -quit)" ]]; then
    jar cf "$tests_jar" -C "$root/jobs/target/test-classes" .
  fi
  bench_classpath="$tests_jar:${jars[0]}:$(cat "$root/jobs/target/embedded-classpath.txt")"
  local blas
  blas="$(find "$cache_dir/javacpp" -path '*openblas*' -name 'libopenblas.so.0' 2>/dev/null | head -1 || true)"
  blas_flag=()
  [[ -n "$blas" ]] && blas_flag=("-Ddev.ludovic.netlib.blas.nativeLibPath=$blas")
  return 0
}

# bench_class_sharing NAME   the class archive of NAME as the embedded local mode keeps one (submit/class-sharing.sh):
#                            cds_flags to use it, or, when there is none yet, cds_flags and cds_dump to write it in an
#                            unmeasured run that the caller makes and then passes to class_sharing_commit.
bench_class_sharing() {
  # shellcheck source=submit/class-sharing.sh
  source "$root/submit/class-sharing.sh"
  class_sharing "$cache_dir" java "$bench_classpath" "$1"
  if [[ ${#cds_flags[@]} -eq 0 ]]; then
    class_sharing "$cache_dir" java "$bench_classpath" "$1"
  fi
}
