package io.verdant.datasets.read;

import java.util.Arrays;
import java.util.Objects;

/**
 * One example as a reader produces it: a row id unique across the whole input (train and test), the
 * features in reading order, and the label (a class index for classification, a value for
 * regression).
 */
public final class LabeledRecord extends FeatureRow {
  private final long rowId;

  public LabeledRecord(long rowId, float[] features, double label) {
    super(features, label);
    this.rowId = rowId;
  }

  public long rowId() {
    return rowId;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LabeledRecord)) {
      return false;
    }
    LabeledRecord r = (LabeledRecord) o;
    return rowId == r.rowId
        && Double.compare(label(), r.label()) == 0
        && Arrays.equals(features(), r.features());
  }

  @Override
  public int hashCode() {
    return Objects.hash(rowId, label()) * 31 + Arrays.hashCode(features());
  }

  @Override
  public String toString() {
    return "LabeledRecord[rowId="
        + rowId
        + ", features="
        + features().length
        + " values, label="
        + label()
        + "]";
  }
}
