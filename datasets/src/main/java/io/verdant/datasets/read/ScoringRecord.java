package io.verdant.datasets.read;

/**
 * One row to score: its key (the key column's value, or the row's 0-based position in the input as
 * a Long), its features and its label (a class index or a value; NaN when the input has no labels).
 */
public final class ScoringRecord extends FeatureRow {
  private final Object key;

  public ScoringRecord(Object key, float[] features, double label) {
    super(features, label);
    this.key = key;
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
}
