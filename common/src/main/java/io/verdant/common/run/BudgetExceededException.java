package io.verdant.common.run;

import io.verdant.common.VerdantException;

/** Thrown when a job stops itself because it reached an energy, carbon or time budget. */
public class BudgetExceededException extends VerdantException {
  public BudgetExceededException(String message) {
    super(message);
  }
}
