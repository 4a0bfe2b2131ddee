package io.verdant.datasets.read;

import java.util.List;
import org.apache.spark.sql.types.StructField;

/**
 * The layout of an input to score.
 *
 * @param format csv, parquet, libsvm or idx
 * @param path the input as given
 * @param featureCount features per row
 * @param featureNames the features' names in order (CSV header, Parquet columns), or null when the
 *     input names none
 * @param shape the shape of one example: [channels, height, width] for IDX images, [featureCount]
 *     otherwise
 * @param labeled whether the rows carry labels
 * @param key the key column passed through (its name and type), or null when rows are keyed by
 *     their position
 */
public record InputLayout(
    String format,
    String path,
    int featureCount,
    List<String> featureNames,
    List<Integer> shape,
    boolean labeled,
    StructField key) {}
