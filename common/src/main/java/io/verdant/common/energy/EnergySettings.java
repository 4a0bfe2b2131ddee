package io.verdant.common.energy;

/**
 * The accounting choices of one run: model parameters, PUE and grid intensity.
 *
 * @param cpuWattsPerCore --cpu-tdp-watts, or null for the table/default by CPU model
 * @param memoryWattsPerGib the memory model's watts per GiB resident
 * @param pue power usage effectiveness of the data centre (facility energy / IT energy)
 * @param grid grid carbon intensity over time
 * @param region the grid region label recorded on every row
 */
public record EnergySettings(
    Double cpuWattsPerCore,
    double memoryWattsPerGib,
    double pue,
    GridIntensity grid,
    String region) {
  /** The defaults of every job's energy options. */
  public static EnergySettings defaults() {
    return new EnergySettings(
        null, DEFAULT_MEMORY_WATTS_PER_GIB, DEFAULT_PUE, GridIntensity.defaults(), DEFAULT_REGION);
  }

  /** Green Algorithms' memory power: 0.3725 W per GB of memory (Lannelongue et al., 2021). */
  public static final double DEFAULT_MEMORY_WATTS_PER_GIB = 0.3725;

  /** Uptime Institute Global Data Center Survey 2023: average annual PUE 1.58. */
  public static final double DEFAULT_PUE = 1.58;

  public static final String DEFAULT_REGION = "world";
}
