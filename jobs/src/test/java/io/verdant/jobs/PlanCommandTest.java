package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import io.verdant.common.energy.EnergyRow;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.ledger.LedgerWriter;
import io.verdant.common.ledger.RunRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verdant plan} on small signal files with known optima (no Spark: planning needs none). */
class PlanCommandTest {
  static final String B = "2026-06-01T";
  static final String HEADER = "zone,signal,valid_from,valid_to,value,currency,issued_at\n";

  @TempDir Path tmp;

  /** Hourly rows from 00:00 of 2026-06-01, one per value. */
  static String hourly(
      String zone, String signal, String currency, String issuedAt, double... values) {
    StringBuilder b = new StringBuilder();
    for (int h = 0; h < values.length; h++) {
      b.append(
          String.format(
              "%s,%s,%s%02d:00:00Z,%s,%s,%s,%s%n",
              zone,
              signal,
              B,
              h,
              h + 1 < 24 ? String.format("%s%02d:00:00Z", B, h + 1) : "2026-06-02T00:00:00Z",
              values[h],
              currency == null ? "" : currency,
              issuedAt == null ? "" : issuedAt));
    }
    return b.toString();
  }

  Path signals(String... parts) throws IOException {
    Path p = tmp.resolve("signals-" + System.nanoTime() + ".csv");
    Files.writeString(p, HEADER + String.join("", parts));
    return p;
  }

