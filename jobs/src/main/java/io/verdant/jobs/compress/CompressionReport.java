package io.verdant.jobs.compress;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.verdant.common.JsonRecord;
import io.verdant.common.fs.JsonFiles;
import io.verdant.common.modelfile.TensorStats;
import io.verdant.jobs.model.ModelFiles;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The compress job's {@code report.json} (Deep Compression's Table 2 and more): sizes, per-layer
 * storage, accuracy at every stage, the sensitivity analysis, every attempt of the sparsity search,
 * and each phase's wall time.
 */
@JsonRecord
public record CompressionReport(
    String runId,
    String architecture,
    String model,
    String data,
    String datasetManifestSha256,
    long parameters,
    long denseFloat32Bytes,
    long fileBytes,
    double compressionRatio,
    long parameterBlocksBytes,
    double parameterCompressionRatio,
    long metadataBytes,
    long configBytes,
    List<LayerRow> layers,
    TestAccuracy testAccuracy,
    ValidationAccuracy validationAccuracy,
    Map<String, Double> sparsity,
    Sensitivity sensitivity,
    List<SparsitySearch.AttemptRecord> attempts,
    Map<String, String> options,
    Map<String, Long> stageWallMs) {

  /** One parameter array as stored in the file. */
  public record LayerRow(
      String tensor,
      String encoding,
      long weights,
      double kept,
      long entries,
      long fillers,
      int weightBits,
      double weightBitsHuffman,
      int indexBits,
      double indexBitsHuffman,
      long bytes,
      double fractionOfDense) {
    /** The row of one tensor's storage, as the model file's writer measured it. */
    LayerRow(TensorStats t) {
      this(
          t.name(),
          t.encoding().name(),
          t.weights(),
          t.keptFraction(),
          t.entries(),
          t.fillers(),
          t.weightBits(),
          t.weightBitsHuffman(),
          t.gapBits(),
          t.gapBitsHuffman(),
          t.blockBytes(),
          t.fractionOfDense());
    }

    boolean raw() {
      return encoding.equals("RAW_F32");
    }
  }

  /** Test accuracy at every stage, and the check that decoding changed nothing. */
  public record TestAccuracy(
      double beforeCompression,
      double afterPruningAndRetraining,
      double afterQuantization,
      double afterDecoding,
      int rows,
      int decodedPredictionsDifferingFromQuantized,
      boolean decodedParametersBitExact) {}

  /** Validation accuracy at every stage; centroid fine-tuning's figures only when it ran. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ValidationAccuracy(
      double beforeCompression,
      double afterPruningAndRetraining,
      double afterQuantization,
      double maxAccuracyDropPercentagePoints,
      Double afterQuantizationBeforeCentroidFineTuning,
      Boolean centroidFineTuningKept) {}

  /** Validation accuracy of each layer pruned alone at each grid sparsity. */
  public record Sensitivity(
      List<Double> sparsities,
      double validationAccuracyUnpruned,
      Map<String, double[]> validationAccuracy) {}

  public CompressionReport withStageWallMs(Map<String, Long> wallMs) {
    return new CompressionReport(
        runId,
        architecture,
        model,
        data,
        datasetManifestSha256,
        parameters,
        denseFloat32Bytes,
        fileBytes,
        compressionRatio,
        parameterBlocksBytes,
        parameterCompressionRatio,
        metadataBytes,
        configBytes,
        layers,
        testAccuracy,
        validationAccuracy,
        sparsity,
        sensitivity,
        attempts,
        options,
        wallMs);
  }

  /** The report in a compress output directory, or null when there is none. */
  public static CompressionReport read(String dir, Configuration conf) {
    return JsonFiles.readIfExists(
        new Path(dir, ModelFiles.COMPRESSION_REPORT),
        CompressionReport.class,
        "compression report",
        conf);
  }
}
