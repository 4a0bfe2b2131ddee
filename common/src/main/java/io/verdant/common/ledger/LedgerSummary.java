package io.verdant.common.ledger;

import io.verdant.common.VerdantException;
import io.verdant.common.energy.EnergyRow;
import io.verdant.common.run.JobRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;

/**
 * The readable summary {@code verdant ledger show} prints: per run, one line per phase with wall
 * time, CPU-seconds, energy (Wh), CO2e (g) and the energy methods per component, then the run's
 * total.
 */
public final class LedgerSummary {
  /** A run as the summary shows it: the rows of its segments merged ({@link #merge}). */
  public record Run(
      String runId,
      String job,
      String status,
      String error,
      long startMs,
      long wallMs,
      double energyJ,
      double co2eG,
      double cpuS,
      long tasks,
      String methods,
      List<String> phases,
      Map<String, Long> phaseWallMs,
      double pue,
      double intensity,
      String region,
      String source,
      String optionsJson,
      Map<String, String> attributes) {

    /** PUE as {@code ledger show} prints it. */
    public String pueText() {
      return String.format(Locale.ROOT, "%.2f", pue);
    }

    /** Grid intensity (gCO2e/kWh) as {@code ledger show} prints it. */
    public String intensityText() {
      return String.format(Locale.ROOT, "%.1f", intensity);
    }
  }

  /**
   * One line of the summary: a phase (or {@code total}) with its wall time, CPU-seconds (of the cpu
   * rows), energy, CO2e and the methods per component; the text methods give each figure as {@code
   * ledger show} prints it.
   */
  public record Line(
      String name, long wallMs, double cpuS, double energyJ, double co2eG, String methods) {
    /** The header of a table of lines, as {@link #cells()} fills its columns. */
    public static final List<String> HEADER =
        List.of("phase", "wall_s", "cpu_s", "energy_Wh", "co2e_g", "methods");

    /**
     * The line as a table row under {@link #HEADER}, each figure as {@code ledger show} prints it.
     */
    public List<String> cells() {
      return Arrays.asList(name, wallText(), cpuText(), energyWhText(), co2eText(), methods);
    }

    public String wallText() {
      return String.format(Locale.ROOT, "%.2f", wallMs / 1000.0);
    }

    public String cpuText() {
      return String.format(Locale.ROOT, "%.2f", cpuS);
    }

    public double energyWh() {
      return energyJ / 3600.0;
    }

    public String energyWhText() {
      return String.format(Locale.ROOT, "%.5f", energyWh());
    }

    public String co2eText() {
      return String.format(Locale.ROOT, "%.4f", co2eG);
    }
  }

  /** The name of energy rows outside every phase of their run. */
  public static final String OUTSIDE_PHASES = "(outside phases)";

  public static final String TOTAL = "total";

  private LedgerSummary() {}

