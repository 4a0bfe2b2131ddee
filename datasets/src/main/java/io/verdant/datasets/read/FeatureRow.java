package io.verdant.datasets.read;

import java.io.Serializable;

/**
 * What every row a reader produces carries: its features in reading order and its label (a class
 * index for classification, a value for regression).
 *
 * <p>Plain classes rather than Java records on purpose: Spark's Kryo (4.x) cannot serialize records
 * ("can't get field offset on a record class"), and these objects are shuffled, cached and
 * collected.
 */
public abstract class FeatureRow implements Serializable {
  private final float[] features;
  private final double label;

  FeatureRow(float[] features, double label) {
    this.features = features;
    this.label = label;
  }

  public float[] features() {
    return features;
  }

  public double label() {
    return label;
  }
}