  /** train's options (parsed, never run) and the ledger under tmp. */
  List<String> train(String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "plan",
                "train",
                "--data",
                tmp.resolve("table").toString(),
                "--model",
                "linear",
                "--ledger",
                tmp.resolve("ledger").toString(),
                "--pue",
                "1",
                "--run-id",
                "r1"));
    a.addAll(List.of(more));
    return a;
  }

  CliRun plan(Path signals, String... more) {
    List<String> a =
        train(
            "--signals",
            signals.toString(),
            "--zone",
            "T",
            "--json",
            tmp.resolve("plan.json").toString());
    a.addAll(List.of(more));
    return CliRun.of(a.toArray(new String[0]));
  }

  JsonNode json() throws IOException {
    return Json.MAPPER.readTree(tmp.resolve("plan.json").toFile());
  }

  static final double[] VALLEY = {500, 400, 300, 100, 100, 300, 500, 500, 500, 500, 500, 500};

  @Test
  void choosesTheLowestCarbonWindowBeforeTheDeadline() throws IOException {
    CliRun r =
        plan(
            signals(hourly("T", "carbon_intensity", null, null, VALLEY)),
            "--now",
            B + "00:00:00Z",
            "--deadline",
            B + "12:00:00Z",
            "--expected-duration",
            "2h",
            "--expected-energy-wh",
            "1000");
    assertEquals(0, r.code(), r.err());
    JsonNode j = json();
    assertEquals(B + "03:00:00Z", j.path("window").path("start").asText());
    assertEquals(B + "05:00:00Z", j.path("window").path("end").asText());
    // 1 kWh at 100 g/kWh against 0.5 kWh at 500 + 0.5 kWh at 400, PUE 1.
    assertEquals(100.0, j.path("window").path("co2eG").asDouble(), 1e-9);
    assertEquals(450.0, j.path("runNow").path("co2eG").asDouble(), 1e-9);
    assertEquals(77.7778, j.path("savingCo2ePercent").asDouble(), 1e-4);
    assertEquals("options", j.path("estimate").path("source").asText());
    assertEquals(1000.0, j.path("expectedWh").asDouble());
    assertTrue(j.path("fallback").isNull());
    assertTrue(
        r.out()
            .contains(
                "Estimate: --expected-duration 7200 s and --expected-energy-wh 1000.0, constant power"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "  window:  " + B + "03:00:00Z to " + B + "05:00:00Z: 100.00 gCO2e, cost n/a"),
        r.out());
    // A deadline before the valley: the best start that still ends in time.
    plan(
        signals(hourly("T", "carbon_intensity", null, null, VALLEY)),
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "04:30:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    assertEquals(B + "02:30:00Z", json().path("window").path("start").asText());
    // --not-before after the valley: it is out of reach.
    plan(
        signals(hourly("T", "carbon_intensity", null, null, VALLEY)),
        "--now",
        B + "00:00:00Z",
        "--not-before",
        "5h",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    assertEquals(B + "05:00:00Z", json().path("window").path("start").asText());
    assertEquals(B + "05:00:00Z", json().path("runNow").path("start").asText());
  }

  @Test
  void costAndWeightedObjectivesUseThePrice() throws IOException {
    Path s =
        signals(
            hourly("T", "carbon_intensity", null, null, VALLEY),
            hourly("T", "price", "EUR", null, 90, 80, 70, 60, 50, -20, -20, 40, 90, 90, 90, 90));
    plan(
        s,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000",
        "--objective",
        "cost");
    JsonNode j = json();
    assertEquals(B + "05:00:00Z", j.path("window").path("start").asText());
    assertEquals(
        -0.02, j.path("window").path("cost").asDouble(), 1e-12, "1 MWh/1000 at -20 EUR/MWh");
    assertEquals(0.085, j.path("runNow").path("cost").asDouble(), 1e-12);
    assertEquals("EUR", j.path("currency").asText());
    assertEquals(
        400.0,
        j.path("window").path("co2eG").asDouble(),
        1e-9,
        "carbon is reported beside the cost");
    // Weighted 0.9 toward carbon: the carbon valley, not the price one; 0.1: the price one.
    plan(
        s,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000",
        "--objective",
        "weighted:0.9");
    assertEquals(B + "03:00:00Z", json().path("window").path("start").asText());
    plan(
        s,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000",
        "--objective",
        "weighted:0.1");
    assertEquals(B + "05:00:00Z", json().path("window").path("start").asText());
  }

  /**
   * A decision at T uses only forecasts issued before T: the later issue moves the window once it
   * is known.
   */
  @Test
  void forecastsIssuedAfterTheDecisionAreNotUsed() throws IOException {
    double[] early = {
      400, 400, 400, 400, 400, 400, 400, 400, 100, 100, 400, 400, 400, 400, 400, 400, 400, 400, 400,
      400, 400, 400, 400, 400
    };
    double[] late = {
      400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400, 400,
      400, 50, 50, 400, 400
    };
    Path s =
        signals(
            hourly("T", "carbon_intensity", null, "2026-05-31T12:00:00Z", early),
            hourly("T", "carbon_intensity", null, B + "03:00:00Z", late));
    String[] args = {
      "--deadline",
      "2026-06-02T00:00:00Z",
      "--expected-duration",
      "2h",
      "--expected-energy-wh",
      "1000"
    };
    plan(s, concat(args, "--now", B + "03:00:00Z"));
    assertEquals(
        B + "08:00:00Z",
        json().path("window").path("start").asText(),
        "issued at the decision time: unused");
    plan(s, concat(args, "--now", B + "03:00:01Z"));
    assertEquals(B + "20:00:00Z", json().path("window").path("start").asText());
  }

  @Test
  void staleGappedOrTooShortSignalsFallBackToRunningNowWithAWarning() throws IOException {
    Path s = signals(hourly("T", "carbon_intensity", null, "2026-05-31T00:00:00Z", VALLEY));
    CliRun r =
        plan(
            s,
            "--now",
            B + "00:00:00Z",
            "--deadline",
            B + "12:00:00Z",
            "--expected-duration",
            "2h",
            "--expected-energy-wh",
            "1000",
            "--max-forecast-age",
            "12h",
            "--check");
    assertEquals(0, r.code(), "the fallback is to run now: --check says start");
    String stale =
        "the carbon_intensity forecast for zone T in --signals "
            + s
            + " was issued at 2026-05-31T00:00:00Z,"
            + " more than --max-forecast-age 12h before the decision at "
            + B
            + "00:00:00Z; running now";
    assertEquals(stale, json().path("fallback").asText());
    assertEquals(B + "00:00:00Z", json().path("window").path("start").asText());
    assertEquals(0.0, json().path("savingCo2ePercent").asDouble());
    assertTrue(r.out().contains("  fallback: " + stale), r.out());
    // The same forecast within the allowed age: planned.
    plan(
        s,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    assertEquals(B + "03:00:00Z", json().path("window").path("start").asText());

    Path gapped = signals(hourly("T", "carbon_intensity", null, null, VALLEY));
    plan(
        gapped,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "13:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    assertEquals(
        "no carbon_intensity value for zone T at "
            + B
            + "12:00:00Z in --signals "
            + gapped
            + " (the series must"
            + " cover the earliest start "
            + B
            + "00:00:00Z to the deadline "
            + B
            + "13:00:00Z); running now",
        json().path("fallback").asText());
    plan(
        gapped,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "01:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    assertEquals(
        "the job's expected duration 2h does not fit between the earliest start "
            + B
            + "00:00:00Z and the"
            + " deadline "
            + B
            + "01:00:00Z; running now",
        json().path("fallback").asText());
  }

  @Test
  void checkExitsZeroInTheWindowAndThreeBefore() throws IOException {
    Path s = signals(hourly("T", "carbon_intensity", null, null, VALLEY));
    String[] args = {
      "--deadline",
      B + "12:00:00Z",
      "--expected-duration",
      "2h",
      "--expected-energy-wh",
      "1000",
      "--check"
    };
    CliRun before = plan(s, concat(args, "--now", B + "02:00:00Z"));
    assertEquals(Verdant.EXIT_NOT_YET, before.code(), before.err());
    assertEquals(3, before.code());
    assertTrue(before.out().contains("start now: no"), before.out());
    assertEquals(
        0,
        plan(s, concat(args, "--now", B + "02:55:00Z")).code(),
        "within the default --slack of 10m");
    assertEquals(
        Verdant.EXIT_NOT_YET,
        plan(s, concat(args, "--now", B + "02:55:00Z", "--slack", "1m")).code());
    assertEquals(0, plan(s, concat(args, "--now", B + "03:00:00Z")).code());
    assertTrue(json().path("startNow").asBoolean());
  }

  @Test
  void waitSleepsUntilTheWindow() throws IOException {
    // Second-long steps: the low one starts 2 s after the decision.
    Path s = tmp.resolve("seconds.csv");
    Files.writeString(
        s,
        HEADER
            + "T,carbon_intensity,2026-06-01T00:00:00Z,2026-06-01T00:00:02Z,500,,\n"
            + "T,carbon_intensity,2026-06-01T00:00:02Z,2026-06-01T00:00:04Z,100,,\n");
    long t0 = System.nanoTime();
    CliRun r =
        plan(
            s,
            "--now",
            B + "00:00:00Z",
            "--deadline",
            B + "00:00:04Z",
            "--expected-duration",
            "2s",
            "--expected-energy-wh",
            "1",
            "--wait");
    double waited = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Waiting 2s until " + B + "00:00:02Z"), r.out());
    assertTrue(waited >= 2.0, "waited " + waited + " s");
  }

  /**
   * Comparable runs in the ledger give the estimate, scaled by epochs, with the power shape of the
   * latest.
   */
  @Test
  void theLedgersComparableRunsGiveTheEstimateAndItsPowerShape() throws IOException {
    String ledger = tmp.resolve("ledger").toString();
    long start = Instant.parse("2026-05-01T00:00:00Z").toEpochMilli();
    // 4 epochs in 1 h, 100 Wh: 90 Wh in the first half hour, 10 Wh in the second.
    pastTrain(ledger, "t-old", start - 86_400_000L, "4", "linear", 3_600_000L, 100);
    pastTrain(ledger, "t-new", start, "4", "linear", 3_600_000L, 100);
    pastTrain(ledger, "t-other-model", start + 1, "4", "lenet5", 60_000L, 1);
    // One low hour (03:00-04:00) in 500: a 2 h run (8 epochs) should put its heavy first hour
    // there.
    Path s =
        signals(
            hourly(
                "T",
                "carbon_intensity",
                null,
                null,
                500,
                500,
                500,
                0,
                500,
                500,
                500,
                500,
                500,
                500,
                500,
                500));
    CliRun r = plan(s, "--now", B + "00:00:00Z", "--deadline", B + "12:00:00Z", "--epochs", "8");
    assertEquals(0, r.code(), r.err());
    JsonNode j = json();
    assertEquals("ledger", j.path("estimate").path("source").asText());
    assertEquals(List.of("t-new", "t-old"), strings(j.path("estimate").path("runIds")));
    assertEquals(7200.0, j.path("estimate").path("durationS").asDouble(), 1e-9);
    assertEquals(200.0, j.path("expectedWh").asDouble(), 1e-9);
    assertEquals(
        B + "03:00:00Z",
        j.path("window").path("start").asText(),
        "the heavy first hour in the low hour");
    assertEquals(200 * 0.1 * 500 / 1000, j.path("window").path("co2eG").asDouble(), 1e-6);
    assertTrue(
        r.out()
            .contains(
                "Estimate: median of 2 comparable run(s) in the ledger at "
                    + ledger
                    + " (job train, model linear, dataset "
                    + tmp.resolve("table")
                    + "), scaled to 8 epochs; power shape of run t-new"),
        r.out());
  }

  /**
   * The plan is a row of the ledger: the window and the run-now counterfactual, under the job's run
   * id + .plan.
   */
  @Test
  void thePlanIsRecordedInTheLedger() throws IOException {
    Path s = signals(hourly("T", "carbon_intensity", null, null, VALLEY));
    plan(
        s,
        "--now",
        B + "00:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    // A second poll of the same run replaces its row.
    plan(
        s,
        "--now",
        B + "01:00:00Z",
        "--deadline",
        B + "12:00:00Z",
        "--expected-duration",
        "2h",
        "--expected-energy-wh",
        "1000");
    LedgerReader reader = new LedgerReader(tmp.resolve("ledger").toString(), new Configuration());
    List<String[]> rows =
        reader.read(
            LedgerTables.RUNS,
            null,
            g ->
                new String[] {
                  LedgerReader.string(g, "run_id"),
                  LedgerReader.string(g, "job"),
                  LedgerReader.string(g, "status"),
                  LedgerReader.string(g, "attributes_json"),
                  LedgerReader.string(g, "region")
                });
    assertEquals(1, rows.size());
    assertEquals(
        List.of("r1.plan", "plan", "planned", "T"),
        List.of(rows.get(0)[0], rows.get(0)[1], rows.get(0)[2], rows.get(0)[4]));
    JsonNode a = Json.MAPPER.readTree(rows.get(0)[3]);
    assertEquals(B + "03:00:00Z", a.path("plan.window_start").asText());
    assertEquals(B + "01:00:00Z", a.path("plan.run_now_start").asText());
    assertEquals("350.0", a.path("plan.co2e_g_run_now").asText());
    assertEquals("100.0", a.path("plan.co2e_g_window").asText());
    assertEquals("r1", a.path("plan.run_id").asText());
    CliRun show = CliRun.of("ledger", "show", "--ledger", tmp.resolve("ledger").toString());
    assertTrue(show.out().contains("run r1.plan  job plan  status planned"), show.out());
    // --no-ledger: nothing recorded.
    Path other = tmp.resolve("ledger2");
    List<String> a2 =
        new ArrayList<>(
            List.of(
                "plan",
                "train",
                "--data",
                "d",
                "--model",
                "linear",
                "--ledger",
                other.toString(),
                "--no-ledger",
                "--signals",
                s.toString(),
                "--zone",
                "T",
                "--deadline",
                B + "12:00:00Z",
                "--now",
                B + "00:00:00Z",
                "--expected-duration",
                "2h",
                "--expected-energy-wh",
                "1",
                "--json",
                tmp.resolve("p2.json").toString()));
    assertEquals(0, CliRun.of(a2.toArray(new String[0])).code());
    assertTrue(!Files.exists(other));
  }

  @Test
  void badOptionsFailWithOneLine() throws IOException {
    Path s = signals(hourly("T", "carbon_intensity", null, null, VALLEY));
    plan(s, "--deadline", "tomorrow")
        .assertError(
            "verdant plan",
            "--deadline must be an ISO-8601 time with Z or an offset"
                + " (2026-03-02T06:00:00Z) or a duration after the decision (12h, PT12H), cannot be: tomorrow");
    plan(s, "--deadline", "12h", "--objective", "green")
        .assertError(
            "verdant plan",
            "--objective must be carbon, cost or"
                + " weighted:W with W from 0 to 1 (the weight of carbon), cannot be: green");
    plan(s, "--deadline", "12h", "--expected-duration", "2h")
        .assertError(
            "verdant plan",
            "--expected-duration and --expected-energy-wh go together, given only --expected-duration 2h");
    plan(
            s,
            "--deadline",
            "12h",
            "--objective",
            "cost",
            "--expected-duration",
            "2h",
            "--expected-energy-wh",
            "1")
        .assertError(
            "verdant plan",
            "--signals "
                + s
                + " has no price rows for zone T (zones in the file: T); --objective"
                + " cost needs them");
    plan(s, "--deadline", "12h")
        .assertError(
            "verdant plan",
            "no comparable run of train (model linear, dataset "
                + tmp.resolve("table")
                + ") in the ledger at "
                + tmp.resolve("ledger")
                + ": give --expected-duration and"
                + " --expected-energy-wh");
    plan(s, "--deadline", "12h", "--check", "--wait")
        .assertError("verdant plan", "--check and --wait cannot be used together");
    plan(s, "--deadline", "12h", "--from", "2026-01-01")
        .assertError("verdant plan", "--from, --to and --at need --backtest");
    CliRun noJob = CliRun.of("plan", "--signals", s.toString(), "--zone", "T", "--deadline", "12h");
    assertEquals(Verdant.EXIT_USAGE, noJob.code());
    assertTrue(noJob.err().startsWith("verdant plan: Missing the JOB to plan"), noJob.err());
    CliRun notAJob =
        CliRun.of("plan", "ledger", "--signals", s.toString(), "--zone", "T", "--deadline", "12h");
    assertEquals(Verdant.EXIT_USAGE, notAJob.code());
    assertTrue(
        notAJob
            .err()
            .startsWith(
                "verdant plan: JOB must be one of Verdant's Spark jobs (ingest, report, train,"
                    + " compress, evaluate, score), cannot be: ledger"),
        notAJob.err());
    CliRun badJobOption =
        CliRun.of(
            "plan",
            "train",
            "--model",
            "linear",
            "--signals",
            s.toString(),
            "--zone",
            "T",
            "--deadline",
            "12h");
    assertEquals(Verdant.EXIT_USAGE, badJobOption.code());
    assertTrue(
        badJobOption
            .err()
            .startsWith("verdant plan: verdant train: Missing required option: '--data=DIR'"),
        badJobOption.err());
  }

  @Test
  void dryRunChecksTheOptionsWithoutReadingTheSignals() {
    CliRun r =
        CliRun.of(
            train(
                    "--signals",
                    tmp.resolve("absent.csv").toString(),
                    "--zone",
                    "T",
                    "--deadline",
                    "12h",
                    "--check",
                    "--dry-run")
                .toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("verdant plan: options are valid"), r.out());
    assertTrue(r.out().contains("  JOB = train --data " + tmp.resolve("table")), r.out());
  }

  /** A succeeded train run of 1 hour in the ledger: 90% of its energy in the first half hour. */
  private void pastTrain(
      String ledger,
      String runId,
      long start,
      String epochs,
      String model,
      long wallMs,
      double wh) {
    // The dataset id is what plan derives from --data when there is no manifest: the path itself.
    RunRow row =
        new RunRow(
            runId,
            "train",
            List.of("train"),
            Map.of("train", wallMs),
            "{\"--epochs\":\"" + epochs + "\",\"--model\":\"" + model + "\"}",
            tmp.resolve("table").toString(),
            model,
            "{}",
            "succeeded",
            null,
            start,
            start + wallMs,
            wh * 3600,
            0,
            1,
            1,
            "cpu=tdp-model",
            1,
            475,
            "world",
            "default",
            null,
            null,
            "0",
            "3.5.7",
            "x",
            "17");
    long half = wallMs / 2;
    List<EnergyRow> energy =
        List.of(
            new EnergyRow(
                "train",
                "h",
                "driver",
                "cpu",
                null,
                start,
                start + half,
                half / 1e3,
                wh * 0.9 * 3600,
                1,
                1,
                "tdp-model",
                1,
                475,
                "world",
                "default",
                0,
                1),
            new EnergyRow(
                "train",
                "h",
                "driver",
                "cpu",
                null,
                start + half,
                start + wallMs,
                half / 1e3,
                wh * 0.1 * 3600,
                1,
                1,
                "tdp-model",
                1,
                475,
                "world",
                "default",
                0,
                1));
    new LedgerWriter(ledger, new Configuration()).write(row, energy, List.of());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
