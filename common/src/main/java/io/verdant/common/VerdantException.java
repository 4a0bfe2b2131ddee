package io.verdant.common;

/**
 * An error the user can act on: bad input, a bad option, a missing file. Its message states the
 * rule and the offending value, and names the file or option; the entry point prints the message
 * alone (no stack trace) and exits non-zero.
 */
public class VerdantException extends RuntimeException {
  public VerdantException(String message) {
    super(message);
  }

  public VerdantException(String message, Throwable cause) {
    super(message, cause);
  }

  public static VerdantException of(String format, Object... args) {
    return new VerdantException(String.format(format, args));
  }

  /** The first {@link VerdantException} in a cause chain (Spark wraps task failures), or null. */
  public static VerdantException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof VerdantException) {
        return (VerdantException) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
