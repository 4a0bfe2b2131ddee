package io.verdant.datasets.read;

import io.verdant.common.VerdantException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the labels of a tabular input become the table's {@code label}: integer class indices kept as
 * they are, names (or other values) numbered in sorted order, or real values for regression.
 * Decided on the driver from the scan's {@link LabelStats} (ingest) or given by a trained model
 * (scoring); applied on the executors.
 */
public final class LabelCoder implements Serializable {
  enum Mode {
    INDEX,
    NAMES,
    REGRESSION
  }

  private final Mode mode;
  private final int numClasses;
  private final List<String> classNames;
  private final HashMap<String, Integer> index;

  private LabelCoder(Mode mode, int numClasses, List<String> classNames) {
    this.mode = mode;
    this.numClasses = numClasses;
    this.classNames = classNames;
    this.index = new HashMap<>();
    if (classNames != null) {
      for (int i = 0; i < classNames.size(); i++) {
        index.put(classNames.get(i), i);
      }
    }
  }

  /**
   * Chooses the coding. {@code requested} null means auto: classification when every label is an
   * integer or some label is a name, regression when all are numbers and some has a fraction.
   * Integer labels of a classification, all at least 0, are the class indices (classes 0..max); any
   * other classification labels (names, negative integers such as LibSVM's -1/+1, fractions) are
   * numbered in sorted order (numeric order when all are numbers) and recorded as class names.
   *
   * @param firstNonNumeric where the first non-numeric label is ("file line N, column C (name)"),
   *     or null
   */
  static LabelCoder decide(TaskType requested, LabelStats s, String what, String firstNonNumeric) {
    if (requested == TaskType.REGRESSION) {
      if (!s.allNumeric) {
        throw VerdantException.of(
            "%s: label is not a number: \"%s\" (--task regression needs numeric labels)",
            firstNonNumeric, s.firstNonNumeric);
      }
      return new LabelCoder(Mode.REGRESSION, 0, null);
    }
    if (s.allNumeric && !s.allInteger && requested == null) {
      return new LabelCoder(Mode.REGRESSION, 0, null);
    }
    if (s.allInteger && s.minInteger >= 0) {
      if (s.maxInteger >= LabelStats.MAX_CLASSES) {
        throw VerdantException.of(
            "%s: label %d is too large for a class index (at most %d classes); use --task regression"
                + " for real-valued labels",
            what, s.maxInteger, LabelStats.MAX_CLASSES);
      }
      return new LabelCoder(Mode.INDEX, (int) s.maxInteger + 1, null);
    }
    if (s.tooMany) {
      throw VerdantException.of(
          "%s: more than %d distinct labels, too many classes for a classification%s",
          what,
          LabelStats.MAX_CLASSES,
          s.allNumeric ? "; use --task regression for real-valued labels" : "");
    }
    List<String> names = new ArrayList<>(s.distinct);
    if (s.allNumeric) {
      names.sort(Comparator.comparingDouble(Double::parseDouble));
    }
    return new LabelCoder(Mode.NAMES, names.size(), List.copyOf(names));
  }

  /**
   * The coding of a trained model's labels, for scoring new rows against them: the model's class
   * names (as ingest recorded them), its class indices {@code 0..numClasses-1}, or real values for
   * regression.
   */
  public static LabelCoder forModel(
      boolean classification, int numClasses, List<String> classNames) {
    if (!classification) {
      return new LabelCoder(Mode.REGRESSION, 0, null);
    }
    if (classNames != null && !classNames.isEmpty()) {
      return new LabelCoder(Mode.NAMES, classNames.size(), List.copyOf(classNames));
    }
    return new LabelCoder(Mode.INDEX, numClasses, null);
  }

  /**
   * Fails, naming the input, unless every label a scan saw has a code: a number for regression,
   * else a class of this coding. {@code firstNonNumeric} is where the first non-numeric label is.
   */
  void check(String input, LabelStats s, String firstNonNumeric) {
    if (s == null || s.count == 0) {
      return;
    }
    if (mode == Mode.REGRESSION) {
      if (!s.allNumeric) {
        throw VerdantException.of(
            "%s: label is not a number: \"%s\" (the model predicts a value)",
            firstNonNumeric, s.firstNonNumeric);
      }
      return;
    }
    String classes =
        mode == Mode.NAMES ? String.join(", ", classNames) : "0 to " + (numClasses - 1);
    if (s.tooMany) {
      throw VerdantException.of(
          "%s: more than %d distinct labels; the model's classes are %s",
          input, LabelStats.MAX_CLASSES, classes);
    }
    for (String label : s.distinct) {
      if (!known(label)) {
        throw VerdantException.of(
            "%s: label \"%s\" is not one of the model's classes (%s)", input, label, classes);
      }
    }
  }

  private boolean known(String canonical) {
    if (mode == Mode.NAMES) {
      return index.containsKey(canonical);
    }
    Double v = Numbers.parse(canonical);
    return v != null && LabelStats.isInteger(v) && v >= 0 && v < numClasses;
  }

  /** The label value of a token the scan accepted. */
  double code(String token) {
    String t = token.trim();
    Double v = Numbers.parse(t);
    switch (mode) {
      case REGRESSION:
        return v;
      case INDEX:
        return (long) (double) v;
      default:
        Integer i = index.get(LabelStats.canonical(t, v));
        if (i == null) {
          throw new IllegalStateException("label " + t + " was not seen by the scan");
        }
        return i;
    }
  }

  TaskType task() {
    return mode == Mode.REGRESSION ? TaskType.REGRESSION : TaskType.CLASSIFICATION;
  }

  int numClasses() {
    return numClasses;
  }

  /** The class names (sorted), or null when labels were class indices or real values. */
  List<String> classNames() {
    return classNames;
  }

  Map<String, Integer> index() {
    return index;
  }
}
