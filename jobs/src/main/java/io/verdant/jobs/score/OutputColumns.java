package io.verdant.jobs.score;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of the predictions table (docs/score.md): the key, the prediction (a class index, or
 * a value), the class name where the model has names, the class probabilities (classification), and
 * the model and run.
 */
final class OutputColumns {
  private static final String PROBABILITY = "probability";

  /**
   * The Parquet writer setting that turns dictionary encoding off for the probabilities' elements.
   */
  static final String NO_DICTIONARY = "parquet.enable.dictionary#" + PROBABILITY + ".list.element";

  private OutputColumns() {}

  /**
   * @param key the key column passed through, or null for {@code row_id}
   * @param classNames whether there is a {@code prediction_label} column
   */
  static StructType schema(StructField key, boolean classification, boolean classNames) {
    List<StructField> f = new ArrayList<>();
    f.add(key != null ? key : field("row_id", DataTypes.LongType, false));
    f.add(
        field("prediction", classification ? DataTypes.IntegerType : DataTypes.DoubleType, false));
    if (classNames) {
      f.add(field("prediction_label", DataTypes.StringType, false));
    }
    if (classification) {
      f.add(field(PROBABILITY, DataTypes.createArrayType(DataTypes.FloatType, false), false));
    }
    f.add(field("model_name", DataTypes.StringType, false));
    f.add(field("model_version", DataTypes.StringType, true));
    f.add(field("model_sha256", DataTypes.StringType, false));
    f.add(field("scored_at", DataTypes.TimestampType, false));
    f.add(field("run_id", DataTypes.StringType, false));
    return new StructType(f.toArray(new StructField[0]));
  }

  private static StructField field(
      String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return new StructField(name, type, nullable, Metadata.empty());
  }
}
