package io.verdant.jobs.registry;

/**
 * The ledger's run attributes that tie runs to registered models: train and compress record the
 * version they registered; a {@code score} run records the SHA-256 of the model file it scored with
 * and the number of predictions, which {@code verdant models show} sums per version.
 */
public final class RunAttributes {
  /** The job whose runs are scoring runs. */
  public static final String SCORE_JOB = "score";

  public static final String MODEL_NAME = "model_name";
  public static final String MODEL_VERSION = "model_version";

  /** SHA-256 of the model file (model.zip or the compressed file), as the registry records it. */
  public static final String MODEL_SHA256 = "model_sha256";

  /** Number of predictions a score run made, a decimal integer. */
  public static final String PREDICTIONS = io.verdant.common.run.JobRun.PREDICTIONS;

  private RunAttributes() {}
}
