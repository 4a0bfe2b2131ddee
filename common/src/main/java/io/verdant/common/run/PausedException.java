package io.verdant.common.run;

import io.verdant.common.VerdantException;

/**
 * Thrown when a job pauses itself for the grid (its carbon intensity or price above the job's
 * threshold) after saving what it needs to continue; the run ends with {@link #status()} and the
 * entry point exits with its own code.
 */
public class PausedException extends VerdantException {
  private final JobRun.Status status;

  /**
   * @param status {@link JobRun.Status#PAUSED_FOR_CARBON} or {@link JobRun.Status#PAUSED_FOR_PRICE}
   */
  public PausedException(JobRun.Status status, String message) {
    super(message);
    if (status != JobRun.Status.PAUSED_FOR_CARBON && status != JobRun.Status.PAUSED_FOR_PRICE) {
      throw new IllegalArgumentException("not a pause: " + status);
    }
    this.status = status;
  }

  public JobRun.Status status() {
    return status;
  }
}
