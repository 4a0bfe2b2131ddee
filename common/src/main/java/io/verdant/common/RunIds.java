package io.verdant.common;

import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/** Run ids name a run's outputs and its ledger rows: given with {@code --run-id}, or generated. */
public final class RunIds {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
  private static final SecureRandom RANDOM = new SecureRandom();

  private RunIds() {}

  public static String generate(String job) {
    return String.format(
        Locale.ROOT,
        "%s-%s-%04x",
        job,
        STAMP.format(ZonedDateTime.now(ZoneOffset.UTC)),
        RANDOM.nextInt(1 << 16));
  }

  /**
   * Checks a user-given run id: it becomes part of file names, so only a safe alphabet is allowed.
   */
  public static String validate(String runId) {
    if (runId == null || !VALID.matcher(runId).matches()) {
      throw VerdantException.of(
          "--run-id must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit, cannot be: %s",
          runId);
    }
    return runId;
  }
}
