package io.verdant.jobs.registry;

import io.verdant.common.Checks;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a registered model: {@code models:/NAME/VERSION}, {@code models:/NAME@ALIAS}, or
 * (where a command takes a model of the registry) {@code NAME} alone, meaning its latest version.
 * Names and aliases become file names, so only a safe alphabet is allowed.
 */
public record ModelRef(String name, Integer version, String alias) {
  public static final String SCHEME = "models:/";
  private static final String NAME_CHARS = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
  private static final String ALIAS_CHARS = "[A-Za-z][A-Za-z0-9_-]{0,63}";
  private static final Pattern NAME = Pattern.compile(NAME_CHARS);
  private static final Pattern ALIAS = Pattern.compile(ALIAS_CHARS);
  private static final Pattern REF =
      Pattern.compile("(" + NAME_CHARS + ")(?:/([1-9][0-9]{0,8})|@(" + ALIAS_CHARS + "))?");

  /** Whether a job's {@code --model} value names the registry rather than a path. */
  public static boolean isUri(String value) {
    return value.startsWith(SCHEME);
  }

  /** Parses {@code models:/NAME/VERSION} or {@code models:/NAME@ALIAS}. */
  public static ModelRef parseUri(String uri) {
    ModelRef ref = isUri(uri) ? match(uri.substring(SCHEME.length())) : null;
    Checks.checkArgument(
        ref != null && !ref.latest(),
        "a registered model must be given as models:/NAME/VERSION or models:/NAME@ALIAS, cannot be: %s",
        uri);
    return ref;
  }

  /**
   * Parses {@code NAME}, {@code NAME/VERSION} or {@code NAME@ALIAS}, with or without {@code
   * models:/} before it.
   */
  public static ModelRef parse(String value) {
    ModelRef ref = match(isUri(value) ? value.substring(SCHEME.length()) : value);
    Checks.checkArgument(
        ref != null,
        "a model must be given as NAME, NAME/VERSION or NAME@ALIAS (models:/ before it is allowed), cannot be: %s",
        value);
    return ref;
  }

  private static ModelRef match(String s) {
    Matcher m = REF.matcher(s);
    if (!m.matches()) {
      return null;
    }
    return new ModelRef(
        m.group(1), m.group(2) == null ? null : Integer.valueOf(m.group(2)), m.group(3));
  }

  /** Fails unless {@code name} is a valid model name; {@code what} names it in the message. */
  public static String checkName(String what, String name) {
    return Checks.matches(
        what,
        name,
        NAME,
        "1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }

  /**
   * Fails unless {@code alias} is a valid alias (it starts with a letter, so that it is never taken
   * for a version).
   */
  public static String checkAlias(String what, String alias) {
    return Checks.matches(
        what, alias, ALIAS, "1-64 letters, digits, '_' or '-', starting with a letter");
  }

  /**
   * A valid model name made of free text (a dataset and an architecture): other characters become
   * '-'.
   */
  public static String sanitize(String text) {
    String s = text.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[._-]+", "");
    return s.length() > 100 ? s.substring(0, 100) : s;
  }

  public static String uri(String name, int version) {
    return SCHEME + name + "/" + version;
  }

  /** Neither a version nor an alias: the latest version. */
  public boolean latest() {
    return version == null && alias == null;
  }

  @Override
  public String toString() {
    return SCHEME + name + (version != null ? "/" + version : alias != null ? "@" + alias : "");
  }
}
