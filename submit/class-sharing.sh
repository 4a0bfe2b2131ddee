# Sourced by submit/verdant and scripts/bench-java.sh: class data sharing (AppCDS) for the embedded local mode.
#
# A local job's JVM spends several CPU-seconds loading and verifying the ~16,000 classes of Spark, Hadoop, DL4J and
# Verdant before it does any work. A dynamic CDS archive keeps them parsed and verified across runs: a train job of
# LeNet-300-100 then starts with about 4 CPU-seconds (12%) less (docs/operations.md, "Class data sharing"). Writing
# the archive costs a run about 25 s and 27 CPU-seconds more, so a job gets one only when it runs a second time with
# the same build, Java and flags; one-off runs pay nothing.
#
#   class_sharing CACHE_DIR JAVA CLASSPATH NAME [ARG...]
#       sets cds_flags (JVM flags to add) and cds_dump (non-empty when this run writes the archive at exit, to a
#       temporary file that class_sharing_commit moves into place). Reads jvm_flags. NAME is the job, ARGs its
#       arguments; none for a NAME that starts with "-" (--help, --version), for a run that only prints help or
#       checks options (-h, --help, -V, --version, --dry-run: its classes are not the job's), when VERDANT_CDS=off,
#       or when jvm_flags already say how to share classes (-Xshare:..., -XX:SharedArchiveFile,
#       -XX:ArchiveClassesAtExit).
#   class_sharing_commit JAVA CLASSPATH STATUS
#       after a run that wrote an archive: keeps it only when the run exited 0 and a JVM maps it (a truncated
#       archive crashes the JVM that maps it), then removes the job's archives of other builds.
class_sharing() {
  local dir="$1/cds" java="$2" classpath="$3" name="${4:-}" key arg
  cds_flags=()
  cds_dump=""
  [[ "${VERDANT_CDS:-auto}" != off && -n "$name" && "$name" != -* ]] || return 0
  for arg in "${@:5}"; do
    case "$arg" in -h|--help|-V|--version|--dry-run) return 0 ;; esac
  done
  # Flags the operator chose about sharing win.
  [[ " ${jvm_flags[*]-} " != *" -Xshare:"* && " ${jvm_flags[*]-} " != *Archive* ]] || return 0
  key="$({
    printf '%s\n' "$classpath" "${jvm_flags[@]+${jvm_flags[*]}}"
    stat -L -c '%n %s %Y' "$(command -v "$java")" "${classpath%%:*}" 2>/dev/null || true
  } | cksum | cut -d ' ' -f 1)"
  cds_archive="$dir/$name-$key.jsa"
  # The JVM's warnings go to stdout, which carries the jobs' output.
  if [[ -s "$cds_archive" ]]; then
    cds_flags=("-XX:SharedArchiveFile=$cds_archive" -Xlog:cds=off -Xlog:cds+dynamic=off)
  elif [[ -e "$dir/$name-$key.seen" ]]; then
    cds_dump="$cds_archive.$$.tmp"
    cds_flags=("-XX:ArchiveClassesAtExit=$cds_dump" -Xlog:cds=off -Xlog:cds+dynamic=off)
  else
    mkdir -p "$dir" 2>/dev/null && : > "$dir/$name-$key.seen" 2>/dev/null || true
    class_sharing_prune
  fi
}

# class_sharing_prune   removes the job's markers and archives of other builds (another build never maps them)
class_sharing_prune() {
  local f
  for f in "${cds_archive%-*}"-*; do
    [[ "$f" == "${cds_archive%.jsa}".* ]] || rm -f "$f"
  done
}

class_sharing_commit() {
  local java="$1" classpath="$2" status="$3"
  if [[ "$status" -eq 0 && -s "$cds_dump" ]] &&
    "$java" ${jvm_flags[@]+"${jvm_flags[@]}"} -XX:ErrorFile=/dev/null -XX:-CreateCoredumpOnCrash -Xshare:on \
      "-XX:SharedArchiveFile=$cds_dump" -cp "$classpath" -version >/dev/null 2>&1; then
    if mv -f "$cds_dump" "$cds_archive" 2>/dev/null; then
      class_sharing_prune
    fi
  fi
  rm -f "$cds_dump"
}
