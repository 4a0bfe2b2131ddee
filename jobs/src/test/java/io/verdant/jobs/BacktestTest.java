package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verdant plan --backtest} on the shipped synthetic fixture and on a file built to catch
 * peeking.
 */
class BacktestTest {
  static final Path SYNTHETIC = LocalSpark.testData("grid/synthetic-signals.csv");

  @TempDir Path tmp;

  CliRun backtest(Path signals, String zone, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "plan",
                "--backtest",
                "--signals",
                signals.toString(),
                "--zone",
                zone,
                "--json",
                tmp.resolve("backtest.json").toString()));
    a.addAll(List.of(more));
    CliRun r = CliRun.of(a.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    return r;
  }

  JsonNode json() throws IOException {
    return Json.MAPPER.readTree(tmp.resolve("backtest.json").toFile());
  }

  /** The figures docs/scheduling.md reports (synthetic data). */
  @Test
  void theSyntheticFixtureNightlyAtTwoWithSixteenHoursOfSlack() throws IOException {
    CliRun r =
        backtest(
            SYNTHETIC,
            "SYNTHETIC",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-06",
            "--every",
            "1d",
            "--at",
            "02:00",
            "--deadline",
            "16h",
            "--expected-duration",
            "3h",
            "--expected-energy-wh",
            "1500");
    System.out.println(r.out());
    JsonNode j = json();
    JsonNode rows = j.path("decisions");
    assertEquals(4, rows.size());
    assertEquals(0, j.path("totals").path("fallbacks").asInt());
    for (JsonNode row : rows) {
      String start = row.path("plannedStart").asText();
      int hour = Integer.parseInt(start.substring(11, 13));
      assertTrue(hour >= 7 && hour <= 13, "a start in the solar dip: " + start);
      assertTrue(row.path("savingCo2ePercent").asDouble() > 0, row.toString());
      // The forecasts promised a different saving than the actuals gave: they differ from the
      // actuals.
      assertNotEquals(
          row.path("forecastSavingCo2ePercent").asDouble(),
          row.path("savingCo2ePercent").asDouble());
      assertEquals(row.path("decidedAt").asText(), row.path("nominalStart").asText());
    }
    double saving = j.path("totals").path("savingCo2ePercent").asDouble();
    assertTrue(saving > 30 && saving < 80, "total saving " + saving);
    assertEquals("EUR", j.path("currency").asText());
    assertTrue(r.out().contains("  total (0 fallbacks)"), r.out());
    // A live plan at the same moment sees the same forecasts and chooses the same window.
    String decided = rows.get(1).path("decidedAt").asText();
    Path plan = tmp.resolve("plan.json");
    CliRun p =
        CliRun.of(
            "plan",
            "train",
            "--data",
            "d",
            "--model",
            "linear",
            "--no-ledger",
            "--signals",
            SYNTHETIC.toString(),
            "--zone",
            "SYNTHETIC",
            "--now",
            decided,
            "--deadline",
            "16h",
            "--expected-duration",
            "3h",
            "--expected-energy-wh",
            "1500",
            "--json",
            plan.toString());
    assertEquals(0, p.code(), p.err());
    assertEquals(
        rows.get(1).path("plannedStart").asText(),
        Json.MAPPER.readTree(plan.toFile()).path("window").path("start").asText());
  }

  /**
   * Forecast A (issued before the decision) points at 05:00, forecast B (issued just after it) at
   * the real dip at 08:00: the back-test must act on A and score that choice on the actuals,
   * earning nothing.
   */
  @Test
  void decisionsSeeOnlyForecastsIssuedBeforeThem() throws IOException {
    StringBuilder b = new StringBuilder("zone,signal,valid_from,duration,value,issued_at\n");
    for (int h = 0; h < 24; h++) {
      String t = String.format("2026-06-01T%02d:00:00Z", h);
      b.append("Z,carbon_intensity,")
          .append(t)
          .append(",1h,")
          .append(h == 8 ? 100 : 400)
          .append(",\n");
      b.append("Z,carbon_intensity,")
          .append(t)
          .append(",1h,")
          .append(h == 5 ? 100 : 400)
          .append(",2026-05-31T23:00:00Z\n");
      b.append("Z,carbon_intensity,")
          .append(t)
          .append(",1h,")
          .append(h == 8 ? 100 : 400)
          .append(",2026-06-01T00:00:01Z\n");
    }
    Path f = tmp.resolve("peek.csv");
    Files.writeString(f, b.toString());
    backtest(
        f,
        "Z",
        "--from",
        "2026-06-01T00:00:00Z",
        "--to",
        "2026-06-01T00:00:01Z",
        "--deadline",
        "20h",
        "--expected-duration",
        "1h",
        "--expected-energy-wh",
        "1000");
    JsonNode row = json().path("decisions").get(0);
    assertEquals("2026-06-01T05:00:00Z", row.path("plannedStart").asText());
    assertEquals(75.0, row.path("forecastSavingCo2ePercent").asDouble(), 1e-9);
    assertEquals(0.0, row.path("savingCo2ePercent").asDouble(), 1e-9);
    // One second later, B is known and the plan finds the real dip.
    backtest(
        f,
        "Z",
        "--from",
        "2026-06-01T00:00:02Z",
        "--to",
        "2026-06-01T00:00:03Z",
        "--deadline",
        "20h",
        "--expected-duration",
        "1h",
        "--expected-energy-wh",
        "1000");
    assertEquals(
        "2026-06-01T08:00:00Z", json().path("decisions").get(0).path("plannedStart").asText());
  }

  @Test
  void badBacktestOptions() {
    CliRun r =
        CliRun.of(
            "plan",
            "--backtest",
            "--signals",
            SYNTHETIC.toString(),
            "--zone",
            "SYNTHETIC",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-06",
            "--deadline",
            "2026-03-02T18:00:00Z",
            "--expected-duration",
            "3h",
            "--expected-energy-wh",
            "1");
    r.assertError(
        "verdant plan",
        "--backtest needs --deadline and --not-before as durations after each decision (e.g. 12h),"
            + " cannot be: 2026-03-02T18:00:00Z");
    CliRun back =
        CliRun.of(
            "plan",
            "--backtest",
            "--signals",
            SYNTHETIC.toString(),
            "--zone",
            "SYNTHETIC",
            "--from",
            "2026-03-06",
            "--to",
            "2026-03-02",
            "--deadline",
            "12h");
    back.assertError(
        "verdant plan", "--to must be after --from, cannot be: 2026-03-02 (--from 2026-03-06)");
    CliRun at =
        CliRun.of(
            "plan",
            "--backtest",
            "--signals",
            SYNTHETIC.toString(),
            "--zone",
            "SYNTHETIC",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-06",
            "--deadline",
            "12h",
            "--at",
            "2am");
    at.assertError("verdant plan", "--at must be a UTC time of day HH:MM, cannot be: 2am");
    // Actuals end on 2026-03-06: a decision whose window runs past them cannot be scored.
    CliRun late =
        CliRun.of(
            "plan",
            "--backtest",
            "--signals",
            SYNTHETIC.toString(),
            "--zone",
            "SYNTHETIC",
            "--from",
            "2026-03-05T23:00:00Z",
            "--to",
            "2026-03-06",
            "--deadline",
            "12h",
            "--expected-duration",
            "3h",
            "--expected-energy-wh",
            "1",
            "--json",
            tmp.resolve("x.json").toString());
    late.assertError(
        "verdant plan",
        "--backtest: the actual carbon_intensity values of zone SYNTHETIC in --signals "
            + SYNTHETIC
            + " do not cover 2026-03-05T23:00:00Z to 2026-03-06T02:00:00Z (decision at 2026-03-05T23:00:00Z);"
            + " a back-test scores every decision on the actuals (rows without issued_at)");
  }
}
