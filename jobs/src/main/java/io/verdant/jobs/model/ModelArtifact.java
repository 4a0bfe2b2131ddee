package io.verdant.jobs.model;

/**
 * A model as files, read without building its network: the path a job takes ({@code --model}), the
 * main file whose bytes are the model ({@link ModelFiles#MODEL_ZIP} or the compressed file), both
 * qualified, the file's size and SHA-256, and the model's metadata. What the model registry records
 * of a model.
 */
public record ModelArtifact(
    String path,
    String file,
    boolean compressed,
    long bytes,
    String sha256,
    ModelMetadata metadata) {
  /**
   * The test-split figures the model's metadata holds (after compression, for a compressed model);
   * null when none.
   */
  public ModelInfo.TestMetrics test() {
    return metadata instanceof CompressedModelInfo c
        ? c.asTrainedModel().test()
        : ((ModelInfo) metadata).test();
  }
}
