package io.verdant.datasets.read;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;

/**
 * What a reader hands to ingest.
 *
 * @param input the training input as the user named it, for messages
 * @param train training rows (the validation split is carved from them by ingest)
 * @param test test rows, or null when the input has no test part (ingest then carves one by
 *     fraction)
 * @param featureCount features per row; every row has exactly this many
 * @param shape the shape of one example, e.g. [1, 28, 28] for MNIST, [featureCount] for tabular
 *     data
 * @param numClasses classes for classification (labels are 0..numClasses-1), 0 for regression
 * @param classNames names of the classes when the input labels were names, else null
 * @param scaledBy when non-null the reader already divided features by this (images: 255), and
 *     ingest records it; when null, ingest standardizes features with statistics of the train split
 */
public record SourceData(
    String format,
    String input,
    JavaRDD<LabeledRecord> train,
    JavaRDD<LabeledRecord> test,
    int featureCount,
    List<String> featureNames,
    List<Integer> shape,
    TaskType task,
    int numClasses,
    List<String> classNames,
    Double scaledBy,
    List<SourceFile> files) {}
