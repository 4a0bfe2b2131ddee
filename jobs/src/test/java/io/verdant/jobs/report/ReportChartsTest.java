package io.verdant.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.common.ledger.LedgerSummary.Run;
import io.verdant.common.ledger.TaskRow;
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
 * in each phase) and overlapping tasks on an executor's task slots; and the Scoring section's exact
 * figures from ledger runs built here.
 */
class ReportChartsTest {
  private static final long START_MS = 1_000_000L;
  private static final Run RUN =
      run("r1", "train", 20_000L, Map.of("export", 5_000L, "train", 14_000L), Map.of());

  @Test
  void tasksOverlappingOnAnExecutorGoOnSeparateSlotsAndAFreedSlotIsReused() {
    TaskRow t1 = task("1", 1, 0, 10);
    TaskRow t2 = task("1", 2, 5, 15);
    TaskRow t3 = task("1", 3, 10, 20);
    TaskRow t4 = task("2", 4, 0, 5);
    TimelineSection.Layout layout = TimelineSection.Layout.of(List.of(t3, t4, t2, t1));
    assertEquals(List.of("1 slot 1", "1 slot 2", "2 slot 1"), layout.slots());
    assertEquals(Map.of(t1, 0, t2, 1, t3, 0, t4, 2), layout.row());
  }

  @Test
  void energyIsStackedByComponentWithOneBarPerExecutorInEachPhase(@TempDir Path tmp)
      throws Exception {
    List<EnergyRow> energy =
        List.of(
            part("export", "1", "cpu", 3600),
            part("export", "2", "cpu", 7200),
            part("export", "1", "memory", 360),
            part("train", "2", "cpu", 1800),
            part(null, "driver", "cpu", 36));
    RunData d =
        new RunData(RUN, LedgerSummary.lines(RUN, energy), energy, List.of(), null, null, null);
    ChartSink sink = sink(tmp);
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
    Run app = run("app-1", "Spark Pi / nightly", 1000L, Map.of(), Map.of());
    Run again = run("app-2", app.job(), 1000L, Map.of(), Map.of());
    List<RunData> runs = List.of(app, again).stream().map(ReportChartsTest::data).toList();
    ChartSink sink = sink(tmp);
    String html =
        new ComparisonSection().body(new ReportData("ledger", runs, List.of()), sink).orElseThrow();
    assertTrue(html.contains("<img src=\"img/runs-Spark-Pi---nightly.png\""), html);
    assertTrue(Files.isRegularFile(tmp.resolve("img/runs-Spark-Pi---nightly.png")));
  }

  @Test
  void scoringChartsEachScoreRunsCostPer1000PredictionsByKindOfModel(@TempDir Path tmp)
      throws Exception {
    Run dense =
        score(
            "s-dense",
            8_000L,
            Map.of(
                "model_name", "mnist",
                "model_version", "1",
                "modelKind", "dense",
                "engine", "dl4j",
                "accuracy", "0.9813",
                "energyJPer1000Predictions", "3.0612",
                "co2eGPer1000Predictions", "6.38E-4"));
    Run compressed =
        score(
            "s-compressed",
            4_000L,
            Map.of(
                "model_name", "mnist",
                "model_version", "2",
                "modelKind", "compressed",
                "engine", "sparse-csc",
                "accuracy", "0.982",
                "energyJPer1000Predictions", "1.5507",
                "co2eGPer1000Predictions", "3.23E-4"));
    // A score run that failed before it scored records no predictions: not in the section.
    Run failed = run("s-failed", "score", 1_000L, Map.of(), Map.of("modelKind", "dense"));
    List<RunData> runs =
        List.of(RUN, dense, compressed, failed).stream().map(ReportChartsTest::data).toList();
    ChartSink sink = sink(tmp);
    String html =
        new ScoringSection().body(new ReportData("ledger", runs, List.of()), sink).orElseThrow();

    assertEquals(1, sink.charts().size());
    ChartNumbers c = sink.charts().get(0);
    assertEquals("scoring-per-1000", c.id());
    assertEquals("scoring", c.section());
    assertEquals("run", c.xAxis());
    Map<String, Double> charted = new java.util.TreeMap<>();
    c.series()
        .forEach(
            s ->
                s.points()
                    .forEach(
                        p ->
                            charted.put(
                                s.axis() + " | " + s.name() + " | " + p.category(), p.y())));
    assertEquals(
        Map.of(
            "J per 1,000 predictions | dense | s-dense", 3.0612,
            "J per 1,000 predictions | compressed | s-compressed", 1.5507,
            "g CO2e per 1,000 predictions | dense | s-dense", 6.38e-4,
            "g CO2e per 1,000 predictions | compressed | s-compressed", 3.23e-4,
            "rows per second (score phase) | dense | s-dense", 1250.0,
            "rows per second (score phase) | compressed | s-compressed", 2500.0),
        charted);
    assertTrue(html.contains("<img src=\"img/scoring-per-1000.png\""), html);
    assertTrue(
        html.contains(
            "<tr><td>s-dense</td><td>mnist/1</td><td>dense (dl4j)</td><td class=\"num\">10,000</td>"
                + "<td class=\"num\">98.13</td><td class=\"num\">3.0612</td><td class=\"num\">0.000638</td>"
                + "<td class=\"num\">1,250</td></tr>"),
        html);
    assertTrue(
        html.contains(
            "<tr><td>s-compressed</td><td>mnist/2</td><td>compressed (sparse-csc)</td>"
                + "<td class=\"num\">10,000</td><td class=\"num\">98.20</td><td class=\"num\">1.5507</td>"
                + "<td class=\"num\">0.000323</td><td class=\"num\">2,500</td></tr>"),
        html);
    assertTrue(
        html.contains(
            "<p>1,000 predictions of the compressed model mnist/2 (run s-compressed) took 1.5507 J,"
                + " 0.51 times the 3.0612 J of the dense model mnist/1 (run s-dense), over the same"
                + " 10,000 rows.</p>"),
        html);
    assertTrue(!html.contains("s-failed") && !html.contains(">r1<"), html);
    BufferedImage png = ImageIO.read(tmp.resolve(c.png()).toFile());
    assertEquals(c.width(), png.getWidth());
    assertEquals(c.height(), png.getHeight());
  }

