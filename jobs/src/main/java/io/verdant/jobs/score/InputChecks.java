package io.verdant.jobs.score;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.InputContract;
import java.util.List;

/**
 * The checks of an input against a model's input contract; each message names the input, the rule
 * and the values.
 */
final class InputChecks {
  private InputChecks() {}

  /**
   * The feature count must be the model's; where both name their features, the names and their
   * order must be the model's too.
   *
   * @param input the option and its value, e.g. {@code --input /data/new.csv}
   */
  static void features(String input, int count, List<String> names, InputContract model) {
    if (count != model.featureCount()) {
      throw VerdantException.of(
          "%s has %d features, the model takes %d", input, count, model.featureCount());
    }
    if (names != null && model.featureNames() != null && !names.equals(model.featureNames())) {
      throw VerdantException.of(
          "%s: the features must be the model's, in its order: expected %s, found %s",
          input, String.join(", ", model.featureNames()), String.join(", ", names));
    }
  }

  /**
   * Images must have the shape the model was trained on (flat rows need only the feature count).
   */
  static void imageShape(String input, List<Integer> shape, InputContract model) {
    if (model.shape() != null && !shape.equals(model.shape())) {
      throw VerdantException.of(
          "%s holds images of shape %s, the model takes %s", input, shape, model.shape());
    }
  }
}
