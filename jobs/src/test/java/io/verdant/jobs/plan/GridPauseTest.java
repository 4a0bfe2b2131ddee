package io.verdant.jobs.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.grid.Signal;
import io.verdant.common.run.JobRun;
import io.verdant.common.run.PausedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pause decision on its own: the signal now against the thresholds; missing or stale data never
 * pause.
 */
class GridPauseTest {
  static final String HEADER = "zone,signal,valid_from,valid_to,value,currency,issued_at\n";
  static final long T = Instant.parse("2026-06-01T12:30:00Z").toEpochMilli();
  static final GridPause.Threshold CARBON =
      new GridPause.Threshold(Signal.CARBON_INTENSITY, 300, "--pause-above");
  static final GridPause.Threshold PRICE =
      new GridPause.Threshold(Signal.PRICE, 100, "--pause-above-price");

  @TempDir Path tmp;

  GridPause pause(String rows, GridPause.Threshold... thresholds) throws IOException {
    Path f = tmp.resolve("s" + System.nanoTime() + ".csv");
    Files.writeString(f, HEADER + rows);
    return new GridPause(f.toString(), "DE", List.of(thresholds), new Configuration());
  }

  @Test
  void pausesWhenTheSignalNowIsAboveItsThreshold() throws IOException {
    String rows =
        "DE,carbon_intensity,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,412,,\n"
            + "DE,carbon_intensity,2026-06-01T13:00:00Z,2026-06-01T14:00:00Z,200,,\n"
            + "DE,price,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,80.5,EUR,\n";
    GridPause.Pause p = pause(rows, CARBON, PRICE).check(T).orElseThrow();
    assertEquals(412.0, p.value());
    PausedException e = p.exception(3, "/ck");
    assertEquals(JobRun.Status.PAUSED_FOR_CARBON, e.status());
    assertTrue(
        e.getMessage()
            .startsWith(
                "paused for carbon: the carbon intensity of zone DE is 412 gCO2e/kWh at"
                    + " 2026-06-01T12:30:00Z (--signals "),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(
                "), above --pause-above 300; the checkpoint after epoch 3 is in /ck: run again with"
                    + " --resume to continue"),
        e.getMessage());
    assertEquals(
        Optional.empty(), pause(rows, CARBON).check(T + 3_600_000L), "200 at 13:30: go on");
    // Only the price threshold, at 80.5 EUR/MWh: no pause; at 50, a pause for price.
    assertEquals(Optional.empty(), pause(rows, PRICE).check(T));
    PausedException price =
        pause(rows, new GridPause.Threshold(Signal.PRICE, 50, "--pause-above-price"))
            .check(T)
            .orElseThrow()
            .exception(0, "/ck");
    assertEquals(JobRun.Status.PAUSED_FOR_PRICE, price.status());
    assertTrue(
        price.getMessage().contains("the price of zone DE is 80.5 EUR/MWh")
            && price.getMessage().contains("no epoch was trained yet: run again with --resume"),
        price.getMessage());
  }

  /** The signal now is the latest issued up to now: a forecast issued later is not yet known. */
  @Test
  void usesIssuesUpToNowOnly() throws IOException {
    String rows =
        "DE,carbon_intensity,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,250,,2026-06-01T06:00:00Z\n"
            + "DE,carbon_intensity,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,350,,2026-06-01T12:30:00Z\n"
            + "DE,carbon_intensity,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,999,,2026-06-01T12:31:00Z\n";
    assertEquals(350.0, pause(rows, CARBON).check(T).orElseThrow().value());
    assertEquals(Optional.empty(), pause(rows, CARBON).check(T - 1), "before the 12:30 issue: 250");
  }

  @Test
  void missingStaleOrUnreadableSignalsKeepTraining() throws IOException {
    assertEquals(
        Optional.empty(),
        pause("DE,carbon_intensity,2026-06-01T10:00:00Z,2026-06-01T11:00:00Z,900,,\n", CARBON)
            .check(T),
        "no value now");
    assertEquals(
        Optional.empty(),
        pause(
                "DE,carbon_intensity,2026-06-01T12:00:00Z,2026-06-01T13:00:00Z,900,,"
                    + "2026-05-31T06:00:00Z\n",
                CARBON)
            .check(T),
        "a forecast 30 h old is stale");
    assertEquals(
        Optional.empty(),
        new GridPause(
                tmp.resolve("gone.csv").toString(), "DE", List.of(CARBON), new Configuration())
            .check(T),
        "the file went away");
  }
}
