package io.verdant.common.energy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Watts per busy core for the {@code tdp-model} CPU method: the CPU's thermal design power divided
 * by its cores, as Green Algorithms (Lannelongue et al., 2021) does. The value comes from {@code
 * --cpu-tdp-watts} when given, else from this small table matched against /proc/cpuinfo's model
 * name (TDP and core counts from the vendors' specification pages), else from {@link
 * #DEFAULT_WATTS_PER_CORE}.
 */
public final class CpuPower {
  /** Green Algorithms' per-core figure for an unknown ("Any") CPU model. */
  public static final double DEFAULT_WATTS_PER_CORE = 12.0;

  /** Model-name fragment to watts per core (TDP / cores). */
  static final Map<String, Double> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put("epyc 9654", 360.0 / 96); // AMD EPYC 9654: 360 W, 96 cores
    TABLE.put("epyc 7763", 280.0 / 64); // AMD EPYC 7763: 280 W, 64 cores
    TABLE.put("epyc 7742", 225.0 / 64); // AMD EPYC 7742: 225 W, 64 cores
    TABLE.put("epyc 7571", 180.0 / 32); // AMD EPYC 7571 (AWS): 180 W, 32 cores
    TABLE.put("xeon platinum 8380", 270.0 / 40); // Intel Xeon Platinum 8380: 270 W, 40 cores
    TABLE.put("xeon platinum 8480", 350.0 / 56); // Intel Xeon Platinum 8480+: 350 W, 56 cores
    TABLE.put("xeon gold 6248", 150.0 / 20); // Intel Xeon Gold 6248: 150 W, 20 cores
    TABLE.put("xeon e5-2686 v4", 145.0 / 18); // Intel Xeon E5-2686 v4 (AWS): 145 W, 18 cores
    TABLE.put("i7-8700", 65.0 / 6); // Intel Core i7-8700: 65 W, 6 cores
    TABLE.put("i9-13900k", 125.0 / 24); // Intel Core i9-13900K: 125 W base, 24 cores
  }

  private CpuPower() {}

  /** A watts-per-core figure and where it came from. */
  public record PerCore(double watts, String source) {}

  public static PerCore wattsPerCore(Double option, String cpuModel) {
    if (option != null) {
      return new PerCore(option, "--cpu-tdp-watts");
    }
    // "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz" -> "intel xeon gold 6248 cpu @ 2.50ghz"
    String m =
        cpuModel == null
            ? ""
            : cpuModel
                .toLowerCase(Locale.ROOT)
                .replaceAll("\\((r|tm)\\)", " ")
                .replaceAll("\\s+", " ");
    for (Map.Entry<String, Double> e : TABLE.entrySet()) {
      if (m.contains(e.getKey())) {
        return new PerCore(e.getValue(), "table:" + e.getKey());
      }
    }
    return new PerCore(DEFAULT_WATTS_PER_CORE, "default");
  }
}
