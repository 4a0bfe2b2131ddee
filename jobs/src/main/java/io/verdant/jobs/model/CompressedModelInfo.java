package io.verdant.jobs.model;

import io.verdant.common.JsonRecord;
import java.util.List;
import java.util.Map;

/**
 * The metadata block of a compressed model file (docs/model-format.md): where the model came from,
 * what it takes ({@link #input()}, copied from the trained model), how it was compressed, its
 * layers and its accuracies. Readers accept any {@code schemaVersion <= CURRENT_SCHEMA_VERSION} and
 * ignore fields they do not know.
 */
@JsonRecord
public record CompressedModelInfo(
    int schemaVersion,
    String runId,
    String createdAt,
    String verdantVersion,
    String architecture,
    long parameterCount,
    InputContract input,
    String datasetManifestSha256,
    String trainedOnManifestSha256,
    String sourceModel,
    String sourceRunId,
    Map<String, String> options,
    Stages stages,
    ModelInfo.TestMetrics trainMetrics,
    List<Layer> layers,
    Accuracy accuracy)
    implements ModelMetadata {

  public static final int CURRENT_SCHEMA_VERSION = 2;

  /** How each stage of Deep Compression ran. */
  @JsonRecord
  public record Stages(
      Pruning pruning,
      Retraining retraining,
      String quantization,
      CentroidFineTuning centroidFineTuning) {}

  @JsonRecord
  public record Pruning(Map<String, Double> sparsity, int cycles, String method) {}

  @JsonRecord
  public record Retraining(
      int epochs,
      double learningRate,
      String learningRateSchedule,
      double l2,
      int batchSizePerWorker,
      int averagingFrequency,
      long seed) {}

  @JsonRecord
  public record CentroidFineTuning(
      int steps, double learningRate, double sampleFraction, boolean kept) {}

  /**
   * One parameter array as stored: weights, the fraction kept, bits per shared weight and per gap,
   * bytes.
   */
  @JsonRecord
  public record Layer(
      String tensor, long weights, double kept, int weightBits, int indexBits, long bytes) {}

  /** Accuracies of the model before and after compression. */
  @JsonRecord
  public record Accuracy(
      double testBefore,
      double testPruned,
      double testQuantized,
      double validationBefore,
      double validationQuantized) {}

  /**
   * The model.json of the model directory this file decompresses to: the compressed model's
   * identity, input contract, data and test accuracy after compression (its training history stays
   * with the trained model).
   */
  public ModelInfo asTrainedModel() {
    ModelInfo.Dataset dataset = new ModelInfo.Dataset(null, null, datasetManifestSha256, 0, 0, 0);
    ModelInfo.TestMetrics test =
        accuracy == null
            ? null
            : new ModelInfo.TestMetrics(0, accuracy.testQuantized(), null, null, null, null);
    return new ModelInfo(
        ModelInfo.CURRENT_SCHEMA_VERSION,
        runId,
        createdAt,
        architecture,
        parameterCount,
        input,
        dataset,
        options,
        null,
        null,
        test,
        Map.of("verdant", verdantVersion),
        null);
  }

  /** This metadata with the layer table filled in (known once the tensors are encoded). */
  public CompressedModelInfo withLayers(List<Layer> stored) {
    return new CompressedModelInfo(
        schemaVersion,
        runId,
        createdAt,
        verdantVersion,
        architecture,
        parameterCount,
        input,
        datasetManifestSha256,
        trainedOnManifestSha256,
        sourceModel,
        sourceRunId,
        options,
        stages,
        trainMetrics,
        stored,
        accuracy);
  }
}
