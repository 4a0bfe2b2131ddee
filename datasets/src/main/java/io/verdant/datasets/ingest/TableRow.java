package io.verdant.datasets.ingest;

import java.io.Serializable;

/**
 * One row of the feature table on its way to Parquet, as a Java bean so Spark's bean encoder writes
 * the float[] straight into its binary row format (no boxing of every feature, as a generic Row
 * would need). The label is carried as a double and cast to the table's type (int or double) when
 * written.
 */
public final class TableRow implements Serializable {
  private long rowId;
  private float[] features;
  private double label;
  private String split;

  public TableRow() {}

  public TableRow(long rowId, float[] features, double label, String split) {
    this.rowId = rowId;
    this.features = features;
    this.label = label;
    this.split = split;
  }

  public long getRowId() {
    return rowId;
  }

  public void setRowId(long rowId) {
    this.rowId = rowId;
  }

  public float[] getFeatures() {
    return features;
  }

  public void setFeatures(float[] features) {
    this.features = features;
  }

  public double getLabel() {
    return label;
  }

  public void setLabel(double label) {
    this.label = label;
  }

  public String getSplit() {
    return split;
  }

  public void setSplit(String split) {
    this.split = split;
  }
}
