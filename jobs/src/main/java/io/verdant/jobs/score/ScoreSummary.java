package io.verdant.jobs.score;

import io.verdant.common.JsonRecord;
import io.verdant.common.fs.JsonFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * {@code _score.json} beside the predictions (hidden from Parquet readers by its leading
 * underscore): what a score run scored with which model, how many predictions it made, and their
 * metrics where the rows had labels. Written last, it marks the output complete for reruns of the
 * same run id.
 */
@JsonRecord
public record ScoreSummary(
    int schemaVersion,
    String runId,
    String scoredAt,
    String verdantVersion,
    Model model,
    Input input,
    long predictions,
    int batchSize,
    Metrics metrics) {

  public static final int CURRENT_SCHEMA_VERSION = 1;
  public static final String FILE = "_score.json";

  /**
   * The model: as referenced, its file, name, version (null without the registry), SHA-256, kind
   * and engine.
   */
  @JsonRecord
  public record Model(
      String reference,
      String file,
      String name,
      String version,
      String sha256,
      String kind,
      String engine,
      long bytes) {}

  /** The rows scored: a feature table or raw data, the key column, whether they had labels. */
  @JsonRecord
  public record Input(String description, String keyColumn, boolean labeled) {}

  /**
   * The predictions against the labels: accuracy and macro F1 (classification), or RMSE, MAE and R²
   * (regression, R² absent when the labels do not vary); all absent without labels.
   */
  @JsonRecord
  public record Metrics(
      long labeled, Double accuracy, Double macroF1, Double rmse, Double mae, Double r2) {}

  /** Reads the summary in a score output directory, or null when there is none. */
  public static ScoreSummary read(String dir, Configuration conf) {
    return JsonFiles.readIfExists(new Path(dir, FILE), ScoreSummary.class, "score summary", conf);
  }
}
