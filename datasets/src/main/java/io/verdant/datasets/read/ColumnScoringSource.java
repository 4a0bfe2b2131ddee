package io.verdant.datasets.read;

import org.apache.spark.sql.SparkSession;

/**
 * An input to score whose columns have names (CSV, Parquet): the label column, scored against where
 * the input has it, and the key column passed through when one is named. The layout is read once
 * and kept.
 */
abstract class ColumnScoringSource implements ScoringSource {
  protected final String path;
  protected final String labelColumn;
  protected final String keyColumn;
  private InputLayout layout;

  /**
   * @param keyColumn the column passed through as each row's key, or null to key rows by their
   *     position
   */
  ColumnScoringSource(String path, String labelColumn, String keyColumn) {
    this.path = path;
    this.labelColumn = labelColumn;
    this.keyColumn = keyColumn;
  }

  @Override
  public final InputLayout layout(SparkSession spark) {
    if (layout == null) {
      layout = readLayout(spark);
    }
    return layout;
  }

  /** Reads the header or schema, keeping what {@link #scan} needs. */
  protected abstract InputLayout readLayout(SparkSession spark);
}
