package io.verdant.datasets.read;

/** What the label means: a class index, or a real value. */
public enum TaskType {
  CLASSIFICATION,
  REGRESSION;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
