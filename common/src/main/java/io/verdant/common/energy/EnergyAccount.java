package io.verdant.common.energy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns the sampled {@link Interval}s of a run into energy and carbon per phase, host, executor and
 * component.
 *
 * <ul>
 *   <li>CPU, {@code rapl}: the machine's RAPL package energy in the interval times this process's
 *       share of the machine's busy CPU time ({@link Interval#cpuShare()}); shares of processes on
 *       one host add up to at most 1.
 *   <li>CPU, {@code tdp-model}: watts per core ({@link CpuPower}) times the CPU-seconds of this
 *       process.
 *   <li>Memory, {@code rapl}: the RAPL DRAM energy times this process's share of the memory in use.
 *   <li>Memory, {@code model}: watts per GiB times resident GiB times seconds.
 *   <li>GPU, {@code nvml}: the driver's energy counter; {@code nvml-power}: power samples times
 *       seconds. A host's GPUs are counted once, from the first executor of that host that reported
 *       them.
 * </ul>
 *
 * An interval is clipped to the run's window and split across the phases it overlaps in proportion
 * to time. An interval is also cut where a grid-intensity time series changes, so carbon of each
 * piece is its energy times PUE times the grid intensity in force during it.
 */
public final class EnergyAccount {
  /** A phase's time window, epoch milliseconds. */
  public record PhaseWindow(String name, long startMs, long endMs) {}

  private record Key(
      String phase, String host, String executorId, String component, String device) {}

  private static final class Acc {
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    double seconds;
    double energy;
    double co2;
    double cpuS;
    double utilSeconds;
    int samples;
    final TreeSet<String> methods = new TreeSet<>();
  }

  private static final double GIB = 1024.0 * 1024 * 1024;

  private final EnergySettings settings;

  public EnergyAccount(EnergySettings settings) {
    this.settings = settings;
  }

  public List<EnergyRow> account(
      List<Interval> intervals, long runStartMs, long runEndMs, List<PhaseWindow> phases) {
    Map<Key, Acc> acc = new LinkedHashMap<>();
    Map<String, String> gpuOwner = new HashMap<>();
    for (Interval i : intervals) {
      if (i.endMs() <= i.startMs()) {
        continue;
      }
      boolean ownsGpus =
          !i.gpus().isEmpty()
              && gpuOwner
                  .computeIfAbsent(i.host(), h -> i.executorId() + "/" + i.pid())
                  .equals(i.executorId() + "/" + i.pid());
      for (long[] seg :
          segments(i.startMs(), i.endMs(), runStartMs, runEndMs, phases, settings.grid())) {
        long a = seg[0];
        long b = seg[1];
        String phase = seg[2] < 0 ? null : phases.get((int) seg[2]).name();
        double f = (double) (b - a) / (i.endMs() - i.startMs());
        double secs = (b - a) / 1000.0;
        double intensity = settings.grid().at(a + (b - a) / 2);
        // CPU
        double cpuS = i.processCpuSeconds() * f;
        double cpuUtil = i.cores() > 0 ? Math.min(1.0, i.busyCores() / i.cores()) : 0;
        if (i.raplPackageUj() >= 0) {
          add(
              acc,
              new Key(phase, i.host(), i.executorId(), "cpu", i.cpuModel()),
              a,
              b,
              i.raplPackageUj() / 1e6 * i.cpuShare() * f,
              cpuS,
              cpuUtil,
              "rapl",
              intensity);
        } else {
          CpuPower.PerCore w = CpuPower.wattsPerCore(settings.cpuWattsPerCore(), i.cpuModel());
          add(
              acc,
              new Key(phase, i.host(), i.executorId(), "cpu", i.cpuModel()),
              a,
              b,
              w.watts() * cpuS,
              cpuS,
              cpuUtil,
              "tdp-model",
              intensity);
        }
        // Memory
        if (i.raplDramUj() >= 0) {
          add(
              acc,
              new Key(phase, i.host(), i.executorId(), "memory", "dram"),
              a,
              b,
              i.raplDramUj() / 1e6 * i.memoryShare() * f,
              0,
              i.memoryShare(),
              "rapl",
              intensity);
        } else if (i.rssBytes() >= 0) {
          add(
              acc,
              new Key(phase, i.host(), i.executorId(), "memory", "dram"),
              a,
              b,
              settings.memoryWattsPerGib() * (i.rssBytes() / GIB) * secs,
              0,
              i.memoryShare(),
              "model",
              intensity);
        }
        // GPUs
        if (ownsGpus) {
          for (GpuSample g : i.gpus()) {
            String device = "gpu" + g.index() + " " + g.name();
            Key k = new Key(phase, i.host(), i.executorId(), "gpu", device);
            double util = Double.isNaN(g.utilizationPct()) ? 0 : g.utilizationPct() / 100.0;
            if (!Double.isNaN(g.energyJ())) {
              add(acc, k, a, b, g.energyJ() * f, 0, util, "nvml", intensity);
            } else if (!Double.isNaN(g.powerW())) {
              add(acc, k, a, b, g.powerW() * secs, 0, util, "nvml-power", intensity);
            }
          }
        }
      }
    }
    List<EnergyRow> rows = new ArrayList<>();
    acc.forEach(
        (k, v) ->
            rows.add(
                new EnergyRow(
                    k.phase(),
                    k.host(),
                    k.executorId(),
                    k.component(),
                    k.device(),
                    v.start,
                    v.end,
                    v.seconds,
                    v.energy,
                    v.cpuS,
                    v.seconds > 0 ? v.utilSeconds / v.seconds : 0,
                    String.join("+", v.methods),
                    settings.pue(),
                    v.energy > 0
                        ? v.co2 / (v.energy / 3.6e6 * settings.pue())
                        : settings.grid().at(v.start),
                    settings.region(),
                    settings.grid().source(),
                    v.co2,
                    v.samples)));
    return rows;
  }

