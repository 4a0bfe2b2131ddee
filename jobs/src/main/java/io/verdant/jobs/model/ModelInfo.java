package io.verdant.jobs.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.verdant.common.Json;
import io.verdant.common.JsonRecord;
import io.verdant.common.VerdantException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code model.json} beside {@code model.zip} in a model directory: what was trained, on which
 * data, how, with which results and on which stack, and what the model takes ({@link
 * InputContract}). Schema 1 (before the input contract) is read too: its task, shape and counts
 * become the contract.
 */
@JsonRecord
public record ModelInfo(
    int schemaVersion,
    String runId,
    String createdAt,
    String architecture,
    long parameterCount,
    InputContract input,
    Dataset dataset,
    Map<String, String> options,
    Training training,
    List<EpochMetrics> epochs,
    TestMetrics test,
    Map<String, String> versions,
    Nd4jInfo nd4j)
    implements ModelMetadata {

  public static final int CURRENT_SCHEMA_VERSION = 2;

  /** The table trained on: its directory, its dataset name and its manifest's SHA-256. */
  @JsonRecord
  public record Dataset(
      String path,
      String name,
      String manifestSha256,
      long trainRows,
      long validationRows,
      long testRows) {}

  /**
   * How training went: epochs run, the best epoch (whose parameters model.zip holds), early stop,
   * examples.
   */
  @JsonRecord
  public record Training(
      int epochsRun,
      int bestEpoch,
      boolean stoppedEarly,
      Integer resumedAfterEpoch,
      int workers,
      long examplesPerEpoch,
      long droppedPerEpoch,
      int minibatchesPerEpoch,
      double trainSeconds,
      double wallSeconds) {}

  /** Test-split figures of the saved model. */
  @JsonRecord
  public record TestMetrics(
      long examples, Double accuracy, Double macroF1, Double rmse, Double r2, Double mae) {}

  /** The ND4J backend that trained the model. */
  @JsonRecord
  public record Nd4jInfo(String backend, int devices, Integer threads, String blas) {}

  @Override
  public String datasetManifestSha256() {
    return dataset == null ? null : dataset.manifestSha256();
  }

  /**
   * Parses a model.json, of any schema version up to the current one; {@code source} names it in
   * errors.
   */
  public static ModelInfo parse(byte[] json, String source) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (!(node instanceof ObjectNode o)) {
        throw VerdantException.of("%s: not a JSON object", source);
      }
      int version = o.path("schemaVersion").asInt(0);
      if (version < 1 || version > CURRENT_SCHEMA_VERSION) {
        throw VerdantException.of(
            "%s: model.json schema version must be between 1 and %d, cannot be: %s",
            source, CURRENT_SCHEMA_VERSION, o.path("schemaVersion"));
      }
      if (version == 1 && !o.has("input")) {
        ObjectNode in = o.putObject("input");
        in.set("task", o.get("task"));
        in.set("featureCount", o.get("featureCount"));
        in.set("shape", o.get("inputShape"));
        in.set("numClasses", o.get("numClasses"));
      }
      return Json.MAPPER.treeToValue(o, ModelInfo.class);
    } catch (IOException e) {
      throw VerdantException.of("%s: not a valid model.json: %s", source, e.getMessage());
    }
  }
}
