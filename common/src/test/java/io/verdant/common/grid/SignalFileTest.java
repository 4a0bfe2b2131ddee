package io.verdant.common.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.verdant.common.VerdantException;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignalFileTest {
  static final Path SYNTHETIC = LocalSpark.testData("grid/synthetic-signals.csv");
  static final long H = 3_600_000L;
  static final Configuration CONF = new Configuration();

  @TempDir Path tmp;

  static long t(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void theShippedSyntheticFixtureReads() {
    List<SignalRow> rows = SignalFile.read(SYNTHETIC.toString(), CONF);
    assertEquals(732, rows.size());
    assertEquals(Set.of("SYNTHETIC"), SignalSeries.zones(rows));
    SignalSeries carbon = SignalSeries.of(rows, "SYNTHETIC", Signal.CARBON_INTENSITY, "f");
    SignalSeries price = SignalSeries.of(rows, "SYNTHETIC", Signal.PRICE, "f");
    assertEquals("EUR", price.currency());
    assertEquals(
        120,
        rows.stream()
            .filter(r -> r.signal() == Signal.CARBON_INTENSITY && !r.isForecast())
            .count());
    // The forecasts differ from the actuals (the fixture's point): compare the day-ahead view of
    // 2026-03-03 with the truth.
    Curve forecast = carbon.forecastsAt(t("2026-03-03T02:00:00Z"));
    Curve actual = carbon.actuals();
    long from = t("2026-03-03T02:00:00Z");
    long to = t("2026-03-04T00:00:00Z");
    assertEquals(java.util.OptionalLong.empty(), forecast.firstGap(from, to));
    assertEquals(t("2026-03-02T12:00:00Z"), forecast.oldestIssue(from, to));
    double meanAbsError =
        java.util.stream.LongStream.range(0, 22)
            .mapToDouble(
                h -> Math.abs(forecast.valueAt(from + h * H) - actual.valueAt(from + h * H)))
            .average()
            .orElseThrow();
    assertEquals(
        true,
        meanAbsError > 10 && meanAbsError < 80,
        "mean absolute forecast error " + meanAbsError);
    assertEquals(
        -29.43,
        price.actuals().valueAt(t("2026-03-03T11:30:00Z")),
        "a negative price at noon on the windy day");
  }

  /**
   * The fixture written by Spark as Parquet (INT96 timestamps, a directory of part files) reads as
   * the same rows.
   */
  @Test
  void parquetWrittenBySparkReadsAsTheCsv() {
    SparkSession spark = LocalSpark.start("signals");
    try {
      Path dir = tmp.resolve("signals.parquet");
      spark
          .read()
          .option("header", "true")
          .option("comment", "#")
          .csv(SYNTHETIC.toString())
          .selectExpr(
              "zone",
              "signal",
              "cast(valid_from as timestamp) as valid_from",
              "cast(valid_to as timestamp) as valid_to",
              "cast(value as double) as value",
              "currency",
              "cast(issued_at as timestamp) as issued_at")
          .repartition(3)
          .write()
          .parquet(dir.toString());
      assertEquals(
          sorted(SignalFile.read(SYNTHETIC.toString(), CONF)),
          sorted(SignalFile.read(dir.toString(), CONF)));
    } finally {
      spark.stop();
    }
  }

  /**
   * Microsecond timestamps, integer-second durations and float values, written with parquet-hadoop.
   */
  @Test
  void parquetWithMicrosAndSecondsReads() throws IOException {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message s { required binary zone (STRING);"
                + " required binary signal (STRING); required int64 valid_from (TIMESTAMP(MICROS,true)); required int64 duration;"
                + " required float value; optional binary currency (STRING); optional int64 issued_at (TIMESTAMP(MILLIS,true)); }");
    Path file = tmp.resolve("s.parquet");
    try (ParquetWriter<Group> w =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
            .withConf(CONF)
            .withType(schema)
            .build()) {
      SimpleGroupFactory f = new SimpleGroupFactory(schema);
      w.write(
          f.newGroup()
              .append("zone", "DE")
              .append("signal", "price")
              .append("valid_from", 3_600_000_000L)
              .append("duration", 1800L)
              .append("value", -2.5f)
              .append("currency", "eur")
              .append("issued_at", 1000L));
    }
    assertEquals(
        List.of(new SignalRow("DE", Signal.PRICE, "EUR", H, H + H / 2, -2.5, 1000L)),
        SignalFile.read(file.toString(), CONF));
  }

  @Test
  void carbonAwareSdkEmissionsFiles() throws IOException {
    Path wrapped =
        write(
            "ca.json",
            "{\"Emissions\":[{\"Location\":\"eastus\",\"Rating\":420.5,"
                + "\"Time\":\"2026-03-01T01:00:00+01:00\",\"Duration\":\"01:00:00\"},"
                + "{\"Location\":\"eastus\",\"Rating\":300,\"Time\":\"2026-03-01T01:00:00Z\",\"Duration\":\"00:30\"}]}");
    assertEquals(
        List.of(
            new SignalRow(
                "eastus",
                Signal.CARBON_INTENSITY,
                null,
                t("2026-03-01T00:00:00Z"),
                t("2026-03-01T01:00:00Z"),
                420.5,
                null),
            new SignalRow(
                "eastus",
                Signal.CARBON_INTENSITY,
                null,
                t("2026-03-01T01:00:00Z"),
                t("2026-03-01T01:30:00Z"),
                300,
                null)),
        SignalFile.read(wrapped.toString(), CONF));
    // The older layout: a bare array, Ratings as strings, local times, no Duration (a value lasts
    // until the next).
    Path bare =
        write(
            "old.json",
            "[{\"Location\":\"Sydney\",\"Rating\":\"60\",\"Time\":\"2021-01-01T00:00:00\"},"
                + "{\"Location\":\"Sydney\",\"Rating\":\"70\",\"Time\":\"2021-01-01T02:00:00\"},"
                + "{\"Location\":\"Sydney\",\"Rating\":\"65\",\"Time\":\"2021-01-01T01:00:00\"}]");
    List<SignalRow> rows = SignalFile.read(bare.toString(), CONF);
    assertEquals(List.of(60.0, 65.0, 70.0), rows.stream().map(SignalRow::value).toList());
    assertEquals(
        t("2021-01-01T03:00:00Z"), rows.get(2).toMs(), "the last value lasts the median step");
  }

  @Test
  void theLedgersIntensityCsvReadsForAnyZone() throws IOException {
    Path csv =
        write(
            "g.csv",
            "timestamp,g_per_kwh\n2026-03-01T00:00:00Z,300\n2026-03-01T00:30:00Z,200\n1772326800,100\n");
    List<SignalRow> rows = SignalFile.read(csv.toString(), CONF);
    assertEquals(3, rows.size());
    assertEquals(
        new SignalRow(
            SignalFile.ANY_ZONE,
            Signal.CARBON_INTENSITY,
            null,
            t("2026-03-01T01:00:00Z"),
            t("2026-03-01T01:30:00Z"),
            100,
            null),
        rows.get(2),
        "epoch seconds; the last value lasts the median step");
    assertEquals(
        200,
        SignalSeries.of(rows, "DE", Signal.CARBON_INTENSITY, "f")
            .actuals()
            .valueAt(t("2026-03-01T00:45:00Z")));
    Path bad = write("b.csv", "timestamp,g_per_kwh\n2026-03-01T00:00:00Z,-1\n");
    assertError(
        "--signals " + bad + " line 2: g_per_kwh must be a number >= 0, cannot be: -1", bad);
  }

  @Test
  void badSignalFilesFailWithOneLineNamingTheFileLineAndRule() throws IOException {
    String header = "zone,signal,valid_from,valid_to,value,currency,issued_at\n";
    Path p = write("a.csv", "# comment\nzone,signal,valid_from,value,issued\n");
    assertError(
        "--signals "
            + p
            + " line 2: unknown column 'issued'; the columns are zone, signal, valid_from, valid_to,"
            + " duration, value, currency, issued_at",
        p);
    p = write("b.csv", "zone,signal,valid_from,value\n");
    assertError(
        "--signals "
            + p
            + " line 1: give the column valid_to or duration (columns: zone, signal, valid_from, value)",
        p);
    p = write("c.csv", header + "Z,price,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,10,,\n");
    assertError(
        "--signals "
            + p
            + " line 2: a price needs its currency as a 3-letter ISO 4217 code (e.g. EUR), cannot be: ''",
        p);
    p =
        write(
            "d.csv",
            header + "Z,carbon_intensity,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,-3,,\n");
    assertError(
        "--signals "
            + p
            + " line 2: a carbon_intensity value must be a non-negative number, cannot be: -3.0",
        p);
    p = write("e.csv", header + "Z,carbon_intensity,2026-03-01 00:00,2026-03-01T01:00:00Z,3,,\n");
    assertError(
        "--signals "
            + p
            + " line 2: valid_from must be an ISO-8601 time with Z or an offset, or epoch seconds,"
            + " cannot be: 2026-03-01 00:00",
        p);
    p =
        write(
            "f.csv", header + "Z,carbon_intensity,2026-03-01T01:00:00Z,2026-03-01T01:00:00Z,3,,\n");
    assertError(
        "--signals "
            + p
            + " line 2: the interval must end after it starts (valid_from 2026-03-01T01:00:00Z),"
            + " cannot end at 2026-03-01T01:00:00Z",
        p);
    p = write("g.csv", header + "Z,wind,2026-03-01T00:00:00Z,2026-03-01T01:00:00Z,3,,\n");
    assertError(
        "--signals " + p + " line 2: signal must be carbon_intensity or price, cannot be: 'wind'",
        p);
    p = write("h.csv", header + "Z,carbon_intensity,2026-03-01T00:00:00Z,3,,\n");
    assertError(
        "--signals "
            + p
            + " line 2 must have 7 fields like the header, cannot be: Z,carbon_intensity,2026-03-01T00:00:00Z,3,,",
        p);
    p =
        write(
            "i.csv",
            "zone,signal,valid_from,duration,value\nZ,price,2026-03-01T00:00:00Z,soon,3\n");
    assertError(
        "--signals "
            + p
            + " line 2: duration must be ISO-8601 (PT1H) or like 1h, 30m, cannot be: soon",
        p);
    p = write("j.json", "{\"Data\":[]}");
    assertError(
        "--signals "
            + p
            + " must hold {\"Emissions\": [...]} or an array of emissions (Carbon Aware SDK JSON)",
        p);
    p = write("k.csv", header);
    assertError("--signals " + p + " has no rows", p);
    assertError(
        "--signals file does not exist: " + tmp.resolve("none.csv"), tmp.resolve("none.csv"));
  }

  @Test
  void durationsAndTimeSpans() {
    assertEquals(5_400_000L, Times.duration("1h30m"));
    assertEquals(5_400_000L, Times.duration("PT1H30M"));
    assertEquals(86_400_000L, Times.duration("1d"));
    assertEquals(86_400_000L, Times.duration("P1D"));
    assertEquals(90_000L, Times.duration("1.5m"));
    assertEquals(3_600_000L, Times.timeSpan("01:00"));
    assertEquals(90_061_500L, Times.timeSpan("1.01:01:01.5"));
    assertThrows(IllegalArgumentException.class, () -> Times.duration("1 hour"));
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private static void assertError(String message, Path file) {
    assertEquals(
        message,
        assertThrows(VerdantException.class, () -> SignalFile.read(file.toString(), CONF))
            .getMessage());
  }

  private static List<SignalRow> sorted(List<SignalRow> rows) {
    Function<SignalRow, String> key = r -> r.signal() + "|" + r.fromMs() + "|" + r.issuedAtMs();
    return rows.stream().sorted(Comparator.comparing(key)).collect(Collectors.toList());
  }
}
