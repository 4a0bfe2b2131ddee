package io.verdant.datasets.read;

import java.io.Serializable;

/**
 * One example as a reader produces it: a row id unique across the whole input (train and test), the
 * features in reading order, and the label (a class index for classification, a value for regression).
 */
public record LabeledRecord(long rowId, float[] features, double label) implements Serializable {}