  private void add(
      Map<Key, Acc> acc,
      Key k,
      long a,
      long b,
      double energyJ,
      double cpuS,
      double util,
      String method,
      double intensity) {
    Acc v = acc.computeIfAbsent(k, x -> new Acc());
    v.start = Math.min(v.start, a);
    v.end = Math.max(v.end, b);
    double secs = (b - a) / 1000.0;
    v.seconds += secs;
    v.energy += energyJ;
    v.co2 += energyJ / 3.6e6 * settings.pue() * intensity;
    v.cpuS += cpuS;
    v.utilSeconds += util * secs;
    v.samples++;
    v.methods.add(method);
  }

  /**
   * The pieces of [s, e] inside the run window, cut at phase boundaries and where the grid
   * intensity changes: {start, end, phase index or -1}.
   */
  static List<long[]> segments(
      long s, long e, long runStart, long runEnd, List<PhaseWindow> phases, GridIntensity grid) {
    long a = Math.max(s, runStart);
    long b = Math.min(e, runEnd);
    List<long[]> out = new ArrayList<>();
    if (b <= a) {
      return out;
    }
    TreeSet<Long> cuts = new TreeSet<>(List.of(a, b));
    for (PhaseWindow p : phases) {
      if (p.startMs() > a && p.startMs() < b) {
        cuts.add(p.startMs());
      }
      if (p.endMs() > a && p.endMs() < b) {
        cuts.add(p.endMs());
      }
    }
    cuts.addAll(grid.changesBetween(a, b));
    Long prev = null;
    for (Long c : cuts) {
      if (prev != null) {
        long mid = prev + (c - prev) / 2;
        int idx = -1;
        for (int j = 0; j < phases.size(); j++) {
          PhaseWindow p = phases.get(j);
          if (p.startMs() <= mid && mid < p.endMs()) {
            idx = j;
          }
        }
        out.add(new long[] {prev, c, idx});
      }
      prev = c;
    }
    return out;
  }

  /** Sum of energy in joules over rows. */
  public static double totalEnergyJ(List<EnergyRow> rows) {
    return rows.stream().mapToDouble(EnergyRow::energyJ).sum();
  }

  public static double totalCo2eG(List<EnergyRow> rows) {
    return rows.stream().mapToDouble(EnergyRow::co2eG).sum();
  }

  public static double totalCpuSeconds(List<EnergyRow> rows) {
    return rows.stream()
        .filter(r -> Objects.equals(r.component(), "cpu"))
        .mapToDouble(EnergyRow::cpuSeconds)
        .sum();
  }
}
