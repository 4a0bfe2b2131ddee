package io.verdant.common.energy;

import java.io.Serializable;
import java.util.List;

/**
 * What one JVM (an executor, or the driver) used between two samples. Executors send these to the
 * driver through the plugin's RPC; the driver's own sampler hands them over directly.
 *
 * @param host the host name
 * @param executorId Spark's executor id ("driver" for the driver, and for local mode's single JVM)
 * @param pid the process id
 * @param startMs interval start, epoch milliseconds
 * @param endMs interval end, epoch milliseconds
 * @param cores CPU cores visible to the JVM
 * @param cpuModel the host's CPU model name
 * @param processCpuNs CPU time this process used in the interval, nanoseconds
 * @param machineBusyTicks busy CPU time of the whole machine in the interval, USER_HZ ticks (-1 if
 *     unknown)
 * @param machineTotalTicks all CPU time of the machine in the interval, USER_HZ ticks (-1 if
 *     unknown)
 * @param rssBytes resident memory of the process at the end of the interval (-1 if unknown)
 * @param machineMemoryUsedBytes memory in use on the machine at the end of the interval (-1 if
 *     unknown)
 * @param raplPackageUj RAPL package energy of the whole machine in the interval, microjoules (-1 if
 *     unreadable)
 * @param raplDramUj RAPL DRAM energy of the whole machine in the interval, microjoules (-1 if
 *     unreadable)
 * @param gpus the host's NVIDIA GPUs (empty if none)
 */
public record Interval(
    String host,
    String executorId,
    long pid,
    long startMs,
    long endMs,
    int cores,
    String cpuModel,
    long processCpuNs,
    long machineBusyTicks,
    long machineTotalTicks,
    long rssBytes,
    long machineMemoryUsedBytes,
    long raplPackageUj,
    long raplDramUj,
    List<GpuSample> gpus)
    implements Serializable {

  public double seconds() {
    return Math.max(0, endMs - startMs) / 1000.0;
  }

  public double processCpuSeconds() {
    return processCpuNs / 1e9;
  }

  /**
   * This process's share of the machine's busy CPU time in the interval, in [0, 1]: process CPU
   * seconds divided by machine busy seconds. With several executors on one host the shares add up
   * to at most 1, so the package energy they are given never counts the same joules twice.
   */
  public double cpuShare() {
    if (machineBusyTicks <= 0) {
      return processCpuNs > 0 ? 1.0 : 0.0;
    }
    double machineBusySeconds = machineBusyTicks / ProcReader.TICKS_PER_SECOND;
    return Math.max(0.0, Math.min(1.0, processCpuSeconds() / machineBusySeconds));
  }

  /**
   * This process's share of the memory in use on the machine, in [0, 1] (its RSS over used memory).
   */
  public double memoryShare() {
    if (rssBytes <= 0 || machineMemoryUsedBytes <= 0) {
      return 0.0;
    }
    return Math.min(1.0, (double) rssBytes / machineMemoryUsedBytes);
  }

  /** Whole cores kept busy on average: process CPU seconds over wall seconds. */
  public double busyCores() {
    double s = seconds();
    return s <= 0 ? 0 : processCpuSeconds() / s;
  }
}
