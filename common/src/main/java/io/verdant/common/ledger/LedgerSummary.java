package io.verdant.common.ledger;

import com.fasterxml.jackson.core.type.TypeReference;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.run.JobRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * The readable summary {@code verdant ledger show} prints: per run, one line per phase with wall time,
 * CPU-seconds, energy (Wh), CO2e (g) and the energy methods per component, then the run's total.
 */
public final class LedgerSummary {
  /** The runs-table fields the summary shows. */
  public record Run(String runId, String job, String status, String error, long startMs, long wallMs, double energyJ,
      double co2eG, double cpuS, long tasks, String methods, List<String> phases, Map<String, Long> phaseWallMs,
      double pue, double intensity, String region, String source, Map<String, String> attributes) {}

  private record EnergyPart(String phase, String component, String method, double energyJ, double co2eG, double cpuS) {}

  private LedgerSummary() {}

  public static List<Run> runs(LedgerReader reader) {
    return reader.read(LedgerTables.RUNS, null, g -> new Run(LedgerReader.string(g, "run_id"),
        LedgerReader.string(g, "job"), LedgerReader.string(g, "status"), LedgerReader.string(g, "error_message"),
        LedgerReader.lng(g, "start_time"), LedgerReader.lng(g, "wall_ms"), LedgerReader.dbl(g, "energy_j"),
        LedgerReader.dbl(g, "co2e_g"), LedgerReader.dbl(g, "cpu_s"), LedgerReader.lng(g, "task_count"),
        LedgerReader.string(g, "methods"), LedgerReader.list(g, "phases"), LedgerReader.longMap(g, "phase_wall_ms"),
        LedgerReader.dbl(g, "pue"), LedgerReader.dbl(g, "grid_intensity_g_per_kwh"), LedgerReader.string(g, "region"),
        LedgerReader.string(g, "intensity_source"), attributes(LedgerReader.string(g, "attributes_json"))));
  }

  private static Map<String, String> attributes(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Json.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (java.io.IOException e) {
      return Map.of();
    }
  }

  /**
   * The summary of one run ({@code runId} given) or of the latest {@code last} runs, newest first.
   *
   * @throws VerdantException when the given run is not in the ledger
   */
  public static String show(String root, Configuration conf, String runId, int last) {
    LedgerReader reader = new LedgerReader(root, conf);
    List<Run> all = runs(reader);
    List<Run> chosen = new ArrayList<>();
    if (runId != null) {
      all.stream().filter(r -> r.runId().equals(runId)).forEach(chosen::add);
      if (chosen.isEmpty()) {
        throw VerdantException.of("--run %s is not in the ledger at %s", runId, root);
      }
    } else {
      all.sort(Comparator.comparingLong(Run::startMs).reversed());
      chosen.addAll(all.subList(0, Math.min(last, all.size())));
    }
    if (chosen.isEmpty()) {
      return "No runs in the ledger at " + root + "\n";
    }
    StringBuilder sb = new StringBuilder();
    for (Run r : chosen) {
      List<EnergyPart> parts = reader.read(LedgerTables.ENERGY, r.runId(), g -> new EnergyPart(
          LedgerReader.string(g, "phase"), LedgerReader.string(g, "component"), LedgerReader.string(g, "method"),
          LedgerReader.dbl(g, "energy_j"), LedgerReader.dbl(g, "co2e_g"), LedgerReader.dbl(g, "cpu_s")));
      format(sb, r, parts);
    }
    return sb.toString();
  }

  private static void format(StringBuilder sb, Run r, List<EnergyPart> parts) {
    sb.append(String.format(Locale.ROOT, "run %s  job %s  status %s  started %s%n", r.runId(), r.job(), r.status(),
        Instant.ofEpochMilli(r.startMs())));
    if (r.error() != null) {
      sb.append("  error: ").append(r.error()).append('\n');
    }
    String header = String.format(Locale.ROOT, "  %-22s %9s %9s %11s %10s  %s%n", "phase", "wall_s", "cpu_s",
        "energy_Wh", "co2e_g", "methods");
    sb.append(header);
    Map<String, List<EnergyPart>> byPhase = new LinkedHashMap<>();
    for (String p : r.phases()) {
      byPhase.computeIfAbsent(p, k -> new ArrayList<>());
    }
    for (EnergyPart e : parts) {
      byPhase.computeIfAbsent(e.phase() == null ? "(outside phases)" : e.phase(), k -> new ArrayList<>()).add(e);
    }
    for (Map.Entry<String, List<EnergyPart>> e : byPhase.entrySet()) {
      Long wall = r.phaseWallMs().get(e.getKey());
      long w = wall != null ? wall : Math.max(0, r.wallMs() - r.phaseWallMs().values().stream().mapToLong(Long::longValue).sum());
      line(sb, e.getKey(), w, e.getValue());
    }
    line(sb, "total", r.wallMs(), parts);
    sb.append(String.format(Locale.ROOT, "  tasks %d; grid %.1f gCO2e/kWh (%s), region %s, PUE %.2f%n", r.tasks(),
        r.intensity(), r.source(), r.region(), r.pue()));
    String predictions = r.attributes().get(JobRun.PREDICTIONS);
    String joules = r.attributes().get(LedgerRecorder.ENERGY_PER_1000_PREDICTIONS);
    String carbon = r.attributes().get(LedgerRecorder.CO2E_PER_1000_PREDICTIONS);
    if (predictions != null && joules != null && carbon != null) {
      sb.append(String.format(Locale.ROOT, "  predictions %,d: %.4f J and %.6f gCO2e per 1,000 predictions%n",
          Long.parseLong(predictions), Double.parseDouble(joules), Double.parseDouble(carbon)));
    }
    sb.append('\n');
  }

  private static void line(StringBuilder sb, String name, long wallMs, List<EnergyPart> parts) {
    double cpu = parts.stream().filter(p -> "cpu".equals(p.component())).mapToDouble(EnergyPart::cpuS).sum();
    double j = parts.stream().mapToDouble(EnergyPart::energyJ).sum();
    double g = parts.stream().mapToDouble(EnergyPart::co2eG).sum();
    Map<String, TreeSet<String>> methods = new TreeMap<>();
    parts.forEach(p -> methods.computeIfAbsent(p.component(), k -> new TreeSet<>()).add(p.method()));
    List<String> m = new ArrayList<>();
    methods.forEach((k, v) -> m.add(k + "=" + String.join("+", v)));
    sb.append(String.format(Locale.ROOT, "  %-22s %9.2f %9.2f %11.5f %10.4f  %s%n", name, wallMs / 1000.0, cpu,
        j / 3600.0, g, String.join(", ", m)));
  }
}