  @Test
  void withoutAScoreRunThatMadePredictionsThereIsNoScoringSection(@TempDir Path tmp)
      throws Exception {
    Run failed = run("s-failed", "score", 1_000L, Map.of(), Map.of("modelKind", "dense"));
    ChartSink sink = sink(tmp);
    assertEquals(
        java.util.Optional.empty(),
        new ScoringSection()
            .body(new ReportData("ledger", List.of(data(RUN), data(failed)), List.of()), sink));
    assertEquals(List.of(), sink.charts());
    List<String> ids = Report.SECTIONS.stream().map(Section::id).toList();
    assertEquals(ids.indexOf("compression") + 1, ids.indexOf("scoring"), ids.toString());
  }

  @Test
  void twoRunsOfOneKindOrOfOtherInputsGetNoRatio(@TempDir Path tmp) throws Exception {
    Map<String, String> a =
        Map.of(
            "modelKind", "dense",
            "dataset", "table /t split test",
            "energyJPer1000Predictions", "2.0",
            "co2eGPer1000Predictions", "0.001");
    Map<String, String> b = new java.util.HashMap<>(a);
    b.put("modelKind", "compressed");
    b.put("dataset", "table /t split validation");
    ChartSink sink = sink(tmp);
    for (List<Map<String, String>> pair : List.of(List.of(a, a), List.of(a, b))) {
      List<RunData> runs =
          List.of(data(score("s1", 1_000L, pair.get(0))), data(score("s2", 1_000L, pair.get(1))));
      String html =
          new ScoringSection().body(new ReportData("ledger", runs, List.of()), sink).orElseThrow();
      assertTrue(!html.contains("<p>"), html);
    }
    // Two dense runs: one series, both bars in it.
    ChartNumbers c = sink.charts().get(0);
    assertEquals("dense", c.series().get(0).name());
    assertEquals(2, c.series().get(0).points().size());
  }

  /** A score run of 10,000 predictions whose score phase took {@code scoreMs}. */
  private static Run score(String id, long scoreMs, Map<String, String> attributes) {
    Map<String, String> a = new java.util.HashMap<>(attributes);
    a.put("predictions", "10000");
    return run(
        id, "score", scoreMs + 2_000L, Map.of("load", 500L, "read", 1_000L, "score", scoreMs), a);
  }

  /**
   * A run of the ledger: started at {@link #START_MS}, succeeded, accounted at PUE 1.58 and 475
   * g/kWh, with its phases' wall times and its attributes.
   */
  private static Run run(
      String id,
      String job,
      long wallMs,
      Map<String, Long> phaseWallMs,
      Map<String, String> attributes) {
    return new Run(
        id,
        job,
        "succeeded",
        null,
        START_MS,
        wallMs,
        0,
        0,
        0,
        4,
        null,
        List.copyOf(new java.util.TreeSet<>(phaseWallMs.keySet())),
        phaseWallMs,
        1.58,
        475,
        "world",
        "default",
        "{}",
        attributes);
  }

  /** A run with no energy rows, tasks or files. */
  private static RunData data(Run r) {
    return new RunData(
        r, LedgerSummary.lines(r, List.of()), List.of(), List.of(), null, null, null);
  }

  /** Charts written under {@code dir}. */
  private static ChartSink sink(Path dir) throws java.io.IOException {
    Files.createDirectories(dir.resolve(ChartSink.IMG_DIR));
    return new ChartSink(
        FileSystem.getLocal(new Configuration()), new org.apache.hadoop.fs.Path(dir.toUri()));
  }

  private static TaskRow task(String executor, long id, long fromS, long toS) {
    return new TaskRow(
        "train",
        0,
        0,
        0,
        null,
        id,
        0,
        0,
        executor,
        null,
        "succeeded",
        RUN.startMs() + 1000 * fromS,
        RUN.startMs() + 1000 * toS,
        1000 * (toS - fromS),
        TaskRow.Metrics.NONE);
  }

  private static EnergyRow part(String phase, String executor, String component, double joules) {
    return new EnergyRow(
        phase,
        "host",
        executor,
        component,
        null,
        START_MS,
        START_MS,
        0,
        joules,
        0,
        0,
        "tdp-model",
        1,
        0,
        null,
        null,
        joules / 1000,
        0);
  }
}
