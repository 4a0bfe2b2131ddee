package io.verdant.datasets.read;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One example as a reader produces it: a row id unique across the whole input (train and test), the
 * features in reading order, and the label (a class index for classification, a value for
 * regression).
 *
 * <p>A plain class rather than a Java record on purpose: Spark's Kryo (4.x) cannot serialize
 * records ("can't get field offset on a record class"), and these objects are shuffled, cached and
 * collected.
 */
public final class LabeledRecord implements Serializable {
  private final long rowId;
  private final float[] features;
  private final double label;

  public LabeledRecord(long rowId, float[] features, double label) {
    this.rowId = rowId;
    this.features = features;
    this.label = label;
  }

  public long rowId() {
    return rowId;
  }

  public float[] features() {
    return features;
  }

  public double label() {
    return label;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LabeledRecord)) {
      return false;
    }
    LabeledRecord r = (LabeledRecord) o;
    return rowId == r.rowId
        && Double.compare(label, r.label) == 0
        && Arrays.equals(features, r.features);
  }

  @Override
  public int hashCode() {
    return Objects.hash(rowId, label) * 31 + Arrays.hashCode(features);
  }

  @Override
  public String toString() {
    return "LabeledRecord[rowId="
        + rowId
        + ", features="
        + features.length
        + " values, label="
        + label
        + "]";
  }
}
