package io.verdant.datasets.read;

import org.apache.spark.sql.SparkSession;

/**
 * A reader of one input format. It validates the input before Spark work where it can (headers,
 * sizes, column names) and fails with a {@link io.verdant.common.VerdantException} naming the file
 * and the defect.
 */
public interface FeatureSource {
  SourceData read(SparkSession spark);
}
