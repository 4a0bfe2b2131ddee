package io.verdant.common.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real readers over fake /proc, powercap and nvidia-smi written under a temporary folder. */
class EnergyReadersTest {
  static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** A /proc/stat whose cpu line has the given busy (user) and idle ticks. */
  static void procStat(Path proc, long user, long system, long idle, long iowait)
      throws IOException {
    write(
        proc.resolve("stat"),
        "cpu  "
            + user
            + " 0 "
            + system
            + " "
            + idle
            + " "
            + iowait
            + " 0 0 0 0 0\n"
            + "cpu0 1 2 3 4 5 6 7 8 0 0\nintr 12345\n");
  }

  static void zone(Path powercap, String dir, String name, long energyUj, long maxUj)
      throws IOException {
    write(powercap.resolve(dir).resolve("name"), name + "\n");
    write(powercap.resolve(dir).resolve("energy_uj"), energyUj + "\n");
    write(powercap.resolve(dir).resolve("max_energy_range_uj"), maxUj + "\n");
  }

  static void fakeProc(Path proc) throws IOException {
    procStat(proc, 1000, 500, 8000, 500);
    write(
        proc.resolve("self/status"),
        "Name:\tjava\nVmPeak:\t 9999 kB\nVmRSS:\t  1048576 kB\nThreads:\t42\n");
    write(
        proc.resolve("meminfo"),
        "MemTotal:       16777216 kB\nMemFree:         1000000 kB\nMemAvailable:   12582912 kB\n");
    write(
        proc.resolve("cpuinfo"),
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n");
  }

  @Test
  void procFilesAreParsed(@TempDir Path tmp) throws IOException {
    Path proc = tmp.resolve("proc");
    fakeProc(proc);
    ProcReader r =
        new ProcReader(new SystemPaths(proc.toString(), tmp.resolve("none").toString(), ""));
    ProcReader.MachineCpu c = r.machineCpu();
    assertEquals(1500, c.busyTicks());
    assertEquals(10000, c.totalTicks());
    assertEquals(1024L * 1024 * 1024, r.rssBytes());
    assertEquals(4L * 1024 * 1024 * 1024, r.machineMemoryUsedBytes());
    assertEquals("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", r.cpuModel());
    assertEquals(7.5, CpuPower.wattsPerCore(null, r.cpuModel()).watts(), 1e-9);
    assertEquals(CpuPower.DEFAULT_WATTS_PER_CORE, CpuPower.wattsPerCore(null, "AMD EPYC").watts());
    assertEquals(20.0, CpuPower.wattsPerCore(20.0, r.cpuModel()).watts());
  }

  @Test
  void raplCountersWrapAroundAtTheirRange(@TempDir Path tmp) throws IOException {
    Path pc = tmp.resolve("powercap");
    long max = 262_143_328_850L;
    zone(pc, "intel-rapl:0", "package-0", max - 1_000_000, max);
    zone(pc, "intel-rapl:0:0", "core", 5, max);
    zone(pc, "intel-rapl:0:1", "dram", 100, 65_532_610_987L);
    // A duplicate view (mmio) of the same package must not be counted twice.
    zone(pc, "intel-rapl-mmio:0", "package-0", 0, max);
    RaplReader r = new RaplReader(new SystemPaths(tmp.toString(), pc.toString(), ""));
    assertEquals(3, r.zones().size());
    assertTrue(r.hasPackage());
    assertTrue(r.hasDram());
    long[] a = r.read();
    // The package counter passes its maximum: 1 J before the wrap plus 2.5 J after it.
    write(pc.resolve("intel-rapl:0/energy_uj"), "2500000\n");
    write(pc.resolve("intel-rapl:0:1/energy_uj"), "300100\n");
    long[] b = r.read();
    assertEquals(3_500_000, r.sum(a, b, false));
    assertEquals(300_000, r.sum(a, b, true));
    assertEquals(3_500_000, RaplReader.delta(max - 1_000_000, 2_500_000, max));
    assertEquals(7, RaplReader.delta(3, 10, max));
  }

  @Test
  void unreadableRaplMeansNoRapl(@TempDir Path tmp) throws IOException {
    Path pc = tmp.resolve("powercap");
    // A counter that cannot be read (root-only on current kernels; here a folder, which no one can
    // read as a file).
    write(pc.resolve("intel-rapl:0/name"), "package-0\n");
    Files.createDirectories(pc.resolve("intel-rapl:0/energy_uj"));
    zone(pc, "intel-rapl:0:1", "dram", 5, 1000);
    RaplReader r = new RaplReader(new SystemPaths(tmp.toString(), pc.toString(), ""));
    assertFalse(r.hasPackage());
    assertTrue(r.hasDram());
    assertEquals(-1, r.sum(r.read(), r.read(), false));
    assertFalse(
        new RaplReader(new SystemPaths(tmp.toString(), tmp.resolve("absent").toString(), ""))
            .hasDram());
  }

  /**
   * Two executors on one host with RAPL: each gets the package energy times its share of the
   * machine's busy CPU time, so together they never get more than the package used.
   */
  @Test
  void raplAttributionSharesThePackageBetweenExecutorsOnOneHost(@TempDir Path tmp)
      throws IOException {
    Path proc = tmp.resolve("proc");
    Path pc = tmp.resolve("powercap");
    fakeProc(proc);
    zone(pc, "intel-rapl:0", "package-0", 1_000_000, 262_143_328_850L);
    zone(pc, "intel-rapl:0:1", "dram", 0, 65_532_610_987L);
    SystemPaths paths = new SystemPaths(proc.toString(), pc.toString(), "");
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    AtomicLong cpuA = new AtomicLong(0);
    AtomicLong cpuB = new AtomicLong(0);
    Sampler a = new Sampler("host1", "1", paths, cpuA::get, clock::get);
    Sampler b = new Sampler("host1", "2", paths, cpuB::get, clock::get);
    // 10 s pass; the machine is busy for 8 CPU-seconds (800 ticks) of 2 cores x 10 s; executor 1
    // used 4 s, executor 2 used 2 s.
    clock.addAndGet(10_000);
    cpuA.set(4_000_000_000L);
    cpuB.set(2_000_000_000L);
    procStat(proc, 1600, 700, 9000, 700);
    write(pc.resolve("intel-rapl:0/energy_uj"), "401000000\n"); // 400 J package
    write(pc.resolve("intel-rapl:0:1/energy_uj"), "20000000\n"); // 20 J dram
    Interval ia = a.sample();
    Interval ib = b.sample();
    assertEquals(800, ia.machineBusyTicks());
    assertEquals(0.5, ia.cpuShare(), 1e-12);
    assertEquals(0.25, ib.cpuShare(), 1e-12);
    assertEquals(400_000_000L, ia.raplPackageUj());
    // RSS 1 GiB of 4 GiB in use: a quarter of the DRAM energy each.
    assertEquals(0.25, ia.memoryShare(), 1e-12);

    EnergySettings s =
        new EnergySettings(null, 0.3725, 1.5, GridIntensity.constant(400, "test"), "test-region");
    List<EnergyRow> rows =
        new EnergyAccount(s).account(List.of(ia, ib), ia.startMs(), ia.endMs(), List.of());
    EnergyRow cpu1 = find(rows, "1", "cpu");
    EnergyRow cpu2 = find(rows, "2", "cpu");
    assertEquals("rapl", cpu1.method());
    assertEquals(200.0, cpu1.energyJ(), 1e-9); // 400 J x 4/8
    assertEquals(100.0, cpu2.energyJ(), 1e-9); // 400 J x 2/8
    assertEquals(20.0, cpu1.meanPowerW(), 1e-9);
    assertEquals(4.0, cpu1.cpuSeconds(), 1e-9);
    assertEquals(0.2, cpu1.utilization(), 1e-9); // 0.4 cores busy of 2
    EnergyRow mem1 = find(rows, "1", "memory");
    assertEquals("rapl", mem1.method());
    assertEquals(5.0, mem1.energyJ(), 1e-9); // 20 J x 1/4
    // Carbon: 200 J = 200/3.6e6 kWh, x PUE 1.5 x 400 g/kWh.
    assertEquals(200 / 3.6e6 * 1.5 * 400, cpu1.co2eG(), 1e-12);
    assertEquals(400.0, cpu1.gridIntensityGPerKwh(), 1e-9);
    assertEquals("test-region", cpu1.region());
  }

  @Test
  void withoutRaplTheTdpAndMemoryModelsAreUsed(@TempDir Path tmp) throws IOException {
    Path proc = tmp.resolve("proc");
    fakeProc(proc);
    SystemPaths paths = new SystemPaths(proc.toString(), tmp.resolve("no-powercap").toString(), "");
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    AtomicLong cpu = new AtomicLong(0);
    Sampler a = new Sampler("host1", "driver", paths, cpu::get, clock::get);
    clock.addAndGet(4_000);
    cpu.set(3_000_000_000L);
    Interval i = a.sample();
    assertEquals(-1, i.raplPackageUj());
    EnergySettings s = new EnergySettings(null, 0.5, 1.0, GridIntensity.constant(100, "test"), "r");
    List<EnergyRow> rows =
        new EnergyAccount(s).account(List.of(i), i.startMs(), i.endMs(), List.of());
    EnergyRow cpuRow = find(rows, "driver", "cpu");
    assertEquals("tdp-model", cpuRow.method());
    assertEquals(
        7.5 * 3.0, cpuRow.energyJ(), 1e-9); // Xeon Gold 6248: 150 W / 20 cores x 3 CPU-seconds
    EnergyRow mem = find(rows, "driver", "memory");
    assertEquals("model", mem.method());
    assertEquals(0.5 * 1.0 * 4.0, mem.energyJ(), 1e-9); // 0.5 W/GiB x 1 GiB x 4 s
    // --cpu-tdp-watts wins over the table.
    EnergySettings s2 =
        new EnergySettings(10.0, 0.5, 1.0, GridIntensity.constant(100, "test"), "r");
    assertEquals(
        30.0,
        find(
                new EnergyAccount(s2).account(List.of(i), i.startMs(), i.endMs(), List.of()),
                "driver",
                "cpu")
            .energyJ(),
        1e-9);
  }

  /**
   * A sampler of host "gpuhost" whose nvidia-smi is the given shell script body; asserts that it
   * sees a GPU.
   */
  static Sampler gpuSampler(
      Path tmp, Path proc, String executor, AtomicLong clock, String smiScript) throws IOException {
    Path smi = tmp.resolve("nvidia-smi");
    write(smi, "#!/bin/sh\n" + smiScript);
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    SystemPaths paths =
        new SystemPaths(proc.toString(), tmp.resolve("none").toString(), smi.toString());
    Sampler s = new Sampler("gpuhost", executor, paths, () -> 0L, clock::get);
    assertTrue(s.sources().gpu());
    return s;
  }

  @Test
  void fakeNvidiaSmiGivesNvmlAndNvmlPowerRows(@TempDir Path tmp) throws IOException {
    Path proc = tmp.resolve("proc");
    fakeProc(proc);
    Path counter = tmp.resolve("counter");
    write(counter, "1000000");
    // Answers the energy query with a counter (mJ) a test advances; GPU 1 has no counter ("[N/A]").
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Sampler s =
        gpuSampler(
            tmp,
            proc,
            "3",
            clock,
            "case \"$1\" in *total_energy_consumption*)\n"
                + "  e=$(cat "
                + counter
                + ")\n"
                + "  echo \"0, NVIDIA H100 80GB HBM3, 300.00, 87, 40960, 81559, $e\"\n"
                + "  echo \"1, Tesla T4, 70.00, 50, 1024, 15360, [N/A]\" ;;\n"
                + "*) echo \"0, NVIDIA H100 80GB HBM3, 300.00, 87, 40960, 81559\" ;;\nesac\n");
    clock.addAndGet(2_000);
    write(counter, "1500000"); // 500,000 mJ = 500 J
    Interval i = s.sample();
    assertEquals(2, i.gpus().size());
    assertEquals(500.0, i.gpus().get(0).energyJ(), 1e-9);
    assertEquals(40960L * 1024 * 1024, i.gpus().get(0).memoryUsedBytes());
    List<EnergyRow> rows =
        new EnergyAccount(EnergySettings.defaults())
            .account(List.of(i), i.startMs(), i.endMs(), List.of());
    EnergyRow h100 =
        rows.stream().filter(r -> r.device().startsWith("gpu0")).findFirst().orElseThrow();
    EnergyRow t4 =
        rows.stream().filter(r -> r.device().startsWith("gpu1")).findFirst().orElseThrow();
    assertEquals("nvml", h100.method());
    assertEquals(500.0, h100.energyJ(), 1e-9);
    assertEquals(0.87, h100.utilization(), 1e-9);
    assertEquals("nvml-power", t4.method());
    assertEquals(140.0, t4.energyJ(), 1e-9); // 70 W x 2 s
    // A second executor on the same host reports the same GPUs: they are not counted again.
    Interval other =
        new Interval(
            "gpuhost",
            "4",
            999,
            i.startMs(),
            i.endMs(),
            2,
            "x",
            0,
            -1,
            -1,
            -1,
            -1,
            -1,
            -1,
            i.gpus());
    List<EnergyRow> both =
        new EnergyAccount(EnergySettings.defaults())
            .account(List.of(i, other), i.startMs(), i.endMs(), List.of());
    assertEquals(
        640.0,
        both.stream()
            .filter(r -> r.component().equals("gpu"))
            .mapToDouble(EnergyRow::energyJ)
            .sum(),
        1e-9);
  }

  private static final long MIB = 1024L * 1024;
  private static final String H100 = "NVIDIA H100 80GB HBM3";

  /**
   * What nvidia-smi 580.159.04 printed on an H100 (testdata/nvidia-smi, described in
   * testdata/README.md).
   */
  static Path smiFixture(String name) {
    return LocalSpark.testData("nvidia-smi/" + name);
  }

  @Test
  void realH100OutputIsParsedExactly() throws IOException {
    assertEquals(
        List.of(new NvidiaSmiReader.Reading(0, H100, 89.12, Double.NaN, 0.0, 0L, 81559 * MIB)),
        NvidiaSmiReader.parse(Files.readString(smiFixture("h100-base-idle.csv")), false));
    assertEquals(
        List.of(
            new NvidiaSmiReader.Reading(
                0, H100, 700.39, Double.NaN, 99.0, 1139 * MIB, 81559 * MIB)),
        NvidiaSmiReader.parse(Files.readString(smiFixture("h100-base-load.csv")), false));
    // Without nounits the values carry units ("84.93 W"): not numbers, so not read as such.
    assertNull(NvidiaSmiReader.parse(Files.readString(smiFixture("h100-base-units.csv")), false));
    // The rejected energy query's answer is not a reading either.
    assertNull(NvidiaSmiReader.parse(Files.readString(smiFixture("h100-energy-field.txt")), true));
  }

  /**
   * A fake nvidia-smi that answers as the real one on an H100 did: the energy field is rejected
   * (exit 2), the base fields give the fixture {@code current} names. The reader must keep sampling
   * power after the fallback.
   */
  @Test
  void realH100NvidiaSmiWithoutTheEnergyFieldGivesNvmlPowerRows(@TempDir Path tmp)
      throws IOException {
    Path proc = tmp.resolve("proc");
    fakeProc(proc);
    Path current = tmp.resolve("current");
    write(current, smiFixture("h100-base-idle.csv").toString());
    Path calls = tmp.resolve("calls");
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    Sampler s =
        gpuSampler(
            tmp,
            proc,
            "1",
            clock,
            "echo \"$*\" >> '"
                + calls
                + "'\n"
                + "[ \"$2\" = --format=csv,noheader,nounits ] || exit 8\n"
                + "case \"$1\" in\n"
                + "  --query-gpu="
                + NvidiaSmiReader.BASE_FIELDS
                + ") cat \"$(cat '"
                + current
                + "')\" ;;\n"
                + "  --query-gpu="
                + NvidiaSmiReader.BASE_FIELDS
                + ","
                + NvidiaSmiReader.ENERGY_FIELD
                + ")\n"
                + "    cat '"
                + smiFixture("h100-energy-field.txt")
                + "'; exit 2 ;;\n"
                + "  *) exit 9 ;;\nesac\n");
    clock.addAndGet(2_000);
    write(current, smiFixture("h100-base-load.csv").toString());
    Interval load = s.sample();
    assertEquals(
        List.of(new GpuSample(0, H100, 700.39, Double.NaN, 99.0, 1139 * MIB, 81559 * MIB)),
        load.gpus());
    clock.addAndGet(1_000);
    write(current, smiFixture("h100-base-idle.csv").toString());
    Interval idle = s.sample();
    assertEquals(
        List.of(new GpuSample(0, H100, 89.12, Double.NaN, 0.0, 0L, 81559 * MIB)), idle.gpus());
    // The energy field is tried once; every later query asks for the base fields alone.
    List<String> asked = Files.readAllLines(calls);
    assertEquals(5, asked.size(), asked.toString());
    assertEquals(
        1,
        asked.stream().filter(a -> a.contains(NvidiaSmiReader.ENERGY_FIELD)).count(),
        asked.toString());

    List<EnergyRow> rows =
        new EnergyAccount(EnergySettings.defaults())
            .account(List.of(load, idle), load.startMs(), idle.endMs(), List.of());
    EnergyRow gpu = find(rows, "1", "gpu");
    assertEquals("gpu0 " + H100, gpu.device());
    assertEquals("nvml-power", gpu.method());
    assertEquals(700.39 * 2 + 89.12 * 1, gpu.energyJ(), 1e-9);
    assertEquals(0.99 * 2 / 3, gpu.utilization(), 1e-12);
    assertEquals(2, gpu.samples());
  }

  @Test
  void missingNvidiaSmiMeansNoGpu(@TempDir Path tmp) {
    NvidiaSmiReader r =
        new NvidiaSmiReader(
            new SystemPaths(tmp.toString(), tmp.toString(), tmp.resolve("nope").toString()));
    assertFalse(r.available());
    assertEquals(List.of(), r.sample());
  }

  static EnergyRow find(List<EnergyRow> rows, String executor, String component) {
    return rows.stream()
        .filter(r -> r.executorId().equals(executor) && r.component().equals(component))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + component + " row of executor " + executor + " in " + rows));
  }
}
