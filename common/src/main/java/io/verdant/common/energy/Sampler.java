package io.verdant.common.energy;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Takes snapshots of this process and its machine and turns each pair of consecutive snapshots into
 * an {@link Interval}. Not thread-safe: one thread (the {@link SamplingThread}) drives it.
 */
public final class Sampler {
  private final String host;
  private final String executorId;
  private final long pid;
  private final ProcReader proc;
  private final RaplReader rapl;
  private final NvidiaSmiReader gpus;
  private final LongSupplier processCpuNanos;
  private final LongSupplier clockMs;
  private final String cpuModel;
  private final int cores;

  private long lastMs;
  private long lastCpuNs;
  private ProcReader.MachineCpu lastMachine;
  private long[] lastRapl;

  public Sampler(String executorId, SystemPaths paths) {
    this(hostName(), executorId, paths, ProcReader::processCpuNanos, System::currentTimeMillis);
  }

  /** For tests: the process CPU time and the clock are injected along with the file trees. */
  public Sampler(
      String host,
      String executorId,
      SystemPaths paths,
      LongSupplier processCpuNanos,
      LongSupplier clockMs) {
    this.host = host;
    this.executorId = executorId;
    this.pid = ProcessHandle.current().pid();
    this.proc = new ProcReader(paths);
    this.rapl = new RaplReader(paths);
    this.gpus = new NvidiaSmiReader(paths);
    this.processCpuNanos = processCpuNanos;
    this.clockMs = clockMs;
    this.cpuModel = proc.cpuModel();
    this.cores = ManagementFactory.getOperatingSystemMXBean().getAvailableProcessors();
    baseline();
  }

  private void baseline() {
    lastMs = clockMs.getAsLong();
    lastCpuNs = processCpuNanos.getAsLong();
    lastMachine = proc.machineCpu();
    lastRapl = rapl.read();
    gpus.sample();
  }

  /** What this machine lets the sampler measure. */
  public record Sources(boolean raplPackage, boolean raplDram, boolean gpu) {}

  public Sources sources() {
    return new Sources(rapl.hasPackage(), rapl.hasDram(), gpus.available());
  }

  /** The use since the previous call (or since construction). */
  public Interval sample() {
    long now = clockMs.getAsLong();
    long cpuNs = processCpuNanos.getAsLong();
    ProcReader.MachineCpu machine = proc.machineCpu();
    long[] raplNow = rapl.read();
    List<GpuSample> g = gpus.sample();
    long busy = -1;
    long total = -1;
    if (machine != null && lastMachine != null) {
      busy = Math.max(0, machine.busyTicks() - lastMachine.busyTicks());
      total = Math.max(0, machine.totalTicks() - lastMachine.totalTicks());
    }
    Interval out =
        new Interval(
            host,
            executorId,
            pid,
            lastMs,
            now,
            cores,
            cpuModel,
            cpuNs >= 0 && lastCpuNs >= 0 ? Math.max(0, cpuNs - lastCpuNs) : 0,
            busy,
            total,
            proc.rssBytes(),
            proc.machineMemoryUsedBytes(),
            rapl.sum(lastRapl, raplNow, false),
            rapl.sum(lastRapl, raplNow, true),
            g);
    lastMs = now;
    lastCpuNs = cpuNs;
    lastMachine = machine;
    lastRapl = raplNow;
    return out;
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      String h = System.getenv("HOSTNAME");
      return h != null ? h : "unknown";
    }
  }
}
