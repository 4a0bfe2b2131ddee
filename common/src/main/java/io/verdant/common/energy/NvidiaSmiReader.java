package io.verdant.common.energy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads NVIDIA GPUs through {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits}: power
 * draw (W), utilization (%), memory used and total (MiB), and the driver's cumulative energy
 * counter ({@code total_energy_consumption}, millijoules since the driver loaded, Volta and newer)
 * where the installed nvidia-smi offers that field. When it does not (the query fails or says
 * "[N/A]"), energy is integrated from the power samples instead. A missing nvidia-smi means "no
 * GPU"; it is looked for once.
 *
 * <p>nvidia-smi 580.159.04 on an H100 (docs/gpu.md, testdata/nvidia-smi) offers no such field: it
 * prints {@code Field "total_energy_consumption" is not a valid field to query.} and exits 2. The
 * reader then asks for the base fields alone from the next query on, so there GPU energy is {@code
 * power.draw} (on Ampere and newer the average over the last second) integrated over the sampling
 * intervals.
 */
public final class NvidiaSmiReader {
  private static final Logger LOG = LoggerFactory.getLogger(NvidiaSmiReader.class);
  static final String BASE_FIELDS =
      "index,name,power.draw,utilization.gpu,memory.used,memory.total";
  static final String ENERGY_FIELD = "total_energy_consumption";
  private static final long MIB = 1024L * 1024L;

  /** One reading of one GPU; energyCounterMj is NaN when not available. */
  public record Reading(
      int index,
      String name,
      double powerW,
      double energyCounterMj,
      double utilizationPct,
      long memoryUsedBytes,
      long memoryTotalBytes) {}

  private final String command;
  private boolean available;
  private boolean withEnergy = true;
  private final Map<Integer, Reading> last = new HashMap<>();

  public NvidiaSmiReader(SystemPaths paths) {
    this.command = paths.nvidiaSmi();
    this.available = command != null && !command.isBlank();
    if (available && query() == null) {
      available = false;
      LOG.debug("No NVIDIA GPU readable through {}", command);
    }
  }

  public boolean available() {
    return available;
  }

  /** Reads all GPUs, or null when nvidia-smi is missing or failed. */
  public List<Reading> query() {
    if (command == null || command.isBlank()) {
      return null;
    }
    if (withEnergy) {
      List<Reading> r = run(BASE_FIELDS + "," + ENERGY_FIELD);
      if (r != null) {
        return r;
      }
      // From now on the base fields alone: energy is integrated from power.draw by the accountant.
      withEnergy = false;
      LOG.debug("{} does not answer {}; reading power only", command, ENERGY_FIELD);
    }
    return run(BASE_FIELDS);
  }

  /**
   * The GPUs' use since the previous call: energy from the counter's delta when both readings have
   * it, else NaN (the accountant then integrates power). Empty when no GPU.
   */
  public List<GpuSample> sample() {
    if (!available) {
      return List.of();
    }
    List<Reading> now = query();
    if (now == null) {
      return List.of();
    }
    List<GpuSample> out = new ArrayList<>();
    for (Reading r : now) {
      Reading before = last.put(r.index(), r);
      double energy = Double.NaN;
      if (before != null
          && !Double.isNaN(before.energyCounterMj())
          && !Double.isNaN(r.energyCounterMj())
          && r.energyCounterMj() >= before.energyCounterMj()) {
        energy = (r.energyCounterMj() - before.energyCounterMj()) / 1000.0;
      }
      out.add(
          new GpuSample(
              r.index(),
              r.name(),
              r.powerW(),
              energy,
              r.utilizationPct(),
              r.memoryUsedBytes(),
              r.memoryTotalBytes()));
    }
    return out;
  }

  private List<Reading> run(String fields) {
    try {
      Process p =
          new ProcessBuilder(command, "--query-gpu=" + fields, "--format=csv,noheader,nounits")
              .redirectErrorStream(true)
              .start();
      String text;
      try (InputStream in = p.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      if (p.exitValue() != 0) {
        return null;
      }
      return parse(text, fields.endsWith(ENERGY_FIELD));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static List<Reading> parse(String text, boolean withEnergy) {
    List<Reading> out = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",");
      if (f.length < (withEnergy ? 7 : 6)) {
        return null;
      }
      try {
        out.add(
            new Reading(
                Integer.parseInt(f[0].trim()),
                f[1].trim(),
                num(f[2]),
                withEnergy ? num(f[6]) : Double.NaN,
                num(f[3]),
                (long) (num(f[4]) * MIB),
                (long) (num(f[5]) * MIB)));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return out;
  }

  /** A number, or NaN for nvidia-smi's "[N/A]" and "[Not Supported]". */
  private static double num(String s) {
    String t = s.trim();
    if (t.startsWith("[") || t.isEmpty()) {
      return Double.NaN;
    }
    return Double.parseDouble(t);
  }
}
