package io.verdant.jobs.model;

/** The names of a model's files: defined once, for every job that writes or reads a model. */
public final class ModelFiles {
  /** A trained model: DL4J ModelSerializer zip (network and updater state). */
  public static final String MODEL_ZIP = "model.zip";

  /** A trained model's metadata: {@link ModelInfo} as JSON, beside {@link #MODEL_ZIP}. */
  public static final String MODEL_JSON = "model.json";

  /** A compressed model: the Verdant model file (docs/model-format.md). */
  public static final String MODEL_FILE = "model.vdcm";

  /** The compress job's report beside {@link #MODEL_FILE}: {@code CompressionReport} as JSON. */
  public static final String COMPRESSION_REPORT = "report.json";

  private ModelFiles() {}
}
