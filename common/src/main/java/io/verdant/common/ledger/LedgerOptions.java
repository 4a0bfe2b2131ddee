package io.verdant.common.ledger;

import io.verdant.common.Checks;
import io.verdant.common.energy.EnergySettings;
import io.verdant.common.energy.GridIntensity;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The ledger's command-line options, shared by every job (a picocli mixin of JobCommand) and by
 * {@code verdant ledger show} (which uses only {@code --ledger}, {@link LedgerLocation}).
 */
public final class LedgerOptions {
  @Mixin LedgerLocation location = new LedgerLocation();

  @Option(names = "--no-ledger", description = "Do not record this run in the ledger.")
  boolean noLedger;

  @Option(
      names = "--pue",
      paramLabel = "X",
      defaultValue = "" + EnergySettings.DEFAULT_PUE,
      description =
          "Power usage effectiveness of the data centre (facility energy / IT energy), at least 1. Default: ${DEFAULT-VALUE} (Uptime Institute Global Data Center Survey 2023 average).")
  double pue;

  @Option(
      names = "--grid-intensity",
      paramLabel = "G",
      description =
          "Grid carbon intensity in gCO2e/kWh. Default: 475 (IEA world average 2018, Global Energy & CO2 Status Report 2019).")
  Double gridIntensity;

  @Option(
      names = "--grid-intensity-csv",
      paramLabel = "FILE",
      description =
          "Grid carbon intensity over time: CSV with header 'timestamp,g_per_kwh' (ISO-8601 or epoch-second times); each moment uses the latest row at or before it.")
  String gridIntensityCsv;

  @Option(
      names = "--region",
      paramLabel = "LABEL",
      defaultValue = "world",
      description =
          "Grid region label recorded with the carbon figures. Default: ${DEFAULT-VALUE}.")
  String region;

  @Option(
      names = "--cpu-tdp-watts",
      paramLabel = "W",
      description =
          "CPU power per busy core in watts (the CPU's TDP divided by its cores) for the tdp-model method. Default: by CPU model from a small table, else 12 W (Green Algorithms).")
  Double cpuTdpWatts;

  @Option(
      names = "--memory-watts-per-gib",
      paramLabel = "W",
      defaultValue = "0.3725",
      description =
          "Memory power per GiB resident for the memory model method. Default: ${DEFAULT-VALUE} (Green Algorithms).")
  double memoryWattsPerGib;

  public LedgerOptions() {}

  /** For programmatic use (tests, other applications). */
  public static LedgerOptions of(String ledger) {
    LedgerOptions o = new LedgerOptions();
    o.location = new LedgerLocation(ledger);
    o.pue = EnergySettings.DEFAULT_PUE;
    o.region = EnergySettings.DEFAULT_REGION;
    o.memoryWattsPerGib = EnergySettings.DEFAULT_MEMORY_WATTS_PER_GIB;
    return o;
  }

  /**
   * The options of an application that enabled the plugin, from its {@code spark.verdant.*}
   * settings.
   */
  public static LedgerOptions fromConf(org.apache.spark.SparkConf c) {
    LedgerOptions o = of(c.get("spark.verdant.ledger", null));
    o.pue = c.getDouble("spark.verdant.pue", EnergySettings.DEFAULT_PUE);
    o.gridIntensity =
        c.contains("spark.verdant.gridIntensity")
            ? c.getDouble("spark.verdant.gridIntensity", 0)
            : null;
    o.gridIntensityCsv = c.get("spark.verdant.gridIntensityCsv", null);
    o.region = c.get("spark.verdant.region", EnergySettings.DEFAULT_REGION);
    o.cpuTdpWatts =
        c.contains("spark.verdant.cpuTdpWatts")
            ? c.getDouble("spark.verdant.cpuTdpWatts", 0)
            : null;
    o.memoryWattsPerGib =
        c.getDouble("spark.verdant.memoryWattsPerGib", EnergySettings.DEFAULT_MEMORY_WATTS_PER_GIB);
    return o;
  }

  public LedgerOptions pue(double v) {
    pue = v;
    return this;
  }

  public LedgerOptions gridIntensityCsv(String v) {
    gridIntensityCsv = v;
    return this;
  }

  public LedgerOptions cpuTdpWatts(Double v) {
    cpuTdpWatts = v;
    return this;
  }

  public boolean enabled() {
    return !noLedger;
  }

  /** The ledger root: the option, else the environment's defaults. */
  public String root() {
    return location.root();
  }

  /** Checks the options (before Spark starts). */
  public void validate() {
    Checks.atLeast("--pue", pue, 1);
    if (gridIntensity != null) {
      Checks.atLeast("--grid-intensity", gridIntensity, 0);
    }
    Checks.checkArgument(
        gridIntensity == null || gridIntensityCsv == null,
        "--grid-intensity and --grid-intensity-csv cannot be used together, given: %s and %s",
        gridIntensity,
        gridIntensityCsv);
    if (cpuTdpWatts != null) {
      Checks.greaterThan("--cpu-tdp-watts", cpuTdpWatts, 0);
    }
    Checks.atLeast("--memory-watts-per-gib", memoryWattsPerGib, 0);
    Checks.checkArgument(
        region != null && !region.isBlank(), "--region must not be empty, cannot be: '%s'", region);
    if (gridIntensityCsv != null) {
      GridIntensity.csv(gridIntensityCsv, new Configuration());
    }
  }

  public EnergySettings settings(Configuration conf) {
    GridIntensity grid =
        gridIntensityCsv != null
            ? GridIntensity.csv(gridIntensityCsv, conf)
            : gridIntensity != null
                ? GridIntensity.constant(gridIntensity, "--grid-intensity")
                : GridIntensity.defaults();
    return new EnergySettings(cpuTdpWatts, memoryWattsPerGib, pue, grid, region);
  }
}
