package io.verdant.jobs.report;

import io.verdant.common.ledger.LedgerSummary.Line;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row per run, its figures exactly as {@code verdant ledger show} prints them, then each run's
 * phases.
 */
final class SummarySection extends Section {
  static final List<String> HEADER =
      List.of(
          "run",
          "job",
          "status",
          "started (UTC)",
          "wall_s",
          "cpu_s",
          "energy_Wh",
          "co2e_g",
          "methods");
  private static final List<Integer> NUMERIC = List.of(4, 5, 6, 7);
  private static final List<String> CARBON_HEADER =
      List.of("run", "PUE", "grid gCO2e/kWh", "region", "intensity source");
  private static final DateTimeFormatter STARTED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  SummarySection() {
    super("summary", "Summary");
  }

  @Override
  void render(ReportData data, ChartSink charts, StringBuilder html) {
    List<List<String>> rows = new ArrayList<>();
    List<List<String>> carbon = new ArrayList<>();
    StringBuilder phases = new StringBuilder();
    for (RunData d : data.runs()) {
      rows.add(row(d.run(), d.total()));
      carbon.add(carbonRow(d.run()));
      phases.append(phases(d));
    }
    html.append(
        "<p>Figures as <code>verdant ledger show</code> prints them: wall time and CPU time in seconds,"
            + " IT energy in Wh (before PUE), carbon in g CO2e (energy x PUE x grid intensity), and the method behind each"
            + " component's energy.</p>\n"
            + Html.table(HEADER, rows, NUMERIC)
            + "<h3>Carbon accounting</h3>\n"
            + Html.table(CARBON_HEADER, carbon, List.of(1, 2))
            + "<h3>Phases</h3>\n<p>Each run per phase, as <code>verdant ledger show --run</code> prints it (open a run to see"
            + " its phases).</p>\n"
            + phases);
  }

  /** A run's row of the summary table: the run, then its total as {@code ledger show} prints it. */
  private static List<String> row(Run r, Line t) {
    return List.of(
        r.runId(),
        r.job(),
        r.status(),
        STARTED.format(Instant.ofEpochMilli(r.startMs())),
        t.wallText(),
        t.cpuText(),
        t.energyWhText(),
        t.co2eText(),
        t.methods());
  }

  /** A run's row of the carbon accounting table. */
  private static List<String> carbonRow(Run r) {
    return List.of(
        r.runId(),
        r.pueText(),
        r.intensityText(),
        String.valueOf(r.region()),
        String.valueOf(r.source()));
  }

  /** A run's phases, as a table that opens under a line naming the run. */
  private static String phases(RunData d) {
    Run r = d.run();
    StringBuilder b =
        new StringBuilder("<details><summary>")
            .append(Html.escape(r.runId()))
            .append(": ")
            .append(Html.escape(r.job()))
            .append(", ")
            .append(r.tasks())
            .append(" Spark tasks</summary>\n");
    if (r.error() != null) {
      b.append("<p class=\"error\">error: ").append(Html.escape(r.error())).append("</p>\n");
    }
    List<List<String>> lines = d.lines().stream().map(Line::cells).toList();
    return b.append(Html.table(Line.HEADER, lines, List.of(1, 2, 3, 4)))
        .append("</details>\n")
        .toString();
  }
}
