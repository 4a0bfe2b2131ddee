package io.verdant.jobs.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.verdant.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code model.json} beside {@code model.zip} in a model directory: what was trained, on which data, how, with
 * which results and on which stack. Readers (compress, score) use {@link #read}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelInfo(
    int schemaVersion,
    String runId,
    String createdAt,
    String architecture,
    long parameterCount,
    String task,
    List<Integer> inputShape,
    int featureCount,
    int numClasses,
    Dataset dataset,
    Map<String, String> options,
    Training training,
    List<EpochMetrics> epochs,
    TestMetrics test,
    Map<String, String> versions,
    Nd4jInfo nd4j) {

  public static final int CURRENT_SCHEMA_VERSION = 1;
  public static final String FILE = "model.json";
  public static final String MODEL_ZIP = "model.zip";

  /** The table trained on: its directory, its dataset name and its manifest's SHA-256. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dataset(String path, String name, String manifestSha256, long trainRows, long validationRows, long testRows) {}

  /** How training went: epochs run, the best epoch (whose parameters model.zip holds), early stop, examples. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Training(int epochsRun, int bestEpoch, boolean stoppedEarly, Integer resumedAfterEpoch,
      int workers, long examplesPerEpoch, long droppedPerEpoch, int minibatchesPerEpoch, double trainSeconds, double wallSeconds) {}

  /** Test-split figures of the saved model. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TestMetrics(long examples, Double accuracy, Double macroF1, Double rmse, Double r2) {}

  /** The ND4J backend that trained the model. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Nd4jInfo(String backend, int devices, Integer threads, String blas) {}

  public static ModelInfo read(String modelDir, Configuration conf) {
    Path p = new Path(modelDir, FILE);
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      return Json.MAPPER.readValue(in, ModelInfo.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + p, e);
    }
  }
}
