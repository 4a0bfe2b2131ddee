package io.verdant.common.grid;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Checks;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The Green Software Foundation Carbon Aware SDK's JSON emissions file: {@code
 * {"Emissions":[{"Location", "Time", "Rating", "Duration"}]}} (or the bare array), Rating in
 * gCO2e/kWh. Location is the zone; Duration is a .NET TimeSpan ({@code 01:00:00}); without it a
 * value lasts until the location's next Time. Times without an offset are UTC. The rows are actuals
 * (the file has no issue time).
 */
final class CarbonAwareJson implements SignalFormat {
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Emission(
      @JsonProperty("Location") String location,
      @JsonProperty("Time") String time,
      @JsonProperty("Rating") Double rating,
      @JsonProperty("Duration") String duration) {}

  @Override
  public List<SignalRow> read(FileSystem fs, Path path, Source source) throws IOException {
    String label = source.label();
    List<Emission> emissions;
    try (InputStream in = fs.open(path)) {
      JsonNode root = Json.MAPPER.readTree(in);
      JsonNode list =
          root != null && root.isArray() ? root : root == null ? null : root.get("Emissions");
      if (list == null || !list.isArray()) {
        throw VerdantException.of(
            "%s must hold {\"Emissions\": [...]} or an array of emissions (Carbon Aware SDK JSON)",
            label);
      }
      emissions = Json.MAPPER.convertValue(list, new TypeReference<List<Emission>>() {});
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw VerdantException.of(
          "%s is not a Carbon Aware SDK emissions file: %s", label, e.getMessage().split("\n")[0]);
    }
    Map<String, List<Emission>> byLocation = new LinkedHashMap<>();
    for (int i = 0; i < emissions.size(); i++) {
      Emission e = emissions.get(i);
      String where = label + " Emissions[" + i + "]";
      if (e.location() == null || e.time() == null || e.rating() == null) {
        throw VerdantException.of(
            "%s: Location, Time and Rating are required, cannot be: %s", where, e);
      }
      byLocation.computeIfAbsent(e.location(), k -> new ArrayList<>()).add(e);
    }
    List<SignalRow> rows = new ArrayList<>();
    byLocation.forEach((location, list) -> rows.addAll(rows(location, list, label)));
    return rows;
  }

  private static List<SignalRow> rows(String location, List<Emission> list, String label) {
    String where = label + " Location " + location;
    List<Emission> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingLong(e -> time(e.time(), where)));
    long[] starts = sorted.stream().mapToLong(e -> time(e.time(), where)).toArray();
    long[] ends =
        sorted.stream().allMatch(e -> e.duration() != null)
            ? null
            : SignalFile.endsOfSteps(starts, where);
    List<SignalRow> rows = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Emission e = sorted.get(i);
      Long duration = e.duration() == null ? null : timeSpan(e.duration(), where);
      rows.add(
          SignalRow.checked(
              where + " Time " + e.time(),
              location,
              Signal.CARBON_INTENSITY,
              null,
              starts[i],
              duration == null ? ends[i] : null,
              duration,
              e.rating(),
              null));
    }
    return rows;
  }

  private static long time(String s, String where) {
    try {
      return Times.instant(s);
    } catch (DateTimeParseException | NumberFormatException e) {
      try {
        return LocalDateTime.parse(s.trim()).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw VerdantException.of("%s: Time must be an ISO-8601 time, cannot be: %s", where, s);
      }
    }
  }

  private static long timeSpan(String s, String where) {
    return Checks.parse(where + ": Duration", s, Times::timeSpan, "a TimeSpan like 01:00:00");
  }
}
