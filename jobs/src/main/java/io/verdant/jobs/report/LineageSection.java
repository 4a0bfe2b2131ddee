package io.verdant.jobs.report;

import io.verdant.jobs.registry.ModelFootprint.Scoring;
import io.verdant.jobs.registry.ModelFootprint.StepCost;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Model lineage, from the registry ({@code --models}): each model version the reported runs
 * registered, with the energy and CO2e of the runs that produced it (ingest, train, compress) and
 * of the score runs that used it since, as the ledger recorded them.
 */
final class LineageSection extends Section {
  private static final String SCORE = "score";
  private static final List<String> STEPS = List.of("ingest", "train", "compress", SCORE);
  private static final List<String> HEADER =
      List.of("model version", "step", "run", "status", "energy_Wh", "co2e_g");

  /**
   * One row of the table and one stacked part of a bar: a run that produced the model, or its score
   * runs.
   */
  private record Step(String step, String run, String status, double energyJ, double co2eG) {}

  LineageSection() {
    super("lineage", "Model lineage");
  }

  @Override
  void render(ReportData data, ChartSink charts, StringBuilder html) {
    if (data.lineage().isEmpty()) {
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ModelLineage m : data.lineage()) {
      for (Step s : steps(m)) {
        rows.add(
            List.of(
                m.label(),
                s.step(),
                s.run(),
                s.status(),
                String.format(Locale.ROOT, "%.5f", s.energyJ() / 3600.0),
                String.format(Locale.ROOT, "%.4f", s.co2eG())));
      }
    }
    html.append(
            figure(
                charts,
                "-models",
                chart(data.lineage()),
                190 + 56 * data.lineage().size(),
                "Each model version's lineage: the IT energy (Wh, before PUE) and carbon (g CO2e) of the runs that produced it and of the score runs that used it."))
        .append(Html.table(HEADER, rows, List.of(4, 5)));
  }

  /** The runs that produced the version, then its score runs together when it was scored. */
  private static List<Step> steps(ModelLineage m) {
    List<Step> steps = new ArrayList<>();
    for (StepCost s : m.footprint().lineage()) {
      steps.add(
          new Step(
              s.step(),
              s.runId(),
              s.inLedger() ? s.status() : "not in the ledger",
              s.energyJ(),
              s.co2eG()));
    }
    Scoring sc = m.footprint().scoring();
    if (sc.runs() > 0) {
      String runs =
          String.format(
              Locale.ROOT,
              "%d run%s, %,d predictions",
              sc.runs(),
              sc.runs() == 1 ? "" : "s",
              sc.predictions());
      steps.add(new Step(SCORE, runs, "succeeded", sc.energyJ(), sc.co2eG()));
    }
    return steps;
  }

  private static JFreeChart chart(List<ModelLineage> models) {
    CombinedDomainCategoryPlot plot =
        new CombinedDomainCategoryPlot(new CategoryAxis("model version"));
    CategoryPlot energy = stacked(models, "energy (Wh)", s -> s.energyJ() / 3600.0);
    plot.add(energy, 1);
    plot.add(stacked(models, "carbon (g CO2e)", Step::co2eG), 1);
    // Both parts show the same steps: one legend.
    plot.setFixedLegendItems(energy.getLegendItems());
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setGap(Palette.PART_GAP);
    return new JFreeChart("Energy and carbon of each model's lineage", Palette.TITLE, plot, true);
  }

  private static CategoryPlot stacked(
      List<ModelLineage> models, String axis, ToDoubleFunction<Step> value) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    for (String step : STEPS) {
      for (ModelLineage m : models) {
        double v = steps(m).stream().filter(s -> s.step().equals(step)).mapToDouble(value).sum();
        ds.addValue(v, step, m.label());
      }
    }
    StackedBarRenderer r = new StackedBarRenderer();
    for (int i = 0; i < STEPS.size(); i++) {
      r.setSeriesPaint(i, Palette.fill(i + 4));
      r.setSeriesOutlinePaint(i, Color.DARK_GRAY);
    }
    r.setDrawBarOutline(true);
    r.setMaximumBarWidth(0.5);
    return new CategoryPlot(ds, null, new NumberAxis(axis), r);
  }
}
