package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A LibSVM file to score: {@code label index:value ...} per line, parsed as {@link LibSvmSource}
 * parses ingest's input, into rows of the model's feature count (an index beyond it is a defect).
 * The format always carries a label.
 */
public final class LibSvmScoringSource implements ScoringSource {
  private final String path;
  private final int featureCount;

  /**
   * @param featureCount the model's feature count: rows are this wide
   */
  public LibSvmScoringSource(String path, int featureCount) {
    this.path = path;
    this.featureCount = featureCount;
  }

  @Override
  public InputLayout layout(SparkSession spark) {
    InputFiles.requireFile(path, "libsvm", spark.sparkContext().hadoopConfiguration());
    return new InputLayout("libsvm", path, featureCount, null, List.of(featureCount), true, null);
  }

  @Override
  public ScoringData scan(SparkSession spark) {
    InputLayout l = layout(spark);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<String> lines = jsc.textFile(path, jsc.defaultParallelism());
    LibSvmSource.Parser parser =
        new LibSvmSource.Parser(featureCount, "the model's " + featureCount + " features");
    TabularScan.Result scan = TabularScan.scan(lines, parser, path, "line");
    if (scan.rows() == 0) {
      throw VerdantException.of("%s: empty input: no data rows", path);
    }
    return new ScoringData(
        l,
        scan.rows(),
        scan.labels(),
        scan.firstNonNumericLabel(),
        coder ->
            TabularScan.rows(lines, parser, scan, 0, featureCount, ScoringRecord.maker(l, coder)));
  }
}
