package io.verdant.jobs.score;

import io.verdant.common.VerdantException;
import io.verdant.datasets.read.CsvScoringSource;
import io.verdant.datasets.read.IdxScoringSource;
import io.verdant.datasets.read.InputLayout;
import io.verdant.datasets.read.LabelCoder;
import io.verdant.datasets.read.LibSvmScoringSource;
import io.verdant.datasets.read.ParquetScoringSource;
import io.verdant.datasets.read.ScoringData;
import io.verdant.datasets.read.ScoringSource;
import io.verdant.datasets.table.Normalizer;
import io.verdant.jobs.model.InputContract;
import org.apache.spark.sql.SparkSession;

/**
 * New raw data ({@code --format}, {@code --input}): read as ingest reads its input, checked against
 * the model's input contract, and normalized as the model's training table was.
 *
 * @param labels idx: the labels file, or null
 * @param keyColumn csv, parquet: the column passed through as the key, or null
 */
record RawInput(
    ScoreJob.Format format, String input, String labels, String labelColumn, String keyColumn)
    implements ScoreInput {
  @Override
  public String describe() {
    return format + " " + input;
  }

  @Override
  public ScoreRows open(SparkSession spark, ScoringModel model) {
    InputContract contract = model.contract();
    ScoringSource source = source(contract.featureCount());
    InputLayout layout = source.layout(spark);
    String option = "--input " + input;
    InputChecks.features(option, layout.featureCount(), layout.featureNames(), contract);
    if (format == ScoreJob.Format.idx) {
      InputChecks.imageShape(option, layout.shape(), contract);
    }
    if (contract.normalization() == null) {
      throw VerdantException.of(
          "--model %s records no normalization of its training data, so raw data cannot be"
              + " normalized for it; score a feature table with --data instead",
          model.ref().reference());
    }
    Normalizer normalizer =
        Normalizer.of(
            contract.normalization(),
            contract.featureCount(),
            "--model " + model.ref().reference());
    ScoringData data = source.scan(spark);
    LabelCoder coder =
        LabelCoder.forModel(
            contract.classification(), contract.numClasses(), contract.classNames());
    return new ScoreRows(
        describe(), data.records(coder), layout.key(), layout.labeled(), normalizer, data.rows());
  }

  private ScoringSource source(int featureCount) {
    return switch (format) {
      case csv -> new CsvScoringSource(input, labelColumn, keyColumn);
      case parquet -> new ParquetScoringSource(input, labelColumn, keyColumn);
      case libsvm -> new LibSvmScoringSource(input, featureCount);
      case idx -> new IdxScoringSource(input, labels);
    };
  }
}
