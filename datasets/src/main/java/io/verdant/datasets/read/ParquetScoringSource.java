package io.verdant.datasets.read;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * A Parquet file or folder to score, laid out as {@link ParquetSource} reads ingest's input (a
 * {@code features} array or vector column, or numeric feature columns in schema order), with the
 * label column optional and a key column passed through with its own type.
 */
public final class ParquetScoringSource extends ColumnScoringSource {
  private ParquetSource.Layout sized;
  private JavaRDD<Row> rows;

  /**
   * @param keyColumn the column passed through as each row's key, or null to key rows by their
   *     position
   */
  public ParquetScoringSource(String path, String labelColumn, String keyColumn) {
    super(path, labelColumn, keyColumn);
  }

  @Override
  protected InputLayout readLayout(SparkSession spark) {
    Dataset<Row> df = ParquetSource.load(spark, path, spark.sparkContext().hadoopConfiguration());
    ParquetSource.Layout l = ParquetSource.layout(path, df, labelColumn, false, keyColumn);
    rows = ParquetSource.select(df, l, labelColumn).javaRDD();
    int n = l.array() ? ParquetSource.firstSize(path, rows) : l.columns().length;
    sized = l.sized(n);
    StructField key = keyColumn == null ? null : df.schema().apply(keyColumn);
    return new InputLayout(
        "parquet",
        path,
        n,
        l.array() ? null : List.of(l.columns()),
        List.of(n),
        l.labeled(),
        key == null ? null : new StructField(key.name(), key.dataType(), true, key.metadata()));
  }

  @Override
  public ScoringData scan(SparkSession spark) {
    InputLayout l = layout(spark);
    return ScoringData.scan(
        l,
        rows,
        new ParquetSource.Parser(sized, "column \"" + labelColumn + "\""),
        "row",
        "no rows");
  }
}
