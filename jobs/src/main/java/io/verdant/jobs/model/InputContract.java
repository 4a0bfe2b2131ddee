package io.verdant.jobs.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.verdant.common.JsonRecord;
import io.verdant.datasets.table.Manifest;
import java.util.List;

/**
 * What a model predicts and takes, so that it can score new raw data without its training table:
 * the task and its classes, the features (count, names when the source had them, and shape), and
 * the normalization the feature table applied (which new data must get too).
 */
@JsonRecord
public record InputContract(
    String task,
    int numClasses,
    List<String> classNames,
    int featureCount,
    List<String> featureNames,
    List<Integer> shape,
    Manifest.Normalization normalization) {

  /** The contract of a model trained on the table this manifest describes. */
  public static InputContract of(Manifest m) {
    return new InputContract(
        m.task(),
        m.numClasses(),
        m.classNames(),
        m.featureCount(),
        m.featureNames(),
        m.shape(),
        m.normalization());
  }

  @JsonIgnore
  public boolean classification() {
    return "classification".equals(task);
  }
}
