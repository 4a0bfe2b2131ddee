package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerSummary;
import io.verdant.jobs.compress.CompressionReport;
import io.verdant.jobs.model.EpochMetrics;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.registry.ModelFootprint;
import io.verdant.jobs.registry.ModelRegistry;
import io.verdant.jobs.registry.ModelVersion;
import io.verdant.testing.LocalSpark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verdant report} on a small real pipeline (the MNIST slice ingested, a small model trained
 * twice, one of them accounted with a grid intensity series, then compressed, and the test split
 * scored with the dense and the compressed model): the charted numbers are the ledger's,
 * model.json's and report.json's, the summary shows what {@code ledger show} prints, the page opens
 * in headless Chromium, and bad input writes nothing.
 */
class ReportCommandTest {
  static final int SECTION_SHOT_HEIGHT = 1200;
  static final List<String> RUNS =
      List.of(
          "rep-ingest",
          "rep-train-1",
          "rep-train-2",
          "rep-compress",
          "rep-score-dense",
          "rep-score-compressed");
  private static SparkSession spark;
  @TempDir static Path tmp;
  static Path ledger;
  static Path report;
  static Path intensityCsv;
  static Path registry;
  static JsonNode charts;

  @BeforeAll
  static void pipeline() throws Exception {
    spark = LocalSpark.start("report-command");
    ledger = tmp.resolve("ledger");
    Path table = tmp.resolve("mnist-slice");
    assertEquals(
        0, Verdant.run(withLedger(IngestCommandTest.idxArgs(table, "--run-id", "rep-ingest"))));
    long now = Instant.now().getEpochSecond();
    intensityCsv = tmp.resolve("intensity.csv");
    Files.writeString(
        intensityCsv,
        "timestamp,g_per_kwh\n"
            + (now - 3600)
            + ",310\n"
            + (now - 1200)
            + ",440\n"
            + (now + 4)
            + ",280\n"
            + (now + 2400)
            + ",360\n");
    registry = tmp.resolve("registry");
    String[] train = {
      "train",
      "--data",
      table.toString(),
      "--model",
      "mlp:784-32-10",
      "--epochs",
      "2",
      "--averaging-frequency",
      "5",
      "--registry",
      registry.toString()
    };
    assertEquals(
        0,
        Verdant.run(
            withLedger(
                concat(
                    train,
                    "--out",
                    tmp.resolve("model-1").toString(),
                    "--run-id",
                    "rep-train-1"))));
    assertEquals(
        0,
        Verdant.run(
            withLedger(
                concat(
                    train,
                    "--out",
                    tmp.resolve("model-2").toString(),
                    "--run-id",
                    "rep-train-2",
                    // Another seed: with the same options the two models can be the same bytes (one
                    // SHA-256
                    // for two versions) when both zips are written within the same 2 s of zip time.
                    "--seed",
                    "7",
                    "--grid-intensity-csv",
                    intensityCsv.toString()))));
    assertEquals(
        0,
        Verdant.run(
            withLedger(
                new String[] {
                  "compress",
                  "--model",
                  tmp.resolve("model-1").toString(),
                  "--data",
                  table.toString(),
                  "--out",
                  tmp.resolve("compressed").toString(),
                  "--sparsity",
                  "layer0=0.9,layer1=0.5",
                  "--sensitivity-sparsities",
                  "0.5,0.8,0.95",
                  "--retrain-epochs",
                  "1",
                  "--max-accuracy-drop",
                  "100",
                  "--run-id",
                  "rep-compress",
                  "--registry",
                  registry.toString()
                })));
    score(tmp.resolve("model-1"), table, "rep-score-dense");
    score(tmp.resolve("compressed"), table, "rep-score-compressed");
    report = tmp.resolve("report");
    CliRun r =
        CliRun.of(
            withLedger(
                concat(
                    new String[] {"report", "--run"},
                    concat(
                        RUNS.toArray(new String[0]),
                        "--out",
                        report.toString(),
                        "--run-id",
                        "rep-report",
                        "--models",
                        registry.toString()))));
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().lines().anyMatch(l -> l.equals("Report: " + report.resolve("index.html"))),
        r.out());
    charts = Json.MAPPER.readTree(report.resolve("charts.json").toFile());
  }

  /** Scores the table's test split with {@code model}, the registry naming its version. */
  private static void score(Path model, Path table, String runId) {
    assertEquals(
        0,
        Verdant.run(
            withLedger(
                new String[] {
                  "score",
                  "--model",
                  model.toString(),
                  "--data",
                  table.toString(),
                  "--split",
                  "test",
                  "--out",
                  tmp.resolve("scores-" + runId).toString(),
                  "--run-id",
                  runId,
                  "--registry",
                  registry.toString()
                })));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String[] withLedger(String[] args) {
    return concat(args, "--ledger", ledger.toString());
  }

  static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(new String[0]);
  }

  static JsonNode chart(String id) {
    for (JsonNode c : charts.path("charts")) {
      if (c.path("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no chart " + id + " in charts.json");
  }

  /** A bar chart's values, keyed {@code axis|series|category}. */
  static Map<String, Double> bars(String id) {
    Map<String, Double> out = new HashMap<>();
    for (JsonNode s : chart(id).path("series")) {
      for (JsonNode p : s.path("points")) {
        out.put(
            s.path("axis").asText()
                + "|"
                + s.path("name").asText()
                + "|"
                + p.path("category").asText(),
            p.path("y").asDouble());
      }
    }
    return out;
  }

  /**
   * Sums of the ledger's energy rows per (run, phase, executor, component), read by Spark, in Wh.
   */
  static Map<String, Double> ledgerEnergyWh() {
    Map<String, Double> out = new HashMap<>();
    for (Row r :
        spark
            .read()
            .parquet(ledger + "/energy")
            .groupBy("run_id", "phase", "executor_id", "component")
            .sum("energy_j")
            .collectAsList()) {
      String phase = r.isNullAt(1) ? LedgerSummary.OUTSIDE_PHASES : r.getString(1);
      out.put(
          r.getString(0) + "|" + phase + "|" + r.getString(2) + "|" + r.getString(3),
          r.getDouble(4) / 3600.0);
    }
    return out;
  }

  @Test
  void energyChartsShowTheLedgersEnergyPerPhaseExecutorAndComponent() {
    Map<String, Double> ledgerWh = ledgerEnergyWh();
    int checked = 0;
    for (String run : RUNS) {
      JsonNode c = chart("energy-" + run);
      assertEquals("energy (Wh)", c.path("series").get(0).path("axis").asText());
      for (JsonNode s : c.path("series")) {
        String[] componentExecutor = s.path("name").asText().split(" @ ");
        for (JsonNode p : s.path("points")) {
          String key =
              run
                  + "|"
                  + p.path("category").asText()
                  + "|"
                  + componentExecutor[1]
                  + "|"
                  + componentExecutor[0];
          assertEquals(ledgerWh.getOrDefault(key, 0.0), p.path("y").asDouble(), 1e-12, key);
          checked += ledgerWh.containsKey(key) ? 1 : 0;
        }
      }
    }
    long rows = ledgerWh.keySet().stream().filter(k -> RUNS.contains(k.split("\\|")[0])).count();
    assertEquals(rows, checked, "every energy row group of the runs is charted");
  }

  @Test
  void timelineShowsEveryTaskOfTheUtilizationTable() {
    for (String run : RUNS) {
      JsonNode c = chart("timeline-" + run);
      List<Row> tasks =
          spark
              .read()
              .parquet(ledger + "/utilization")
              .where("run_id = '" + run + "'")
              .selectExpr("phase", "unix_millis(launch_time)", "unix_millis(finish_time)")
              .collectAsList();
      long start =
          spark
              .read()
              .parquet(ledger + "/runs")
              .where("run_id = '" + run + "'")
              .selectExpr("unix_millis(start_time)")
              .first()
              .getLong(0);
      Map<String, List<Double>> ledgerStarts = new HashMap<>();
      tasks.forEach(
          t ->
              ledgerStarts
                  .computeIfAbsent(
                      t.isNullAt(0) ? "(no phase)" : t.getString(0), k -> new ArrayList<>())
                  .add((t.getLong(1) - start) / 1000.0));
      int points = 0;
      for (JsonNode s : c.path("series")) {
        List<Double> starts = ledgerStarts.get(s.path("name").asText());
        for (JsonNode p : s.path("points")) {
          assertTrue(starts.contains(p.path("x").asDouble()), run + " task start " + p);
          assertTrue(p.path("xEnd").asDouble() >= p.path("x").asDouble());
          points++;
        }
      }
      assertEquals(tasks.size(), points, run + ": one bar per task");
      assertTrue(
          c.path("yLabels").get(0).asText().startsWith("driver slot 1"),
          c.path("yLabels").toString());
    }
  }

  @Test
  void carbonShowsEachRunsCo2eAndTheIntensitySeriesAroundTheRunThatUsedIt() {
    Map<String, Double> co2e = new HashMap<>();
    spark
        .read()
        .parquet(ledger + "/energy")
        .groupBy("run_id")
        .sum("co2e_g")
        .collectAsList()
        .forEach(r -> co2e.put(r.getString(0), r.getDouble(1)));
    JsonNode bars = chart("carbon-co2e").path("series").get(0).path("points");
    assertEquals(RUNS.size(), bars.size());
    for (JsonNode p : bars) {
      assertEquals(co2e.get(p.path("category").asText()), p.path("y").asDouble(), 1e-12);
    }
    JsonNode steps = chart("carbon-intensity-rep-train-2").path("series").get(0).path("points");
    // The window opens 30 minutes before the run, when the first row (310) was in force; the later
    // rows follow.
    assertEquals(310.0, steps.get(0).path("y").asDouble(), steps.toString());
    assertEquals(
        List.of(310.0, 440.0, 280.0),
        steps.findValues("y").stream().map(JsonNode::asDouble).distinct().limit(3).toList());
    assertTrue(
        charts.path("charts").findValues("id").stream()
            .noneMatch(v -> v.asText().equals("carbon-intensity-rep-train-1")),
        "a constant intensity draws no series");
  }

  @Test
  void runsOfOneJobSideBySide() {
    JsonNode c = chart("runs-train");
    JsonNode energy = c.path("series").get(0).path("points");
    Map<String, Double> wh = new HashMap<>();
    spark
        .read()
        .parquet(ledger + "/runs")
        .select("run_id", "energy_j")
        .collectAsList()
        .forEach(r -> wh.put(r.getString(0), r.getDouble(1) / 3600.0));
    assertEquals(
        List.of("rep-train-1", "rep-train-2"),
        List.of(energy.get(0).path("category").asText(), energy.get(1).path("category").asText()));
    for (JsonNode p : energy) {
      assertEquals(wh.get(p.path("category").asText()), p.path("y").asDouble(), 1e-9);
    }
  }

  @Test
  void trainChartsShowModelJsonsEpochs() {
    ModelInfo m = ModelStore.readInfo(tmp.resolve("model-1").toString(), new Configuration());
    JsonNode curves = chart("train-curves-rep-train-1").path("series");
    assertEquals("training loss", curves.get(0).path("name").asText());
    assertEquals("validation accuracy (%)", curves.get(1).path("axis").asText());
    JsonNode epochs = chart("train-epochs-rep-train-1").path("series");
    for (int i = 0; i < m.epochs().size(); i++) {
      EpochMetrics e = m.epochs().get(i);
      assertEquals(e.epoch(), curves.get(0).path("points").get(i).path("x").asInt());
      assertEquals(e.trainLoss(), curves.get(0).path("points").get(i).path("y").asDouble(), 0.0);
      assertEquals(
          100 * e.validationAccuracy(),
          curves.get(1).path("points").get(i).path("y").asDouble(),
          1e-12);
      assertEquals(e.trainSeconds(), epochs.get(0).path("points").get(i).path("y").asDouble(), 0.0);
      assertEquals(e.epochSeconds(), epochs.get(1).path("points").get(i).path("y").asDouble(), 0.0);
      assertTrue(e.energyJ() > 0, "train records each epoch's energy: " + e);
      assertEquals(
          e.energyJ() / 3600.0, epochs.get(2).path("points").get(i).path("y").asDouble(), 1e-15);
    }
  }

  @Test
  void compressionChartsShowTheCompressionReport() {
    CompressionReport c =
        CompressionReport.read(tmp.resolve("compressed").toString(), new Configuration());
    JsonNode sens = chart("compression-sensitivity-rep-compress").path("series");
    assertEquals(c.sensitivity().validationAccuracy().size(), sens.size());
    double[] layer0 = c.sensitivity().validationAccuracy().get(sens.get(0).path("name").asText());
    for (int i = 0; i < layer0.length; i++) {
      assertEquals(
          100 * c.sensitivity().sparsities().get(i),
          sens.get(0).path("points").get(i).path("x").asDouble(),
          1e-12);
      assertEquals(100 * layer0[i], sens.get(0).path("points").get(i).path("y").asDouble(), 1e-12);
    }
    JsonNode stages = chart("compression-stages-rep-compress").path("series");
    assertEquals(c.denseFloat32Bytes(), stages.get(0).path("points").get(0).path("x").asLong());
    assertEquals(c.fileBytes(), stages.get(2).path("points").get(0).path("x").asLong());
    assertEquals(
        100 * c.testAccuracy().afterDecoding(),
        stages.get(2).path("points").get(0).path("y").asDouble(),
        1e-12);
    JsonNode file = chart("compression-layers-rep-compress").path("series").get(1).path("points");
    for (int i = 0; i < c.layers().size(); i++) {
      assertEquals(c.layers().get(i).tensor(), file.get(i).path("category").asText());
      assertEquals(c.layers().get(i).bytes(), file.get(i).path("y").asLong());
    }
    JsonNode accuracy = chart("runs-train").path("series").get(2).path("points");
    assertEquals(
        100
            * ModelStore.readInfo(tmp.resolve("model-2").toString(), new Configuration())
                .test()
                .accuracy(),
        accuracy.get(1).path("y").asDouble(),
        1e-12);
  }

  @Test
  void lineageShowsEachRegisteredVersionsFootprintAsModelsShowReadsIt() {
    ModelRegistry models = ModelRegistry.open(registry.toString(), new Configuration());
    LedgerReader reader = new LedgerReader(ledger.toString(), new Configuration());
    Map<String, Double> charted = bars("lineage-models");
    List<ModelVersion> versions =
        models.all().stream().filter(v -> RUNS.contains(v.runId())).toList();
    assertEquals(3, versions.size(), "two trained and one compressed version: " + versions);
    int scored = 0;
    for (ModelVersion v : versions) {
      // The score runs that used the version stack on top of the runs that produced it.
      ModelFootprint.Scoring sc = ModelFootprint.of(v, reader).scoring();
      String label = v.name() + "/" + v.version();
      assertEquals(sc.energyJ() / 3600.0, charted.get("energy (Wh)|score|" + label), 1e-15);
      assertEquals(sc.co2eG(), charted.get("carbon (g CO2e)|score|" + label), 1e-15);
      scored += sc.runs();
      for (ModelFootprint.StepCost s : ModelFootprint.of(v, reader).lineage()) {
        String category = v.name() + "/" + v.version();
        assertTrue(s.inLedger(), s.toString());
        assertEquals(
            s.energyJ() / 3600.0,
            charted.get("energy (Wh)|" + s.step() + "|" + category),
            1e-15,
            s.toString());
        assertEquals(
            s.co2eG(),
            charted.get("carbon (g CO2e)|" + s.step() + "|" + category),
            1e-15,
            s.toString());
      }
    }
    assertEquals(
        0.0,
        charted.get(
            "energy (Wh)|compress|" + versions.get(0).name() + "/" + versions.get(0).version()),
        0.0,
        "a trained model has no compress run");
    assertEquals(2, scored, "the dense and the compressed model were each scored once");
  }

  @Test
  void scoringShowsEachScoreRunsCostPer1000PredictionsAsTheLedgerRecordedIt() throws Exception {
    Map<String, Double> charted = bars("scoring-per-1000");
    String html = Files.readString(report.resolve("index.html"), StandardCharsets.UTF_8);
    Map<String, String> kinds =
        Map.of("rep-score-dense", "dense", "rep-score-compressed", "compressed");
    for (Row r :
        spark
            .read()
            .parquet(ledger + "/runs")
            .where("job = 'score'")
            .select("run_id", "energy_j", "co2e_g", "attributes_json", "phase_wall_ms")
            .collectAsList()) {
      String run = r.getString(0);
      Map<String, String> a =
          Json.MAPPER.readValue(
              r.getString(3),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      String kind = kinds.get(run);
      assertEquals(kind, a.get("modelKind"), run);
      long predictions = Long.parseLong(a.get("predictions"));
      assertEquals(1000, predictions, "the slice's test split");
      // The ledger's own figures: the run's IT energy and carbon over its predictions.
      double joules = Double.parseDouble(a.get("energyJPer1000Predictions"));
      assertEquals(r.getDouble(1) / predictions * 1000, joules, 1e-12, run);
      assertEquals(joules, charted.get("J per 1,000 predictions|" + kind + "|" + run), 0.0, run);
      assertEquals(
          Double.parseDouble(a.get("co2eGPer1000Predictions")),
          charted.get("g CO2e per 1,000 predictions|" + kind + "|" + run),
          0.0,
          run);
      long scoreMs = r.<String, Long>getJavaMap(4).get("score");
      assertEquals(
          predictions / (scoreMs / 1000.0),
          charted.get("rows per second (score phase)|" + kind + "|" + run),
          1e-9,
          run);
      assertTrue(
          html.contains(
              "<tr><td>"
                  + run
                  + "</td><td>"
                  + a.get("model_name")
                  + "/"
                  + a.get("model_version")
                  + "</td><td>"
                  + kind
                  + " ("
                  + a.get("engine")
                  + ")</td><td class=\"num\">1,000</td>"),
          run + ": " + a);
    }
    assertEquals(6, charted.size(), "two runs in three parts: " + charted);
    assertTrue(html.contains("<p>1,000 predictions of the compressed model "), "the ratio");
  }

  @Test
  void summaryShowsTheFiguresLedgerShowPrints() throws Exception {
    String html = Files.readString(report.resolve("index.html"), StandardCharsets.UTF_8);
    for (String run : RUNS) {
      String shown = LedgerSummary.show(ledger.toString(), new Configuration(), run, 1);
      String total =
          shown
              .lines()
              .filter(l -> l.strip().startsWith("total "))
              .findFirst()
              .orElseThrow()
              .strip();
      String[] f = total.split("\\s+", 6);
      // The run's row: wall_s, cpu_s, energy_Wh, co2e_g and methods exactly as ledger show prints
      // its total line.
      assertTrue(
          html.contains(
              "<td class=\"num\">"
                  + f[1]
                  + "</td><td class=\"num\">"
                  + f[2]
                  + "</td><td class=\"num\">"
                  + f[3]
                  + "</td><td class=\"num\">"
                  + f[4]
                  + "</td><td>"
                  + f[5]
                  + "</td>"),
          run + ": " + total);
    }
    assertTrue(
        html.contains("<section id=\"summary\">")
            && html.contains("<section id=\"energy\">")
            && html.contains("<section id=\"timeline\">")
            && html.contains("<section id=\"carbon\">")
            && html.contains("<section id=\"runs\">")
            && html.contains("<section id=\"train\">")
            && html.contains("<section id=\"compression\">")
            && html.contains("<section id=\"scoring\">")
            && html.contains("<section id=\"lineage\">"),
        "sections");
    assertTrue(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "no network, no script");
    try (java.util.stream.Stream<Path> files = Files.walk(report)) {
      List<String> names =
          files
              .filter(Files::isRegularFile)
              .map(p -> report.relativize(p).toString())
              .sorted()
              .toList();
      assertEquals(
          charts.path("charts").size() + 2,
          names.size(),
          "index.html, charts.json and the charts: " + names);
      assertTrue(
          names.stream().noneMatch(n -> n.startsWith(".") || n.contains("/.")),
          "no hidden files: " + names);
    }
  }

  /**
   * The report from disk in headless Chromium: no console error, no request but for its own files,
   * every chart loaded at its PNG's size. A screenshot of the whole page goes to
   * target/report-screenshots, and one of each section (its first {@value #SECTION_SHOT_HEIGHT}
   * pixels) to {@code verdant.report.screenshots} (default the same folder; docs/report.md's
   * pictures are made with {@code -Dverdant.report.screenshots=<repo>/docs/report}).
   */
  @Test
  void opensInHeadlessChromiumWithEveryImageLoaded() throws Exception {
    HeadlessChromium.assumeInstalled();
    Path page = Path.of("target/report-screenshots/report-page.png");
    Path shots =
        Path.of(System.getProperty("verdant.report.screenshots", "target/report-screenshots"));
    try (HeadlessChromium browser =
        HeadlessChromium.start(
            Files.createDirectories(tmp.resolve("chromium-profile")), 1000, 900)) {
      browser.open(report.resolve("index.html"));
      Map<String, JsonNode> pngs = new HashMap<>();
      charts.path("charts").forEach(c -> pngs.put(c.path("png").asText(), c));
      @SuppressWarnings("unchecked")
      List<List<Object>> images =
          (List<List<Object>>)
              browser.script(
                  "return Array.from(document.images).map(i =>"
                      + " [i.getAttribute('src'), i.complete, i.naturalWidth, i.naturalHeight]);");
      assertEquals(pngs.size(), images.size(), "one image per chart");
      for (List<Object> img : images) {
        JsonNode c = pngs.get((String) img.get(0));
        assertTrue(c != null && Boolean.TRUE.equals(img.get(1)), "image " + img);
        assertEquals(
            c.path("width").asLong(),
            ((Number) img.get(2)).longValue(),
            "naturalWidth of " + img.get(0));
        assertEquals(
            c.path("height").asLong(),
            ((Number) img.get(3)).longValue(),
            "naturalHeight of " + img.get(0));
      }
      assertEquals(List.of(), browser.consoleErrors(), "console errors");
      List<String> requests = browser.requests();
      assertTrue(
          requests.stream().allMatch(u -> u.startsWith(report.toUri().toString())),
          "requests: " + requests);
      assertEquals(1 + images.size(), requests.size(), "the page and its images: " + requests);
      @SuppressWarnings("unchecked")
      List<List<Object>> sections =
          (List<List<Object>>)
              browser.script(
                  "return Array.from(document.querySelectorAll('section'))"
                      + ".map(s => { const r = s.getBoundingClientRect(); return [s.id, r.left + window.scrollX, r.top + window.scrollY,"
                      + " r.width, r.height]; });");
      double pageHeight =
          ((Number) browser.script("return document.documentElement.scrollHeight;")).doubleValue();
      browser.screenshot(page, 0, 0, 1000, pageHeight);
      for (List<Object> s : sections) {
        browser.screenshot(
            shots.resolve("report-" + s.get(0) + ".png"),
            num(s.get(1)) - 8,
            num(s.get(2)) - 8,
            num(s.get(3)) + 16,
            Math.min(SECTION_SHOT_HEIGHT, num(s.get(4)) + 16));
      }
      assertEquals(
          List.of(
              "summary",
              "train",
              "energy",
              "timeline",
              "compression",
              "scoring",
              "carbon",
              "runs",
              "lineage"),
          sections.stream().map(s -> s.get(0)).toList(),
          "every section, in order");
      assertTrue(Files.size(page) > 10_000);
    }
  }

  private static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  @Test
  void badInputIsOneLineAndWritesNothing() throws Exception {
    Path out = tmp.resolve("bad-report");
    Path empty = Files.createDirectories(tmp.resolve("empty-ledger"));
    CliRun.of("report", "--ledger", empty.toString(), "--out", out.toString())
        .assertError("verdant report", "--ledger " + empty + " holds no runs");
    CliRun.assertNothingAt(out);
    CliRun.of(
            withLedger(
                new String[] {
                  "report", "--run", "rep-train-1", "no-such-run", "--out", out.toString()
                }))
        .assertError("verdant report", "--run no-such-run is not in the ledger at " + ledger);
    CliRun.assertNothingAt(out);
    CliRun.of(withLedger(new String[] {"report", "--since", "2999-01-01", "--out", out.toString()}))
        .assertError(
            "verdant report",
            "--since 2999-01-01: no run in the ledger at " + ledger + " started at or after it");
    CliRun.of(withLedger(new String[] {"report", "--since", "yesterday", "--out", out.toString()}))
        .assertError(
            "verdant report",
            "--since must be an ISO-8601 time with offset (2026-11-22T17:00:00Z) or a date"
                + " (2026-11-22), cannot be: yesterday");
    CliRun.of(
            withLedger(
                new String[] {
                  "report",
                  "--models",
                  tmp.resolve("no-registry").toString(),
                  "--out",
                  out.toString()
                }))
        .assertError(
            "verdant report",
            "--models " + tmp.resolve("no-registry") + ": there is no model registry at that path");
    CliRun.of("report", "--ledger", tmp.resolve("no-ledger").toString(), "--out", out.toString())
        .assertError(
            "verdant report",
            "No ledger at "
                + tmp.resolve("no-ledger")
                + ": the path does not exist (give the"
                + " ledger's root with --ledger or $VERDANT_LEDGER)");
    CliRun.of(withLedger(new String[] {"report", "--last", "0", "--out", out.toString()}))
        .assertError("verdant report", "--last must be at least 1, cannot be: 0");
    Path moved = tmp.resolve("intensity-moved.csv");
    Files.move(intensityCsv, moved);
    try {
      CliRun.of(
              withLedger(new String[] {"report", "--run", "rep-train-2", "--out", out.toString()}))
          .assertError(
              "verdant report",
              "run rep-train-2 was accounted with the grid intensity series "
                  + intensityCsv
                  + ", which does not exist");
    } finally {
      Files.move(moved, intensityCsv);
    }
    CliRun.assertNothingAt(out);
    Path model = tmp.resolve("model-1");
    Path aside = tmp.resolve("model-1-aside");
    Files.move(model, aside);
    try {
      CliRun.of(
              withLedger(new String[] {"report", "--run", "rep-train-1", "--out", out.toString()}))
          .assertError(
              "verdant report",
              "train run rep-train-1 wrote " + model + ", but its model.json is missing");
    } finally {
      Files.move(aside, model);
    }
    CliRun.assertNothingAt(out);
    CliRun.of(
            withLedger(new String[] {"report", "--run", "rep-ingest", "--out", report.toString()}))
        .assertError(
            "verdant report",
            "--out already exists: "
                + report.toUri().toString().replaceAll("/$", "").replace("file:///", "file:/")
                + " (pass --overwrite to replace it)");
  }
}
