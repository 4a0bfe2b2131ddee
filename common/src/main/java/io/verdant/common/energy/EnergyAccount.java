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

  /** One piece of an interval: inside one phase, under one grid intensity. */
  private record Piece(Interval i, long a, long b, String phase, double intensity) {
    /** The piece's share of its interval. */
    double fraction() {
      return (double) (b - a) / (i.endMs() - i.startMs());
    }

    double seconds() {
      return (b - a) / 1000.0;
    }

    Key key(String component, String device) {
      return new Key(phase, i.host(), i.executorId(), component, device);
    }
  }

  public List<EnergyRow> account(
      List<Interval> intervals, long runStartMs, long runEndMs, List<PhaseWindow> phases) {
    Map<Key, Acc> acc = new LinkedHashMap<>();
    Map<String, String> gpuOwner = new HashMap<>();
    for (Interval i : intervals) {
      if (i.endMs() <= i.startMs()) {
        continue;
      }
      String process = i.executorId() + "/" + i.pid();
      boolean ownsGpus =
          !i.gpus().isEmpty() && gpuOwner.computeIfAbsent(i.host(), h -> process).equals(process);
      for (long[] seg :
          segments(i.startMs(), i.endMs(), runStartMs, runEndMs, phases, settings.grid())) {
        long a = seg[0];
        long b = seg[1];
        String phase = seg[2] < 0 ? null : phases.get((int) seg[2]).name();
        Piece p = new Piece(i, a, b, phase, settings.grid().at(a + (b - a) / 2));
        cpu(acc, p);
        memory(acc, p);
        if (ownsGpus) {
          gpus(acc, p);
        }
      }
    }
    List<EnergyRow> rows = new ArrayList<>();
    acc.forEach((k, v) -> rows.add(row(k, v)));
    return rows;
  }

  private void cpu(Map<Key, Acc> acc, Piece p) {
    Interval i = p.i();
    double cpuS = i.processCpuSeconds() * p.fraction();
    double util = i.cores() > 0 ? Math.min(1.0, i.busyCores() / i.cores()) : 0;
    Key k = p.key("cpu", i.cpuModel());
    if (i.raplPackageUj() >= 0) {
      add(acc, k, p, i.raplPackageUj() / 1e6 * i.cpuShare() * p.fraction(), cpuS, util, "rapl");
    } else {
      CpuPower.PerCore w = CpuPower.wattsPerCore(settings.cpuWattsPerCore(), i.cpuModel());
      add(acc, k, p, w.watts() * cpuS, cpuS, util, "tdp-model");
    }
  }

  private void memory(Map<Key, Acc> acc, Piece p) {
    Interval i = p.i();
    Key k = p.key("memory", "dram");
    double share = i.memoryShare();
    if (i.raplDramUj() >= 0) {
      add(acc, k, p, i.raplDramUj() / 1e6 * share * p.fraction(), 0, share, "rapl");
    } else if (i.rssBytes() >= 0) {
      double joules = settings.memoryWattsPerGib() * (i.rssBytes() / GIB) * p.seconds();
      add(acc, k, p, joules, 0, share, "model");
    }
  }

  /** The host's GPUs: counted from one process of the host only. */
  private void gpus(Map<Key, Acc> acc, Piece p) {
    for (GpuSample g : p.i().gpus()) {
      Key k = p.key("gpu", "gpu" + g.index() + " " + g.name());
      double util = Double.isNaN(g.utilizationPct()) ? 0 : g.utilizationPct() / 100.0;
      if (!Double.isNaN(g.energyJ())) {
        add(acc, k, p, g.energyJ() * p.fraction(), 0, util, "nvml");
      } else if (!Double.isNaN(g.powerW())) {
        add(acc, k, p, g.powerW() * p.seconds(), 0, util, "nvml-power");
      }
    }
  }

  private void add(
      Map<Key, Acc> acc, Key k, Piece p, double energyJ, double cpuS, double util, String method) {
    Acc v = acc.computeIfAbsent(k, x -> new Acc());
    v.start = Math.min(v.start, p.a());
    v.end = Math.max(v.end, p.b());
    double secs = p.seconds();
    v.seconds += secs;
    v.energy += energyJ;
    v.co2 += energyJ / 3.6e6 * settings.pue() * p.intensity();
    v.cpuS += cpuS;
    v.utilSeconds += util * secs;
    v.samples++;
    v.methods.add(method);
  }

  private EnergyRow row(Key k, Acc v) {
    return new EnergyRow(
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
        v.energy > 0 ? v.co2 / (v.energy / 3.6e6 * settings.pue()) : settings.grid().at(v.start),
        settings.region(),
        settings.grid().source(),
        v.co2,
        v.samples);
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
