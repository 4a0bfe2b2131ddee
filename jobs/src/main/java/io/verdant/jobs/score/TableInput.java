package io.verdant.jobs.score;

import static org.apache.spark.sql.functions.col;

import io.verdant.common.VerdantException;
import io.verdant.datasets.read.ScoringRecord;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.InputContract;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows of a Verdant feature table ({@code --data}), one split or all: already normalized, keyed
 * by {@code row_id}, labeled. The table must have been normalized as the model's training table
 * was.
 *
 * @param split the split to score, or null for every row
 */
record TableInput(String data, String split) implements ScoreInput {
  @Override
  public String describe() {
    return "table " + data + (split == null ? "" : " (" + split + " split)");
  }

  @Override
  public ScoreRows open(SparkSession spark, ScoringModel model) {
    Manifest.Loaded table = Manifest.read(data, spark.sparkContext().hadoopConfiguration());
    Manifest m = table.manifest();
    InputContract contract = model.contract();
    String input = "--data " + data;
    checkTask(input, m, contract);
    InputChecks.features(input, m.featureCount(), m.featureNames(), contract);
    if (contract.normalization() != null
        && !Objects.equals(contract.normalization(), m.normalization())) {
      throw VerdantException.of(
          "%s is normalized differently from the table the model was trained on; score the raw"
              + " data with --format and --input instead",
          input);
    }
    long rows =
        split == null ? FeatureTable.SPLITS.stream().mapToLong(m::rows).sum() : m.rows(split);
    if (rows == 0) {
      throw VerdantException.of(
          "%s has no rows%s", input, split == null ? "" : " in the " + split + " split");
    }
    return new ScoreRows(describe(), records(spark, table), null, true, null, rows);
  }

  private static void checkTask(String input, Manifest m, InputContract contract) {
    if (!Objects.equals(m.task(), contract.task())) {
      throw VerdantException.of(
          "%s is a %s table, the model does %s", input, m.task(), contract.task());
    }
    if (m.classification() && m.numClasses() != contract.numClasses()) {
      throw VerdantException.of(
          "%s has %d classes, the model predicts %d", input, m.numClasses(), contract.numClasses());
    }
  }

  /** The split's rows (or every row) as records; the label as stored, int or double. */
  private JavaRDD<ScoringRecord> records(SparkSession spark, Manifest.Loaded table) {
    Dataset<Row> t =
        spark
            .read()
            .schema(FeatureTable.schema(table.manifest().classification()))
            .parquet(table.tablePath());
    if (split != null) {
      t = t.where(col(FeatureTable.SPLIT).equalTo(split));
    }
    return TableBatches.records(
        t.select(FeatureTable.ROW_ID, FeatureTable.FEATURES, FeatureTable.LABEL));
  }
}
