package io.verdant.common.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run paused for the grid and continued: one row per segment, under one run id, shown once with
 * its segments.
 */
class LedgerSegmentsTest {
  private static final long T0 = java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

  static RunRow segment(String runId, long start, String status, double energyJ, String error) {
    RunRow r = LedgerFixtures.run(runId, start, status, energyJ);
    return new RunRow(
        r.runId(),
        "train",
        r.phases(),
        r.phaseWallMs(),
        r.optionsJson(),
        r.datasetId(),
        r.modelId(),
        r.attributesJson(),
        status,
        error,
        r.startMs(),
        r.endMs(),
        r.energyJ(),
        r.co2eG(),
        r.cpuSeconds(),
        r.taskCount(),
        r.methods(),
        r.pue(),
        r.gridIntensityGPerKwh(),
        r.region(),
        r.intensitySource(),
        r.sparkAppId(),
        r.sparkMaster(),
        r.verdantVersion(),
        r.sparkVersion(),
        r.dl4jVersion(),
        r.javaVersion());
  }

  @Test
  void segmentsAddUpUnderOneRunIdAndAreListed(@TempDir Path tmp) {
    String root = tmp.resolve("ledger").toString();
    LedgerWriter w = new LedgerWriter(root, new Configuration());
    long t1 = T0 + 3_600_000L;
    long t2 = T0 + 86_400_000L;
    String why = "paused for carbon: the carbon intensity of zone DE is 412 gCO2e/kWh";
    w.write(
        segment("r", T0, "paused_for_carbon", 100, why),
        LedgerFixtures.energy(T0, 100),
        LedgerFixtures.tasks(2),
        LedgerWriter.segmentId("r", T0));
    w.write(
        segment("r", t1, "paused_for_carbon", 10, why),
        LedgerFixtures.energy(t1, 10),
        LedgerFixtures.tasks(1),
        LedgerWriter.segmentId("r", t1));
    // The final segment, written twice (an Airflow retry of it): it replaces itself, never the
    // paused segments.
    w.write(
        segment("r", t2, "failed", 5, "boom"),
        LedgerFixtures.energy(t2, 5),
        LedgerFixtures.tasks(1));
    w.write(
        segment("r", t2, "succeeded", 50, null),
        LedgerFixtures.energy(t2, 50),
        LedgerFixtures.tasks(1));
    w.write(
        LedgerFixtures.run("other", t2, "succeeded", 7),
        LedgerFixtures.energy(t2, 7),
        LedgerFixtures.tasks(1));
    assertTrue(
        Files.exists(tmp.resolve("ledger/runs/date=2026-03-01/part-r.seg-" + T0 + ".parquet")));

    LedgerReader reader = new LedgerReader(root, new Configuration());
    List<Double> runEnergy =
        reader.read(LedgerTables.RUNS, "r", g -> LedgerReader.dbl(g, "energy_j"));
    assertEquals(160.0, runEnergy.stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    assertEquals(
        160.0,
        reader.read(LedgerTables.ENERGY, "r", g -> LedgerReader.dbl(g, "energy_j")).stream()
            .mapToDouble(Double::doubleValue)
            .sum(),
        1e-9);
    assertEquals(6, reader.read(LedgerTables.ENERGY, "r", g -> 1).size());

    String shown = LedgerSummary.show(root, new Configuration(), "r", 10);
    assertTrue(
        shown.startsWith(
            "run r  job train  status succeeded  started 2026-03-01T10:00:00Z  (3 segments)\n"),
        shown);
    assertTrue(
        shown.contains(
            "  segment 1  started 2026-03-01T10:00:00Z  wall_s 0.30  energy_Wh 0.02778  co2e_g 0.0132"
                + "  paused_for_carbon: "
                + why
                + "\n"),
        shown);
    assertTrue(
        shown.contains(
            "  segment 3  started 2026-03-02T10:00:00Z  wall_s 0.30  energy_Wh 0.01389  co2e_g 0.0066"
                + "  succeeded\n"),
        shown);
    // The total: all segments' time and energy (160 J = 0.04444 Wh).
    assertTrue(shown.contains("  total                       0.90"), shown);
    assertTrue(shown.contains("0.04444"), shown);
    // The list shows each run once, newest (by its last segment) first.
    String all = LedgerSummary.show(root, new Configuration(), null, 10);
    assertEquals(2, all.lines().filter(l -> l.startsWith("run ")).count(), all);
  }
}
