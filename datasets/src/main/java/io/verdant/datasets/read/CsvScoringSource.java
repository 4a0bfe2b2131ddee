package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;

/**
 * A CSV file to score, with a header line: every column but the label column (when the header has
 * it) and the key column (when one is named) is a numeric feature, in header order. Parsed on the
 * executors as {@link CsvSource} parses ingest's input; the key is passed through as a string.
 */
public final class CsvScoringSource extends ColumnScoringSource {
  private String[] header;
  private int label;
  private int key;

  /**
   * @param keyColumn the column passed through as each row's key, or null to key rows by their
   *     position
   */
  public CsvScoringSource(String path, String labelColumn, String keyColumn) {
    super(path, labelColumn, keyColumn);
  }

  @Override
  protected InputLayout readLayout(SparkSession spark) {
    header = CsvSource.header(path, spark.sparkContext().hadoopConfiguration());
    List<String> columns = Arrays.asList(header);
    label = columns.indexOf(labelColumn);
    key = keyColumn == null ? -1 : columns.indexOf(keyColumn);
    if (keyColumn != null && key < 0) {
      throw VerdantException.of(
          "%s: no key column \"%s\" in the header (columns: %s); name it with --key-column",
          path, keyColumn, String.join(", ", header));
    }
    List<String> names = CsvSource.featureNames(header, label, key);
    if (names.isEmpty()) {
      throw VerdantException.of(
          "%s: no feature columns besides the label and key columns (columns: %s)",
          path, String.join(", ", header));
    }
    StructField keyField =
        key < 0 ? null : new StructField(keyColumn, DataTypes.StringType, true, Metadata.empty());
    return new InputLayout(
        "csv", path, names.size(), names, List.of(names.size()), label >= 0, keyField);
  }

  @Override
  public ScoringData scan(SparkSession spark) {
    InputLayout l = layout(spark);
    return ScoringData.scan(
        l,
        TabularSource.lines(spark, path, 0),
        new CsvSource.Parser(header, label, key, true),
        "line",
        "no data rows after the header");
  }
}
