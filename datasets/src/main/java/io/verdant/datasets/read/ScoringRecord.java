package io.verdant.datasets.read;

import java.io.Serializable;

/**
 * One row to score: its key (the key column's value, or the row's 0-based position in the input as
 * a Long), its features and its label (a class index or a value; NaN when the input has no labels).
 *
 * <p>A plain class rather than a record: Spark's Kryo cannot serialize records (see {@link
 * LabeledRecord}).
 */
public final class ScoringRecord implements Serializable {
  private final Object key;
  private final float[] features;
  private final double label;

  public ScoringRecord(Object key, float[] features, double label) {
    this.key = key;
    this.features = features;
    this.label = label;
  }

  /**
   * The records of parsed tabular rows: keyed by the key column when the layout has one, else by
   * row id.
   */
  static TabularScan.RowMaker<ScoringRecord> maker(InputLayout layout, LabelCoder coder) {
    boolean keyed = layout.key() != null;
    return (id, f, r) ->
        new ScoringRecord(
            keyed ? r.key() : id, f, r.label() == null ? Double.NaN : coder.code(r.label()));
  }

  public Object key() {
    return key;
  }

  public float[] features() {
    return features;
  }

  public double label() {
    return label;
  }
}
