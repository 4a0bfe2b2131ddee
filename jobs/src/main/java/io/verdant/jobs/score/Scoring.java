package io.verdant.jobs.score;

import io.verdant.jobs.model.InputContract;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark work of a score run, one job: the model's bytes broadcast once, each partition scored
 * in batches ({@link PartitionScorer}) and written as Parquet, the counts and metrics gathered in
 * the same pass.
 */
final class Scoring {
  private Scoring() {}

  /**
   * Writes the predictions of {@code rows} to {@code out} (which must not exist) and returns what
   * was counted.
   */
  static ScoreStats write(
      SparkSession spark,
      ScoringModel model,
      ScoreRows rows,
      Path out,
      int batchSize,
      PartitionScorer.Constants constants) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    InputContract contract = model.contract();
    int numClasses = contract.classification() ? contract.numClasses() : 0;
    String[] classNames =
        contract.classification() && contract.classNames() != null
            ? contract.classNames().toArray(new String[0])
            : null;
    Broadcast<byte[]> bytes = jsc.broadcast(model.bytes());
    ScoreAccumulator stats = new ScoreAccumulator(numClasses);
    jsc.sc().register(stats, "verdant.score");
    try {
      PartitionScorer scorer =
          new PartitionScorer(
              bytes, model, batchSize, numClasses, classNames, rows.normalizer(), constants, stats);
      JavaRDD<Row> scored = rows.records().mapPartitions(scorer::score);
      spark
          .createDataFrame(
              scored, OutputColumns.schema(rows.key(), numClasses > 0, classNames != null))
          .write()
          .mode(SaveMode.ErrorIfExists)
          // Probabilities rarely repeat: a dictionary of them is built and then abandoned for every
          // page.
          .option(OutputColumns.NO_DICTIONARY, "false")
          .parquet(out.toString());
      return stats.value();
    } finally {
      bytes.destroy();
    }
  }
}
