package io.verdant.jobs.score;

import io.verdant.datasets.read.ScoringRecord;
import io.verdant.datasets.table.Normalizer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.types.StructField;

/**
 * The rows a score run scores, checked against the model's input contract.
 *
 * @param description what they are, for the run's record and output ("csv file:/data/new.csv")
 * @param records the rows: key, features (raw or normalized), label (NaN when unlabeled)
 * @param key the key column passed through (name and type), or null for {@code row_id}
 * @param labeled whether the rows carry labels to score the predictions against
 * @param normalizer what turns the features into the model's inputs, or null when they are
 *     normalized already
 * @param rows how many rows there are
 */
record ScoreRows(
    String description,
    JavaRDD<ScoringRecord> records,
    StructField key,
    boolean labeled,
    Normalizer normalizer,
    long rows) {}
