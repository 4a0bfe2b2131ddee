package io.verdant.jobs.model;

import io.verdant.common.JsonRecord;

/**
 * One epoch's figures: mean training loss over the averaging rounds, and validation accuracy and
 * macro F1 (classification) or RMSE and R^2 (regression), with the epoch's learning rate and wall
 * seconds (training only, and with evaluation), and the energy the run used during the epoch
 * (training and evaluation, IT energy in J, from the ledger's meter; absent without a ledger).
 * Remote executors report their samples once per sample interval, so an epoch's energy can include
 * up to one interval of the previous epoch's executor work.
 */
@JsonRecord
public record EpochMetrics(
    int epoch,
    double learningRate,
    double trainLoss,
    Double validationAccuracy,
    Double validationMacroF1,
    Double validationRmse,
    Double validationR2,
    double trainSeconds,
    double epochSeconds,
    Double energyJ) {

  /**
   * The metric the best model is chosen by: accuracy (higher is better) or RMSE (lower is better),
   * as a score to maximize.
   */
  public double selectionScore() {
    if (validationAccuracy != null) {
      return validationAccuracy;
    }
    return validationRmse == null ? Double.NEGATIVE_INFINITY : -validationRmse;
  }
}
