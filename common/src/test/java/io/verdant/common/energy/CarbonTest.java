package io.verdant.common.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.VerdantException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarbonTest {
  static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void timeSeriesIntensityIsMatchedToWhenTheEnergyWasUsed(@TempDir Path tmp) throws IOException {
    Path csv = tmp.resolve("grid.csv");
    Files.writeString(
        csv,
        "timestamp,g_per_kwh\n2026-01-01T01:00:00Z,300\n2026-01-01T00:00:00Z,100\n"
            + Instant.parse("2026-01-01T02:00:00Z").getEpochSecond()
            + ",50\n");
    GridIntensity g = GridIntensity.csv(csv.toString(), new Configuration());
    assertEquals(
        100, g.at(t("2025-12-31T23:00:00Z"))); // before the first row: the first row's value
    assertEquals(100, g.at(t("2026-01-01T00:30:00Z")));
    assertEquals(300, g.at(t("2026-01-01T01:00:00Z")));
    assertEquals(50, g.at(t("2026-01-01T05:00:00Z")));
    assertEquals("csv:" + csv, g.source());

    // One interval of 2 CPU hours... spanning 00:30-01:30 at a constant 36 W (tdp-model: 12 W/core
    // x 3 cores busy).
    long start = t("2026-01-01T00:30:00Z");
    long end = t("2026-01-01T01:30:00Z");
    Interval i =
        new Interval(
            "h",
            "driver",
            1,
            start,
            end,
            4,
            "AMD EPYC",
            3L * 3600 * 1_000_000_000L,
            -1,
            -1,
            -1,
            -1,
            -1,
            -1,
            List.of());
    EnergySettings s = new EnergySettings(null, 0.3725, 1.2, g, "DE");
    // Two phases split the hour at 01:00.
    List<EnergyAccount.PhaseWindow> phases =
        List.of(
            new EnergyAccount.PhaseWindow("a", start, t("2026-01-01T01:00:00Z")),
            new EnergyAccount.PhaseWindow("b", t("2026-01-01T01:00:00Z"), end));
    List<EnergyRow> rows = new EnergyAccount(s).account(List.of(i), start, end, phases);
    EnergyRow a = rows.stream().filter(r -> "a".equals(r.phase())).findFirst().orElseThrow();
    EnergyRow b = rows.stream().filter(r -> "b".equals(r.phase())).findFirst().orElseThrow();
    // 36 W x 1800 s = 64,800 J = 0.018 kWh per half hour.
    assertEquals(64_800, a.energyJ(), 1e-6);
    assertEquals(64_800, b.energyJ(), 1e-6);
    assertEquals(0.018 * 1.2 * 100, a.co2eG(), 1e-9);
    assertEquals(0.018 * 1.2 * 300, b.co2eG(), 1e-9);
    assertEquals(100, a.gridIntensityGPerKwh(), 1e-9);
    assertEquals(300, b.gridIntensityGPerKwh(), 1e-9);
    assertEquals(36.0, a.meanPowerW(), 1e-9);
    assertEquals(0.75, a.utilization(), 1e-9);
    assertEquals("DE", a.region());

    // Without phases, one row: intensity is the energy-weighted mean (200).
    List<EnergyRow> whole = new EnergyAccount(s).account(List.of(i), start, end, List.of());
    EnergyRow cpu =
        whole.stream().filter(r -> r.component().equals("cpu")).findFirst().orElseThrow();
    assertEquals(200, cpu.gridIntensityGPerKwh(), 1e-9);
    assertEquals(0.036 * 1.2 * 200, cpu.co2eG(), 1e-9);
    // Clipped to a run window that covers only the last 15 minutes.
    List<EnergyRow> clipped =
        new EnergyAccount(s).account(List.of(i), t("2026-01-01T01:15:00Z"), end, List.of());
    assertEquals(
        32_400,
        clipped.stream()
            .filter(r -> r.component().equals("cpu"))
            .findFirst()
            .orElseThrow()
            .energyJ(),
        1e-6);
  }

  @Test
  void badCsvNamesTheOptionFileAndLine(@TempDir Path tmp) throws IOException {
    Path csv = tmp.resolve("bad.csv");
    Files.writeString(csv, "timestamp,g_per_kwh\n2026-01-01T00:00:00Z,abc\n");
    VerdantException e =
        assertThrows(
            VerdantException.class, () -> GridIntensity.csv(csv.toString(), new Configuration()));
    assertEquals(
        "--grid-intensity-csv "
            + csv
            + " line 2 must be '<ISO-8601 time or epoch seconds>,<g/kWh>', cannot be: "
            + "2026-01-01T00:00:00Z,abc",
        e.getMessage());
    Files.writeString(csv, "time,value\n");
    assertTrue(
        assertThrows(
                VerdantException.class,
                () -> GridIntensity.csv(csv.toString(), new Configuration()))
            .getMessage()
            .contains("must start with the header 'timestamp,g_per_kwh'"));
  }
}
