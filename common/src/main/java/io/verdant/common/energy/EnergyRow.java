package io.verdant.common.energy;

/**
 * Energy of one component of one executor in one phase of a run: a row of the ledger's {@code
 * energy} table. See docs/ledger.md for the meaning and units of every field.
 */
public record EnergyRow(
    String phase,
    String host,
    String executorId,
    String component,
    String device,
    long startMs,
    long endMs,
    double seconds,
    double energyJ,
    double cpuSeconds,
    double utilization,
    String method,
    double pue,
    double gridIntensityGPerKwh,
    String region,
    String intensitySource,
    double co2eG,
    int samples) {

  public double meanPowerW() {
    return seconds > 0 ? energyJ / seconds : 0.0;
  }
}
