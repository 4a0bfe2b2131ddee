package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What every tabular reader does once its input is open: scan the training input (and the test
 * input) with {@link TabularScan}, refuse an input without rows, decide the label coding from both,
 * and hand the records and the files read to ingest. A format says how to open its input: check
 * files and schemas on the driver, and give the items (lines, rows) with their parser.
 *
 * @param <T> an item of the input: a text line or a Parquet row
 */
abstract class TabularSource<T> implements FeatureSource {
  private final String format;
  private final String noRows;
  protected final String train;
  protected final String test;
  protected final TaskType task;

  /**
   * An opened input. {@code featureCount} is the features per row when the layout fixes it, 0 when
   * the scan decides it (see {@link #featureCount}); {@code unit} is what errors count ("line",
   * "row"); {@code featureNames} the features' names in order, null when the format has none.
   */
  record Opened<T>(
      JavaRDD<T> train,
      JavaRDD<T> test,
      TabularScan.Parser<T> parser,
      String unit,
      int featureCount,
      List<String> featureNames) {}

  /**
   * @param format the format's name, for the manifest
   * @param noRows what an input without rows lacks, after "empty input: ", e.g. "no data rows"
   * @param test the test input, or null to let ingest carve the test split
   * @param task the task, or null for auto
   */
  TabularSource(String format, String noRows, String train, String test, TaskType task) {
    this.format = format;
    this.noRows = noRows;
    this.train = train;
    this.test = test;
    this.task = task;
  }

  /**
   * Checks the inputs on the driver and opens them (lazily: nothing is read on the executors yet).
   */
  abstract Opened<T> open(SparkSession spark, Configuration conf);

  /**
   * The features per row: the layout's, unless a format decides it from the scans ({@code testScan}
   * may be null).
   */
  int featureCount(Opened<T> in, TabularScan.Result trainScan, TabularScan.Result testScan) {
    return in.featureCount();
  }

  /**
   * The lines of a text input, in at least {@code minPartitions} partitions (0: Spark's default
   * parallelism).
   */
  static JavaRDD<String> lines(SparkSession spark, String path, int minPartitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return jsc.textFile(path, minPartitions > 0 ? minPartitions : jsc.defaultParallelism());
  }

  @Override
  public final SourceData read(SparkSession spark) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Opened<T> in = open(spark, conf);
    TabularScan.Result trainScan = scan(in, in.train(), train);
    LabelStats all = trainScan.labels();
    String firstNonNumeric = trainScan.firstNonNumericLabel();
    TabularScan.Result testScan = null;
    if (test != null) {
      testScan = scan(in, in.test(), test);
      if (firstNonNumeric == null) {
        firstNonNumeric = testScan.firstNonNumericLabel();
        all.firstNonNumeric = testScan.labels().firstNonNumeric;
      }
      all.merge(testScan.labels());
    }
    int n = featureCount(in, trainScan, testScan);
    LabelCoder coder =
        LabelCoder.decide(
            task, all, test == null ? train : train + " and " + test, firstNonNumeric);
    JavaRDD<LabeledRecord> trainRecords =
        TabularScan.records(in.train(), in.parser(), trainScan, 0, n, coder);
    JavaRDD<LabeledRecord> testRecords =
        test == null
            ? null
            : TabularScan.records(in.test(), in.parser(), testScan, trainScan.rows(), n, coder);
    List<SourceFile> files = new ArrayList<>(InputFiles.describe("train", train, conf));
    if (test != null) {
      files.addAll(InputFiles.describe("test", test, conf));
    }
    return new SourceData(
        format,
        train,
        trainRecords,
        testRecords,
        n,
        in.featureNames(),
        List.of(n),
        coder.task(),
        coder.numClasses(),
        coder.classNames(),
        null,
        files);
  }

  private TabularScan.Result scan(Opened<T> in, JavaRDD<T> items, String file) {
    TabularScan.Result r = TabularScan.scan(items, in.parser(), file, in.unit());
    if (r.rows() == 0) {
      throw VerdantException.of("%s: empty input: %s", file, noRows);
    }
    return r;
  }
}
