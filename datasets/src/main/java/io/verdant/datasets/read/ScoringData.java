package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;

/**
 * An input to score after its scan: its layout, its row count, what its labels are, and its rows.
 */
public final class ScoringData {
  private final InputLayout layout;
  private final long rows;
  private final LabelStats labels;
  private final String firstNonNumericLabel;
  private final Function<LabelCoder, JavaRDD<ScoringRecord>> records;

  /**
   * @param labels what the scan saw of the labels, or null when the reader checks them itself (IDX)
   * @param firstNonNumericLabel where the first non-numeric label is, or null
   * @param records the rows with their labels coded for the model
   */
  ScoringData(
      InputLayout layout,
      long rows,
      LabelStats labels,
      String firstNonNumericLabel,
      Function<LabelCoder, JavaRDD<ScoringRecord>> records) {
    this.layout = layout;
    this.rows = rows;
    this.labels = labels;
    this.firstNonNumericLabel = firstNonNumericLabel;
    this.records = records;
  }

  /**
   * Scans {@code items} (see {@link TabularScan}) into the scoring data of {@code layout}; an input
   * without rows fails, its message ending in {@code noRows}.
   */
  static <T> ScoringData scan(
      InputLayout layout,
      JavaRDD<T> items,
      TabularScan.Parser<T> parser,
      String unit,
      String noRows) {
    TabularScan.Result scan = TabularScan.scan(items, parser, layout.path(), unit);
    if (scan.rows() == 0) {
      throw VerdantException.of("%s: empty input: %s", layout.path(), noRows);
    }
    return new ScoringData(
        layout,
        scan.rows(),
        scan.labels(),
        scan.firstNonNumericLabel(),
        coder ->
            TabularScan.rows(
                items, parser, scan, 0, layout.featureCount(), ScoringRecord.maker(layout, coder)));
  }

  public InputLayout layout() {
    return layout;
  }

  public long rows() {
    return rows;
  }

  /**
   * The rows, labels coded by {@code coder}; fails first, naming the input, when a label is not one
   * the model knows.
   */
  public JavaRDD<ScoringRecord> records(LabelCoder coder) {
    if (layout.labeled()) {
      coder.check(layout.path(), labels, firstNonNumericLabel);
    }
    return records.apply(coder);
  }
}
