package io.verdant.common.modelfile;

import io.verdant.common.VerdantException;

/**
 * A model file that cannot be read: truncated, corrupted, of an unknown version, or with sizes that
 * do not fit.
 */
public final class ModelFileException extends VerdantException {
  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
