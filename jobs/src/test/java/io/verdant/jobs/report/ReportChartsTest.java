package io.verdant.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.ledger.LedgerSummary.EnergyPart;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart layouts a local-mode pipeline does not reach: several executors (one stack per executor
 * in each phase) and overlapping tasks on an executor's task slots.
 */
class ReportChartsTest {
  private static final Run RUN =
      new Run(
          "r1",
          "train",
          "succeeded",
          null,
          1_000_000L,
          20_000L,
          0,
          0,
          0,
          4,
          null,
          List.of("export", "train"),
          Map.of("export", 5_000L, "train", 14_000L),
          1.58,
          475,
          "world",
          "default",
          "{}",
          Map.of());

  @Test
  void tasksOverlappingOnAnExecutorGoOnSeparateSlotsAndAFreedSlotIsReused() {
    Task t1 = task("1", 1, 0, 10);
    Task t2 = task("1", 2, 5, 15);
    Task t3 = task("1", 3, 10, 20);
    Task t4 = task("2", 4, 0, 5);
    TimelineSection.Layout layout = TimelineSection.Layout.of(List.of(t3, t4, t2, t1));
    assertEquals(List.of("1 slot 1", "1 slot 2", "2 slot 1"), layout.slots());
    assertEquals(Map.of(t1, 0, t2, 1, t3, 0, t4, 2), layout.row());
  }

  @Test
  void energyIsStackedByComponentWithOneBarPerExecutorInEachPhase(@TempDir Path tmp)
      throws Exception {
    List<EnergyPart> energy =
        List.of(
            part("export", "1", "cpu", 3600),
            part("export", "2", "cpu", 7200),
            part("export", "1", "memory", 360),
            part("train", "2", "cpu", 1800),
            part(null, "driver", "cpu", 36));
    RunData d =
        new RunData(RUN, LedgerSummary.lines(RUN, energy), energy, List.of(), null, null, null);
    ChartSink sink =
        new ChartSink(
            FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(tmp.toUri()));
    Files.createDirectories(tmp.resolve(ChartSink.IMG_DIR));
    String html =
        new EnergySection()
            .body(new ReportData("ledger", List.of(d), List.of()), sink)
            .orElseThrow();
    assertTrue(html.contains("<img src=\"img/energy-r1.png\""), html);
    ChartNumbers c = sink.charts().get(0);
    assertEquals("phase / executor", c.xAxis());
    Map<String, Double> wh = new java.util.HashMap<>();
    c.series()
        .forEach(s -> s.points().forEach(p -> wh.put(s.name() + " | " + p.category(), p.y())));
    assertEquals(1.0, wh.get("cpu @ 1 | export"), 1e-12);
    assertEquals(2.0, wh.get("cpu @ 2 | export"), 1e-12);
    assertEquals(0.1, wh.get("memory @ 1 | export"), 1e-12);
    assertEquals(0.5, wh.get("cpu @ 2 | train"), 1e-12);
    assertEquals(0.01, wh.get("cpu @ driver | " + LedgerSummary.OUTSIDE_PHASES), 1e-12);
    assertEquals(0.0, wh.get("cpu @ 1 | train"), 0.0);
    BufferedImage png = ImageIO.read(tmp.resolve(c.png()).toFile());
    assertEquals(c.width(), png.getWidth());
    assertEquals(c.height(), png.getHeight());
  }

  @Test
  void aJobNamedByItsSparkApplicationGivesASafeFileName(@TempDir Path tmp) throws Exception {
    Run app =
        new Run(
            "app-1",
            "Spark Pi / nightly",
            "succeeded",
            null,
            0L,
            1000L,
            0,
            0,
            0,
            0,
            null,
            List.of(),
            Map.of(),
            1.58,
            475,
            "world",
            "default",
            "{}",
            Map.of());
    Run again =
        new Run(
            "app-2",
            app.job(),
            "succeeded",
            null,
            5000L,
            1000L,
            0,
            0,
            0,
            0,
            null,
            List.of(),
            Map.of(),
            1.58,
            475,
            "world",
            "default",
            "{}",
            Map.of());
    List<RunData> runs =
        List.of(app, again).stream()
            .map(
                r ->
                    new RunData(
                        r,
                        LedgerSummary.lines(r, List.of()),
                        List.of(),
                        List.of(),
                        null,
                        null,
                        null))
            .toList();
    ChartSink sink =
        new ChartSink(
            FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(tmp.toUri()));
    Files.createDirectories(tmp.resolve(ChartSink.IMG_DIR));
    String html =
        new ComparisonSection().body(new ReportData("ledger", runs, List.of()), sink).orElseThrow();
    assertTrue(html.contains("<img src=\"img/runs-Spark-Pi---nightly.png\""), html);
    assertTrue(Files.isRegularFile(tmp.resolve("img/runs-Spark-Pi---nightly.png")));
  }

  private static Task task(String executor, long id, long fromS, long toS) {
    return new Task(
        "train",
        executor,
        id,
        "succeeded",
        RUN.startMs() + 1000 * fromS,
        RUN.startMs() + 1000 * toS);
  }

  private static EnergyPart part(String phase, String executor, String component, double joules) {
    return new EnergyPart(phase, executor, component, "tdp-model", joules, joules / 1000, 0);
  }
}
