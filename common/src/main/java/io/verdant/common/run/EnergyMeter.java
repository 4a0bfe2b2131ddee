package io.verdant.common.run;

/** A run listener that can tell how much energy the run has used so far (the ledger's recorder). */
public interface EnergyMeter {
  /**
   * Energy of the run from its start until now, in joules, by the ledger's methods (PUE not
   * applied).
   */
  double energySoFarJ(JobRun run);
}
