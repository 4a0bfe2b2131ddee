# Sourced by submit/verdant and scripts/bench-java.sh: the JVM flags of Verdant's embedded local mode.
#   embedded_jvm_flags CONF_DIR   appends to the array jvm_flags the flags of CONF_DIR/java17-jvm-flags, then
#                                 $VERDANT_JAVA_OPTS when it is set (even to nothing), else CONF_DIR/local-jvm-flags
embedded_jvm_flags() {
  local extra
  flags_file "$1/java17-jvm-flags"
  if [[ -n "${VERDANT_JAVA_OPTS+set}" ]]; then
    read -r -a extra <<< "$VERDANT_JAVA_OPTS"
    jvm_flags+=(${extra[@]+"${extra[@]}"})
  else
    flags_file "$1/local-jvm-flags"
  fi
}

# flags_file FILE   appends FILE's flags to jvm_flags: one per line, blank lines and # comments skipped
flags_file() {
  local line
  while IFS= read -r line; do
    [[ -n "$line" && "$line" != \#* ]] && jvm_flags+=("$line")
  done < "$1"
}
