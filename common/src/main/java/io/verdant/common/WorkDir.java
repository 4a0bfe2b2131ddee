package io.verdant.common;

import java.util.Map;

/**
 * Where Verdant's stores live by default: an option, else the store's own environment variable,
 * else a folder of the work directory ({@code $VERDANT_WORK_DIR}, else {@code ./verdant-work}). One
 * rule for the ledger and the model registry.
 */
public final class WorkDir {
  public static final String ENV = "VERDANT_WORK_DIR";
  public static final String DEFAULT = "verdant-work";

  private WorkDir() {}

  /** The option when given, else {@code $<env>}, else {@code <work dir>/<folder>}. */
  public static String resolve(
      String option, Map<String, String> env, String envVariable, String folder) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String own = env.get(envVariable);
    if (own != null && !own.isBlank()) {
      return own;
    }
    String w = env.get(ENV);
    if (w != null && !w.isBlank()) {
      return w.endsWith("/") ? w + folder : w + "/" + folder;
    }
    return DEFAULT + "/" + folder;
  }
}