  /**
   * Every run once, oldest first, each as the list of its segments in the order they started: a run
   * paused for the grid and continued has one row per segment, a run that was not paused one.
   */
  public static Map<String, List<RunRow>> byRun(LedgerReader reader) {
    Map<String, List<RunRow>> byId = new LinkedHashMap<>();
    LedgerTables.runs(reader).stream()
        .sorted(Comparator.comparingLong(RunRow::startMs))
        .forEach(r -> byId.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r));
    return byId;
  }

  /**
   * The summary of one run ({@code runId} given) or of the latest {@code last} runs, newest first.
   * A run paused for the grid and continued has one row per segment: it is shown once, its segments
   * listed, its figures summed.
   *
   * @throws VerdantException when the ledger's root does not exist, or the given run is not in the
   *     ledger
   */
  public static String show(String root, Configuration conf, String runId, int last) {
    LedgerReader reader = new LedgerReader(root, conf);
    reader.requireRoot();
    Map<String, List<RunRow>> byId = byRun(reader);
    List<List<RunRow>> chosen = new ArrayList<>();
    if (runId != null) {
      if (!byId.containsKey(runId)) {
        throw VerdantException.of("--run %s is not in the ledger at %s", runId, root);
      }
      chosen.add(byId.get(runId));
    } else {
      List<List<RunRow>> all = new ArrayList<>(byId.values());
      all.sort(
          Comparator.comparingLong(
                  (List<RunRow> segments) -> segments.get(segments.size() - 1).startMs())
              .reversed());
      chosen.addAll(all.subList(0, Math.min(last, all.size())));
    }
    if (chosen.isEmpty()) {
      return "No runs in the ledger at " + root + "\n";
    }
    StringBuilder sb = new StringBuilder();
    for (List<RunRow> segments : chosen) {
      Run r = merge(segments);
      format(
          sb,
          r,
          segments.size() > 1 ? segments : List.of(),
          lines(r, LedgerTables.energy(reader, r.runId())));
    }
    return sb.toString();
  }

  /**
   * The rows of one run's segments (one, for a run that was not paused) as one run: the first
   * start, the last status, summed time and figures.
   */
  public static Run merge(List<RunRow> segments) {
    RunRow lastSegment = segments.get(segments.size() - 1);
    List<String> phases = new ArrayList<>();
    Map<String, Long> walls = new LinkedHashMap<>();
    for (RunRow s : segments) {
      s.phases().stream().filter(p -> !phases.contains(p)).forEach(phases::add);
      s.phaseWallMs().forEach((k, v) -> walls.merge(k, v, Long::sum));
    }
    double energyJ = segments.stream().mapToDouble(RunRow::energyJ).sum();
    double co2 = segments.stream().mapToDouble(RunRow::co2eG).sum();
    return new Run(
        lastSegment.runId(),
        lastSegment.job(),
        lastSegment.status(),
        lastSegment.errorMessage(),
        segments.get(0).startMs(),
        segments.stream().mapToLong(RunRow::wallMs).sum(),
        energyJ,
        co2,
        segments.stream().mapToDouble(RunRow::cpuSeconds).sum(),
        segments.stream().mapToLong(RunRow::taskCount).sum(),
        lastSegment.methods(),
        phases,
        walls,
        lastSegment.pue(),
        energyJ > 0
            ? co2 / (energyJ / 3.6e6 * lastSegment.pue())
            : lastSegment.gridIntensityGPerKwh(),
        lastSegment.region(),
        lastSegment.intensitySource(),
        lastSegment.optionsJson(),
        lastSegment.attributes());
  }

  /** The run's phases in the order they ran (then time outside them), and its total last. */
  public static List<Line> lines(Run r, List<EnergyRow> parts) {
    Map<String, List<EnergyRow>> byPhase = new LinkedHashMap<>();
    for (String p : r.phases()) {
      byPhase.computeIfAbsent(p, k -> new ArrayList<>());
    }
    for (EnergyRow e : parts) {
      byPhase
          .computeIfAbsent(e.phase() == null ? OUTSIDE_PHASES : e.phase(), k -> new ArrayList<>())
          .add(e);
    }
    List<Line> out = new ArrayList<>();
    long inPhases = r.phaseWallMs().values().stream().mapToLong(Long::longValue).sum();
    for (Map.Entry<String, List<EnergyRow>> e : byPhase.entrySet()) {
      Long wall = r.phaseWallMs().get(e.getKey());
      out.add(
          line(e.getKey(), wall != null ? wall : Math.max(0, r.wallMs() - inPhases), e.getValue()));
    }
    out.add(line(TOTAL, r.wallMs(), parts));
    return out;
  }

  /** A row of the phase table, its header's included. */
  private static final String PHASE_ROW = "  %-22s %9s %9s %11s %10s  %s%n";

  private static void format(StringBuilder sb, Run r, List<RunRow> segments, List<Line> lines) {
    sb.append(
        f(
            "run %s  job %s  status %s  started %s%s%n",
            r.runId(),
            r.job(),
            r.status(),
            Instant.ofEpochMilli(r.startMs()),
            segments.isEmpty() ? "" : "  (" + segments.size() + " segments)"));
    for (int i = 0; i < segments.size(); i++) {
      RunRow s = segments.get(i);
      sb.append(
          f(
              "  segment %d  started %s  wall_s %.2f  energy_Wh %.5f  co2e_g %.4f  %s%s%n",
              i + 1,
              Instant.ofEpochMilli(s.startMs()),
              s.wallMs() / 1000.0,
              s.energyJ() / 3600.0,
              s.co2eG(),
              s.status(),
              s.errorMessage() == null ? "" : ": " + s.errorMessage()));
    }
    if (r.error() != null && segments.isEmpty()) {
      sb.append("  error: ").append(r.error()).append('\n');
    }
    sb.append(f(PHASE_ROW, Line.HEADER.toArray()));
    for (Line l : lines) {
      sb.append(f(PHASE_ROW, l.cells().toArray()));
    }
    sb.append(
        f(
            "  tasks %d; grid %s gCO2e/kWh (%s), region %s, PUE %s%n",
            r.tasks(), r.intensityText(), r.source(), r.region(), r.pueText()));
    predictions(sb, r.attributes());
    sb.append('\n');
  }

  /** The scoring figures a score run recorded, when it did. */
  private static void predictions(StringBuilder sb, Map<String, String> attributes) {
    String predictions = attributes.get(JobRun.PREDICTIONS);
    String joules = attributes.get(LedgerRecorder.ENERGY_PER_1000_PREDICTIONS);
    String carbon = attributes.get(LedgerRecorder.CO2E_PER_1000_PREDICTIONS);
    if (predictions != null && joules != null && carbon != null) {
      sb.append(
          f(
              "  predictions %,d: %.4f J and %.6f gCO2e per 1,000 predictions%n",
              Long.parseLong(predictions), Double.parseDouble(joules), Double.parseDouble(carbon)));
    }
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static Line line(String name, long wallMs, List<EnergyRow> parts) {
    double cpu =
        parts.stream()
            .filter(p -> "cpu".equals(p.component()))
            .mapToDouble(EnergyRow::cpuSeconds)
            .sum();
    double j = parts.stream().mapToDouble(EnergyRow::energyJ).sum();
    double g = parts.stream().mapToDouble(EnergyRow::co2eG).sum();
    Map<String, TreeSet<String>> methods = new TreeMap<>();
    parts.forEach(
        p -> methods.computeIfAbsent(p.component(), k -> new TreeSet<>()).add(p.method()));
    List<String> m = new ArrayList<>();
    methods.forEach((k, v) -> m.add(k + "=" + String.join("+", v)));
    return new Line(name, wallMs, cpu, j, g, String.join(", ", m));
  }
}
