package io.verdant.datasets.table;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The canonical feature table that {@code ingest} writes and every later job reads. A table
 * directory holds {@code manifest.json} and {@code table/}, a Parquet dataset partitioned by {@code
 * split}:
 *
 * <ul>
 *   <li>{@code row_id} bigint: unique across all splits
 *   <li>{@code features} array&lt;float&gt;: normalized features in row-major order of the
 *       manifest's shape (a plain array so any Parquet reader can read it, not Spark ML's vector
 *       UDT)
 *   <li>{@code label} int (class index) for classification, double for regression
 *   <li>{@code split} string: {@code train}, {@code validation} or {@code test} (the partition
 *       column)
 * </ul>
 */
public final class FeatureTable {
  public static final String ROW_ID = "row_id";
  public static final String FEATURES = "features";
  public static final String LABEL = "label";
  public static final String SPLIT = "split";
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  public static final List<String> SPLITS = List.of(TRAIN, VALIDATION, TEST);
  public static final String MANIFEST = "manifest.json";
  public static final String TABLE_DIR = "table";

  private FeatureTable() {}

  public static StructType schema(boolean classification) {
    DataType label = classification ? DataTypes.IntegerType : DataTypes.DoubleType;
    return new StructType(
        new StructField[] {
          new StructField(ROW_ID, DataTypes.LongType, false, Metadata.empty()),
          new StructField(
              FEATURES,
              DataTypes.createArrayType(DataTypes.FloatType, false),
              false,
              Metadata.empty()),
          new StructField(LABEL, label, false, Metadata.empty()),
          new StructField(SPLIT, DataTypes.StringType, false, Metadata.empty())
        });
  }

  /**
   * A uniform value in [0, 1) from a seed and a row id (SplitMix64): the same row lands in the same
   * split for the same seed on every run, whatever the partitioning.
   */
  public static double uniform(long seed, long rowId, long salt) {
    long z = seed * 0x9E3779B97F4A7C15L + rowId + salt * 0xD1B54A32D192ED03L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /** Whether a training row goes to the validation split. */
  public static boolean isValidation(long seed, long rowId, double fraction) {
    return uniform(seed, rowId, 1) < fraction;
  }

  /** Whether a row of an input without a test part goes to the test split. */
  public static boolean isCarvedTest(long seed, long rowId, double fraction) {
    return uniform(seed, rowId, 2) < fraction;
  }
}
