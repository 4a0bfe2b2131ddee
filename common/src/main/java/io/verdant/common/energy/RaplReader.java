package io.verdant.common.energy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads Intel/AMD RAPL energy counters from the Linux powercap tree ({@code
 * /sys/class/powercap/intel-rapl:N} for packages, {@code intel-rapl:N:M} for their sub-zones; the
 * kernel names both vendors' zones so). Each zone's {@code energy_uj} is a cumulative counter in
 * microjoules that wraps at {@code max_energy_range_uj}; {@link #delta} turns two readings into the
 * energy used between them, wraparound included. Package zones are named {@code package-N}, memory
 * zones {@code dram}. Since 2020 kernels make {@code energy_uj} readable by root only: an
 * unreadable counter means "no RAPL" and the model methods are used instead.
 */
public final class RaplReader {
  private static final Pattern ZONE_DIR = Pattern.compile("intel-rapl:\\d+(:\\d+)?");

  /** One readable zone: its sysfs folder, its name and its counter range. */
  public record Zone(Path dir, String name, long maxRangeUj) {
    public boolean isPackage() {
      return name.startsWith("package");
    }

    public boolean isDram() {
      return name.equals("dram");
    }
  }

  private final List<Zone> zones;

  public RaplReader(SystemPaths paths) {
    this.zones = discover(paths.powercap());
  }

  public List<Zone> zones() {
    return zones;
  }

  public boolean hasPackage() {
    return zones.stream().anyMatch(Zone::isPackage);
  }

  public boolean hasDram() {
    return zones.stream().anyMatch(Zone::isDram);
  }

  /** Current counter of each zone, in the order of {@link #zones()}; -1 where a read failed. */
  public long[] read() {
    long[] out = new long[zones.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = readLong(zones.get(i).dir().resolve("energy_uj"));
    }
    return out;
  }

  /** Microjoules used between two readings of a counter that wraps at {@code maxRangeUj}. */
  public static long delta(long before, long after, long maxRangeUj) {
    if (before < 0 || after < 0) {
      return -1;
    }
    if (after >= before) {
      return after - before;
    }
    // The counter passed max_energy_range_uj and restarted from 0 (at most once between two
    // samples).
    return maxRangeUj > 0 ? maxRangeUj - before + after : -1;
  }

  /**
   * Sums the deltas of the package (or DRAM) zones between two readings, in microjoules; -1 when
   * none.
   */
  public long sum(long[] before, long[] after, boolean dram) {
    long total = -1;
    for (int i = 0; i < zones.size(); i++) {
      Zone z = zones.get(i);
      if (dram ? z.isDram() : z.isPackage()) {
        long d = delta(before[i], after[i], z.maxRangeUj());
        if (d >= 0) {
          total = Math.max(total, 0) + d;
        }
      }
    }
    return total;
  }

  private static List<Zone> discover(Path root) {
    List<Zone> out = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return out;
    }
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        if (ZONE_DIR.matcher(p.getFileName().toString()).matches()) {
          dirs.add(p);
        }
      }
    } catch (IOException e) {
      return out;
    }
    dirs.sort(null);
    for (Path d : dirs) {
      String name = readString(d.resolve("name"));
      long now = readLong(d.resolve("energy_uj"));
      if (name == null || now < 0) {
        continue;
      }
      out.add(new Zone(d, name, readLong(d.resolve("max_energy_range_uj"))));
    }
    return out;
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII).trim();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long readLong(Path p) {
    String s = readString(p);
    if (s == null || s.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
