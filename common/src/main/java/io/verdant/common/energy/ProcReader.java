package io.verdant.common.energy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CPU and memory counters of the machine and of this process from the proc filesystem.
 * Machine CPU time comes from the first ({@code cpu}) line of {@code /proc/stat}, in USER_HZ ticks
 * (100 per second on every mainstream Linux build); this process's CPU time from the JVM ({@code
 * OperatingSystemMXBean.getProcessCpuTime}, nanoseconds).
 */
public final class ProcReader {
  /** USER_HZ: the unit of /proc/stat. */
  public static final double TICKS_PER_SECOND = 100.0;

  private final SystemPaths paths;

  public ProcReader(SystemPaths paths) {
    this.paths = paths;
  }

  /** Busy and total ticks of all CPUs of the machine, or null when /proc/stat is not readable. */
  public MachineCpu machineCpu() {
    Path stat = paths.proc("stat");
    try {
      for (String line : Files.readAllLines(stat, StandardCharsets.US_ASCII)) {
        if (line.startsWith("cpu ")) {
          return MachineCpu.parse(line);
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Resident set size of this process in bytes (VmRSS of /proc/self/status), or -1. */
  public long rssBytes() {
    return kbField(paths.proc("self", "status"), "VmRSS:");
  }

  /** Memory in use on the machine (MemTotal - MemAvailable of /proc/meminfo) in bytes, or -1. */
  public long machineMemoryUsedBytes() {
    Path meminfo = paths.proc("meminfo");
    long total = kbField(meminfo, "MemTotal:");
    long available = kbField(meminfo, "MemAvailable:");
    return total < 0 || available < 0 ? -1 : total - available;
  }

  /** The CPU model name of /proc/cpuinfo, or "unknown". */
  public String cpuModel() {
    try {
      for (String line : Files.readAllLines(paths.proc("cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          int colon = line.indexOf(':');
          return colon < 0 ? "unknown" : line.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    return "unknown";
  }

  /** CPU time of this JVM process in nanoseconds, or -1 when the JVM does not report it. */
  public static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static long kbField(Path file, String key) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith(key)) {
          String[] parts = line.substring(key.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Cumulative ticks of the machine's {@code cpu} line: busy = total - idle - iowait. */
  public record MachineCpu(long busyTicks, long totalTicks) {
    static MachineCpu parse(String line) {
      String[] f = line.trim().split("\\s+");
      long total = 0;
      // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already in
      // user/nice.
      int n = Math.min(f.length - 1, 8);
      for (int i = 1; i <= n; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
      return new MachineCpu(total - idle, total);
    }
  }
}
