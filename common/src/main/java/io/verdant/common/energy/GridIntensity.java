package io.verdant.common.energy;

import io.verdant.common.VerdantException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Grid carbon intensity in gCO2e per kWh, as a function of time: a constant, or a step function
 * read from a CSV file {@code timestamp,g_per_kwh} (header required; timestamps ISO-8601 with
 * offset or Z, or epoch seconds; any order). A time is given the value of the latest row at or
 * before it, and times before the first row the first row's value.
 */
public final class GridIntensity {
  /**
   * Default: 475 gCO2e/kWh, the world average carbon intensity of electricity generation in 2018
   * from the IEA's Global Energy &amp; CO2 Status Report 2019 (also CodeCarbon's world-average
   * fallback).
   */
  public static final double DEFAULT_G_PER_KWH = 475.0;

  public static final String DEFAULT_SOURCE =
      "default: IEA Global Energy & CO2 Status Report 2019, world average 2018";

  private final long[] timesMs;
  private final double[] values;
  private final String source;

  private GridIntensity(long[] timesMs, double[] values, String source) {
    this.timesMs = timesMs;
    this.values = values;
    this.source = source;
  }

  public static GridIntensity constant(double gPerKwh, String source) {
    return new GridIntensity(new long[] {Long.MIN_VALUE}, new double[] {gPerKwh}, source);
  }

  public static GridIntensity defaults() {
    return constant(DEFAULT_G_PER_KWH, DEFAULT_SOURCE);
  }

  /**
   * Reads a {@code timestamp,g_per_kwh} CSV from a local path or Hadoop URI; errors name the
   * option, file and line.
   */
  public static GridIntensity csv(String file, Configuration conf) {
    return csv(file, conf, "--grid-intensity-csv");
  }

  /**
   * As {@link #csv(String, Configuration)}, naming {@code option} in errors (the file may come from
   * another option).
   */
  public static GridIntensity csv(String file, Configuration conf, String option) {
    Path p = new Path(file);
    java.util.List<Point> points = new java.util.ArrayList<>();
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw VerdantException.of("%s file does not exist: %s", option, file);
      }
      try (FSDataInputStream in = fs.open(p);
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String header = r.readLine();
        if (header == null || !header.replace(" ", "").equalsIgnoreCase("timestamp,g_per_kwh")) {
          throw VerdantException.of(
              "%s %s must start with the header 'timestamp,g_per_kwh', cannot be: %s",
              option, file, header);
        }
        String line;
        int n = 1;
        while ((line = r.readLine()) != null) {
          n++;
          if (!line.isBlank()) {
            points.add(point(line, option + " " + file + " line " + n));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + option + " " + file, e);
    }
    if (points.isEmpty()) {
      throw VerdantException.of("%s %s has no rows", option, file);
    }
    // A stable sort: rows of the same time keep their order.
    points.sort((x, y) -> Long.compare(x.t(), y.t()));
    return new GridIntensity(
        points.stream().mapToLong(Point::t).toArray(),
        points.stream().mapToDouble(Point::gPerKwh).toArray(),
        "csv:" + file);
  }

  private record Point(long t, double gPerKwh) {}

  /** One row, {@code <time>,<g/kWh>}; {@code where} names the option, file and line in errors. */
  private static Point point(String line, String where) {
    String[] f = line.split(",");
    if (f.length != 2) {
      throw VerdantException.of("%s must have 2 fields, cannot be: %s", where, line);
    }
    double v;
    long t;
    try {
      t = parseTime(f[0].trim());
      v = Double.parseDouble(f[1].trim());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw VerdantException.of(
          "%s must be '<ISO-8601 time or epoch seconds>,<g/kWh>', cannot be: %s", where, line);
    }
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw VerdantException.of(
          "%s: g_per_kwh must be a number >= 0, cannot be: %s", where, f[1].trim());
    }
    return new Point(t, v);
  }

  /**
   * An ISO-8601 time with offset or Z, or epoch seconds (fractions allowed), as epoch milliseconds.
   */
  public static long parseTime(String s) {
    if (s.matches("-?\\d+(\\.\\d+)?")) {
      return (long) (Double.parseDouble(s) * 1000);
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(s).toInstant().toEpochMilli();
    }
  }

  /** gCO2e/kWh in force at an instant. */
  public double at(long epochMs) {
    int i = Arrays.binarySearch(timesMs, epochMs);
    if (i < 0) {
      i = -i - 2;
    }
    return values[Math.max(0, i)];
  }

  /** The times strictly between a and b at which the intensity changes. */
  public List<Long> changesBetween(long a, long b) {
    List<Long> out = new ArrayList<>();
    for (long t : timesMs) {
      if (t > a && t < b) {
        out.add(t);
      }
    }
    return out;
  }

  /** One row of a series: the value in force from {@code fromMs} until the next step. */
  public record Step(long fromMs, double gPerKwh) {}

  /** The series' steps in time order (one step from {@link Long#MIN_VALUE} for a constant). */
  public List<Step> steps() {
    List<Step> out = new ArrayList<>(timesMs.length);
    for (int i = 0; i < timesMs.length; i++) {
      out.add(new Step(timesMs[i], values[i]));
    }
    return out;
  }

  /** Where the values come from: "default: ...", "--grid-intensity", or "csv:&lt;file&gt;". */
  public String source() {
    return source;
  }

  public boolean isSeries() {
    return timesMs.length > 1 || timesMs[0] != Long.MIN_VALUE;
  }
}
