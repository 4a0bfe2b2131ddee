package io.verdant.common.run;

/**
 * Observes a job run: the ledger is one. Callbacks run on the driver, in order: start, then phase
 * start/end pairs, then end (also when the job failed). A listener's own failure is logged, never
 * allowed to change the job's outcome.
 */
public interface JobRunListener {
  default void onStart(JobRun run) {}

  default void onPhaseStart(JobRun run, String phase) {}

  default void onPhaseEnd(JobRun run, String phase, long wallMs) {}

  /**
   * @param error null when the job succeeded
   */
  default void onEnd(JobRun run, JobRun.Status status, Throwable error) {}
}
