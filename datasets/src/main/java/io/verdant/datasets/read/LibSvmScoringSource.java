package io.verdant.datasets.read;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * A LibSVM file to score: {@code label index:value ...} per line, parsed as {@link LibSvmSource}
 * parses ingest's input, into rows of the model's feature count (an index beyond it is a defect).
 * The format always carries a label.
 *
 * @param featureCount the model's feature count: rows are this wide
 */
public record LibSvmScoringSource(String path, int featureCount) implements ScoringSource {
  @Override
  public InputLayout layout(SparkSession spark) {
    InputFiles.requireFile(path, "libsvm", spark.sparkContext().hadoopConfiguration());
    return new InputLayout("libsvm", path, featureCount, null, List.of(featureCount), true, null);
  }

  @Override
  public ScoringData scan(SparkSession spark) {
    return ScoringData.scan(
        layout(spark),
        TabularSource.lines(spark, path, 0),
        new LibSvmSource.Parser(featureCount, "the model's " + featureCount + " features"),
        "line",
        "no data rows");
  }
}
