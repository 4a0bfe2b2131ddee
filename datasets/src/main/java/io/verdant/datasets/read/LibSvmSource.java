package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * A LibSVM (SVMlight) file: one row per line, {@code label index:value index:value ...} with
 * 1-based, increasing indices; absent features are 0. {@code #} starts a comment; blank lines are
 * skipped. The feature count is {@code --num-features}, or the largest index in the input(s) when
 * that is 0. Read and parsed on the executors like {@link CsvSource}; rows become dense arrays.
 */
public final class LibSvmSource extends TabularSource<String> {
  private final int numFeatures;
  private final int minPartitions;

  /**
   * @param test the test file, or null to let ingest carve the test split
   * @param numFeatures the feature count, or 0 for the largest index seen
   * @param task the task, or null for auto
   * @param minPartitions the least number of partitions per file; 0 uses Spark's default
   *     parallelism
   */
  public LibSvmSource(
      String train, String test, int numFeatures, TaskType task, int minPartitions) {
    super("libsvm", "no data rows", train, test, task);
    this.numFeatures = numFeatures;
    this.minPartitions = minPartitions;
  }

  @Override
  Opened<String> open(SparkSession spark, Configuration conf) {
    InputFiles.requireFile(train, "libsvm", conf);
    if (test != null) {
      InputFiles.requireFile(test, "libsvm", conf);
    }
    return new Opened<>(
        lines(spark, train, minPartitions),
        test == null ? null : lines(spark, test, minPartitions),
        new Parser(numFeatures, "--num-features " + numFeatures),
        "line",
        numFeatures,
        null);
  }

  /** --num-features, else the largest index in the training and test inputs. */
  @Override
  int featureCount(Opened<String> in, TabularScan.Result trainScan, TabularScan.Result testScan) {
    if (numFeatures > 0) {
      return numFeatures;
    }
    int n = Math.max(trainScan.maxIndex(), testScan == null ? 0 : testScan.maxIndex());
    if (n == 0) {
      throw VerdantException.of(
          "%s: no row has any feature; give the feature count with --num-features", train);
    }
    return n;
  }

  /**
   * Parses a line into its label token and sparse features.
   *
   * @param numFeatures the most features, 0 for no limit; {@code limit} says where it comes from in
   *     messages
   */
  record Parser(int numFeatures, String limit) implements TabularScan.Parser<String> {
    @Override
    public TabularScan.Parsed parse(String line, boolean firstOfInput) throws RowDefect {
      int hash = line.indexOf('#');
      String s = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (s.isEmpty()) {
        return null;
      }
      String[] t = s.split("\\s+");
      int[] idx = new int[t.length - 1];
      float[] val = new float[t.length - 1];
      int prev = 0;
      for (int k = 1; k < t.length; k++) {
        String tok = t[k];
        int colon = tok.indexOf(':');
        if (colon <= 0 || colon == tok.length() - 1) {
          throw new RowDefect("expected index:value, found \"" + tok + "\"");
        }
        int i;
        try {
          i = Integer.parseInt(tok.substring(0, colon));
        } catch (NumberFormatException e) {
          throw new RowDefect("feature index is not an integer: \"" + tok + "\"");
        }
        if (i < 1) {
          throw new RowDefect("feature indices start at 1, found " + i);
        }
        if (i <= prev) {
          throw new RowDefect("feature indices must increase, found " + i + " after " + prev);
        }
        if (numFeatures > 0 && i > numFeatures) {
          throw new RowDefect("feature index " + i + " is beyond " + limit);
        }
        idx[k - 1] = i;
        val[k - 1] = Numbers.feature(tok.substring(colon + 1), 0, "feature " + i);
        prev = i;
      }
      return new TabularScan.Parsed(null, idx, val, t[0]);
    }

    @Override
    public int labelColumn() {
      return 0;
    }

    @Override
    public String labelColumnName() {
      return "label";
    }
  }
}
