package io.verdant.jobs.report;

import io.verdant.common.ledger.LedgerRecorder;
import io.verdant.jobs.registry.RunAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.PlotOrientation;

/**
 * Scoring, from the ledger's score runs: the IT energy and the carbon of 1,000 predictions with
 * each model scored, dense against compressed (the run's totals over the rows it scored, as the
 * ledger recorded them when the run ended), and the rows each run scored per second of its {@code
 * score} phase.
 */
final class ScoringSection extends Section {
  /** Model kinds in a fixed order, so each keeps its fill in every chart. */
  static final List<String> KINDS = List.of("dense", "compressed");

  /** The score job's attributes the section reads (ScoreJob records them). */
  private static final String KIND = "modelKind";

  private static final String ENGINE = "engine";
  private static final String DATASET = "dataset";
  private static final String ACCURACY = "accuracy";

  /** The score job's phase that reads, scores and writes the rows. */
  private static final String SCORE_PHASE = "score";

  private static final List<String> HEADER =
      List.of(
          "run",
          "model",
          "kind (engine)",
          "predictions",
          "accuracy_%",
          "J_per_1000",
          "co2e_g_per_1000",
          "rows_per_s");
  private static final List<Integer> NUMERIC = List.of(3, 4, 5, 6, 7);

  ScoringSection() {
    super("scoring", "Scoring");
  }

  @Override
  void render(ReportData data, ChartSink charts, StringBuilder b) {
    List<RunData> runs =
        data.ofJob(RunAttributes.SCORE_JOB).stream().filter(ScoringSection::priced).toList();
    if (runs.isEmpty()) {
      return;
    }
    comparison(runs).map(Html::paragraph).ifPresent(b::append);
    b.append(
        figure(
            charts,
            "-per-1000",
            chart(runs),
            200 + 60 * runs.size(),
            "Each score run, oldest at the top, by the kind of model it scored: the IT energy (J, before PUE) and the"
                + " carbon (g CO2e) of 1,000 predictions, the run's totals over the rows it scored"
                + (rates(runs) ? ", and the rows it scored per second of its score phase." : ".")));
    List<List<String>> rows = new ArrayList<>();
    runs.forEach(d -> rows.add(row(d)));
    b.append(Html.table(HEADER, rows, NUMERIC));
  }

  /**
   * A score run that made predictions and has its energy and carbon per 1,000 of them in the
   * ledger.
   */
  static boolean priced(RunData d) {
    return predictions(d) > 0
        && Double.isFinite(joulesPer1000(d))
        && Double.isFinite(co2ePer1000(d));
  }

  static long predictions(RunData d) {
    try {
      return Long.parseLong(attribute(d, RunAttributes.PREDICTIONS, "0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static double joulesPer1000(RunData d) {
    return number(d, LedgerRecorder.ENERGY_PER_1000_PREDICTIONS);
  }

  static double co2ePer1000(RunData d) {
    return number(d, LedgerRecorder.CO2E_PER_1000_PREDICTIONS);
  }

  /** The run's kind of model: dense or compressed. */
  static String kind(RunData d) {
    return attribute(d, KIND, "model");
  }

  /** Rows scored per second of the score phase; NaN without the phase's time. */
  static double rowsPerSecond(RunData d) {
    Long ms = d.run().phaseWallMs().get(SCORE_PHASE);
    return ms == null || ms <= 0 ? Double.NaN : predictions(d) / (ms / 1000.0);
  }

  /** The model as the registry names it (name/version), else its name. */
  static String model(RunData d) {
    String name = attribute(d, RunAttributes.MODEL_NAME, attribute(d, "model", ""));
    String version = d.run().attributes().get(RunAttributes.MODEL_VERSION);
    return version == null ? name : name + "/" + version;
  }

  private static String attribute(RunData d, String key, String otherwise) {
    return d.run().attributes().getOrDefault(key, otherwise);
  }

  private static double number(RunData d, String key) {
    try {
      return Double.parseDouble(attribute(d, key, "NaN"));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static boolean rates(List<RunData> runs) {
    return runs.stream().allMatch(d -> Double.isFinite(rowsPerSecond(d)));
  }

  private static int fill(String kind) {
    int i = KINDS.indexOf(kind);
    return i >= 0 ? i : KINDS.size();
  }

  private static JFreeChart chart(List<RunData> runs) {
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("run"));
    CategoryPlot energy =
        ComparisonSection.bars(
            runs,
            ScoringSection::kind,
            ScoringSection::fill,
            "J per 1,000 predictions",
            ScoringSection::joulesPer1000,
            "0.0000");
    plot.add(energy, 1);
    plot.add(
        ComparisonSection.bars(
            runs,
            ScoringSection::kind,
            ScoringSection::fill,
            "g CO2e per 1,000 predictions",
            ScoringSection::co2ePer1000,
            "0.000000"),
        1);
    if (rates(runs)) {
      plot.add(
          ComparisonSection.bars(
              runs,
              ScoringSection::kind,
              ScoringSection::fill,
              "rows per second (score phase)",
              ScoringSection::rowsPerSecond,
              "#,##0"),
          1);
    }
    // Every part shows the same kinds: one legend.
    plot.setFixedLegendItems(energy.getLegendItems());
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setGap(Palette.PART_GAP);
    return new JFreeChart(
        "Energy and carbon per 1,000 predictions, and rows scored per second",
        Palette.TITLE,
        plot,
        true);
  }

  /**
   * With one dense and one compressed run over the same input: the compressed model's energy per
   * 1,000 predictions against the dense model's.
   */
  private static Optional<String> comparison(List<RunData> runs) {
    List<RunData> dense = runs.stream().filter(d -> KINDS.get(0).equals(kind(d))).toList();
    List<RunData> compressed = runs.stream().filter(d -> KINDS.get(1).equals(kind(d))).toList();
    if (dense.size() != 1
        || compressed.size() != 1
        || predictions(dense.get(0)) != predictions(compressed.get(0))
        || !Objects.equals(
            dense.get(0).run().attributes().get(DATASET),
            compressed.get(0).run().attributes().get(DATASET))) {
      return Optional.empty();
    }
    RunData d = dense.get(0);
    RunData c = compressed.get(0);
    return Optional.of(
        String.format(
            Locale.ROOT,
            "1,000 predictions of the compressed model %s (run %s) took %.4f J, %.2f times the %.4f J"
                + " of the dense model %s (run %s), over the same %,d rows.",
            model(c),
            c.id(),
            joulesPer1000(c),
            joulesPer1000(c) / joulesPer1000(d),
            joulesPer1000(d),
            model(d),
            d.id(),
            predictions(d)));
  }

  private static List<String> row(RunData d) {
    double accuracy = number(d, ACCURACY);
    double rate = rowsPerSecond(d);
    return List.of(
        d.id(),
        model(d),
        kind(d) + " (" + attribute(d, ENGINE, "") + ")",
        String.format(Locale.ROOT, "%,d", predictions(d)),
        Double.isFinite(accuracy) ? String.format(Locale.ROOT, "%.2f", 100 * accuracy) : "",
        String.format(Locale.ROOT, "%.4f", joulesPer1000(d)),
        String.format(Locale.ROOT, "%.6f", co2ePer1000(d)),
        Double.isFinite(rate) ? String.format(Locale.ROOT, "%,.0f", rate) : "");
  }
}
