package io.verdant.common.ledger;

import io.verdant.common.energy.Sampler;
import io.verdant.common.energy.SystemPaths;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The ledger's own cost, printed as figures (scripts/ledger-cost-bench.sh): the CPU time of one
 * sample of this machine (taken once per sampling interval on every JVM) and the time to write one
 * run's rows.
 */
public final class LedgerCostBench {
  private LedgerCostBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    Sampler s = new Sampler("driver", SystemPaths.defaults());
    for (int i = 0; i < 200; i++) {
      s.sample();
    }
    long[] cpu = new long[n];
    long[] wall = new long[n];
    for (int i = 0; i < n; i++) {
      long c0 = t.getCurrentThreadCpuTime();
      long w0 = System.nanoTime();
      s.sample();
      wall[i] = System.nanoTime() - w0;
      cpu[i] = t.getCurrentThreadCpuTime() - c0;
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    double cpuMedUs = cpu[n / 2] / 1e3;
    System.out.printf(
        "sample: median CPU %.1f us, median wall %.1f us, p99 wall %.1f us (%d samples; GPU %s, RAPL %s)%n",
        cpuMedUs,
        wall[n / 2] / 1e3,
        wall[(int) (n * 0.99)] / 1e3,
        n,
        s.sources().gpu(),
        s.sources().raplPackage());
    System.out.printf(
        "sampling every 1 s costs %.4f%% of one core per JVM%n", cpuMedUs / 1e6 * 100);
    Path dir = Files.createTempDirectory("ledger-bench");
    LedgerWriter w = new LedgerWriter(dir.toString(), new org.apache.hadoop.conf.Configuration());
    long[] writes = new long[7];
    for (int i = 0; i < writes.length; i++) {
      long start = System.currentTimeMillis();
      long w0 = System.nanoTime();
      w.write(
          LedgerFixtures.run("bench-" + i, start, "succeeded", 10),
          LedgerFixtures.energy(start, 10),
          LedgerFixtures.tasks(1000));
      writes[i] = System.nanoTime() - w0;
    }
    long first = writes[0];
    long[] rest = Arrays.copyOfRange(writes, 1, writes.length);
    Arrays.sort(rest);
    System.out.printf(
        "writing one run (1 runs row, 2 energy rows, 1000 task rows): first %.0f ms, then median %.0f ms%n",
        first / 1e6, rest[rest.length / 2] / 1e6);
  }
}
