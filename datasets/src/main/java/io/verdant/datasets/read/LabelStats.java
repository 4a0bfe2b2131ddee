package io.verdant.datasets.read;

import java.io.Serializable;
import java.util.TreeSet;

/**
 * What a scan learned about the labels of a tabular input: whether all are numbers, all integers,
 * their range, and the distinct values (up to {@link #MAX_CLASSES}), so the driver can decide the
 * task and the class indices without collecting the labels. Mergeable across partitions.
 */
final class LabelStats implements Serializable {
  /** The most classes a classification may have. */
  static final int MAX_CLASSES = 10_000;

  boolean allNumeric = true;
  boolean allInteger = true;
  long minInteger = Long.MAX_VALUE;
  long maxInteger = Long.MIN_VALUE;
  long count;
  final TreeSet<String> distinct = new TreeSet<>();
  boolean tooMany;

  /**
   * The first label that is not a number, within the partition that saw it (item index, -1 when
   * none).
   */
  long firstNonNumericAt = -1;

  String firstNonNumeric;

  /**
   * The canonical form of a label: integers without sign or fraction noise ("+1", "1.0" are "1"),
   * else as written.
   */
  static String canonical(String trimmed, Double v) {
    if (v == null) {
      return trimmed;
    }
    if (isInteger(v)) {
      return Long.toString((long) (double) v);
    }
    return Double.toString(v);
  }

  static boolean isInteger(double v) {
    return v == Math.rint(v) && Math.abs(v) < 0x1p53;
  }

  /**
   * Adds one label token seen at {@code itemIndex} of the partition; refuses empty, NaN and
   * infinite labels.
   */
  void add(String token, long itemIndex, int column, String columnName) throws RowDefect {
    String t = token.trim();
    if (t.isEmpty()) {
      throw new RowDefect(column, columnName, "empty label");
    }
    Double v = Numbers.parse(t);
    if (v != null && (v.isNaN() || v.isInfinite())) {
      throw new RowDefect(column, columnName, "NaN or infinite label: \"" + t + "\"");
    }
    count++;
    if (v == null) {
      allNumeric = false;
      allInteger = false;
      if (firstNonNumericAt < 0) {
        firstNonNumericAt = itemIndex;
        firstNonNumeric = t;
      }
    } else if (isInteger(v)) {
      long l = (long) (double) v;
      minInteger = Math.min(minInteger, l);
      maxInteger = Math.max(maxInteger, l);
    } else {
      allInteger = false;
    }
    if (!tooMany) {
      distinct.add(canonical(t, v));
      if (distinct.size() > MAX_CLASSES) {
        tooMany = true;
        distinct.clear();
      }
    }
  }

  /**
   * Folds {@code o} into this (the first-non-numeric position is tracked by the caller, per
   * partition).
   */
  void merge(LabelStats o) {
    allNumeric &= o.allNumeric;
    allInteger &= o.allInteger;
    minInteger = Math.min(minInteger, o.minInteger);
    maxInteger = Math.max(maxInteger, o.maxInteger);
    count += o.count;
    tooMany |= o.tooMany;
    if (!tooMany) {
      distinct.addAll(o.distinct);
      if (distinct.size() > MAX_CLASSES) {
        tooMany = true;
      }
    }
    if (tooMany) {
      distinct.clear();
    }
  }
}
