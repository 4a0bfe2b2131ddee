package io.verdant.jobs.model;

/**
 * What every model form says of itself: a trained model's {@link ModelInfo}, a compressed model's
 * {@link CompressedModelInfo}.
 */
public sealed interface ModelMetadata permits ModelInfo, CompressedModelInfo {
  /** The run that wrote this model. */
  String runId();

  String architecture();

  long parameterCount();

  /**
   * What the model takes and predicts; null for a model written before the contract was recorded.
   */
  InputContract input();

  /** The SHA-256 of the manifest of the table this model was trained (or compressed) on. */
  String datasetManifestSha256();
}
