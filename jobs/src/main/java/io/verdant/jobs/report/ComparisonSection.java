package io.verdant.jobs.report;

import java.awt.Color;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Several runs of one job side by side (a week of daily trainings, say): energy and wall time of
 * each run, and the test accuracy of what it produced where it produced a model.
 */
final class ComparisonSection extends Section {
  ComparisonSection() {
    super("runs", "Runs of the same job side by side");
  }

  @Override
  void render(ReportData data, ChartSink charts, StringBuilder b) {
    for (String job : new TreeSet<>(data.runs().stream().map(d -> d.run().job()).toList())) {
      List<RunData> runs = data.ofJob(job);
      if (runs.size() > 1) {
        b.append(
            figure(
                charts,
                "-" + job,
                chart(job, runs),
                170 + 40 * runs.size(),
                "The "
                    + runs.size()
                    + " "
                    + job
                    + " runs, oldest at the top: IT energy (Wh, before PUE), wall time"
                    + (accuracies(runs) ? " and test accuracy." : ".")));
      }
    }
  }

  private static JFreeChart chart(String job, List<RunData> runs) {
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("run"));
    plot.add(bars(runs, "energy", "energy (Wh)", d -> d.total().energyWh(), 0, "0.00000"), 1);
    plot.add(
        bars(runs, "wall time", "wall time (s)", d -> d.total().wallMs() / 1000.0, 1, "0.00"), 1);
    if (accuracies(runs)) {
      plot.add(
          bars(runs, "test accuracy", "test accuracy (%)", d -> 100 * d.testAccuracy(), 2, "0.00"),
          1);
    }
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setGap(Palette.PART_GAP);
    return new JFreeChart("Runs of " + job, Palette.TITLE, plot, false);
  }

  private static boolean accuracies(List<RunData> runs) {
    return runs.stream().allMatch(d -> d.testAccuracy() != null);
  }

  /**
   * One bar per run, labelled with its value ({@code format}: a DecimalFormat pattern), so close
   * values read exactly.
   */
  static CategoryPlot bars(
      List<RunData> runs,
      String series,
      String axis,
      ToDoubleFunction<RunData> value,
      int fill,
      String format) {
    return bars(runs, d -> series, s -> fill, axis, value, format);
  }

  /**
   * One bar per run, in the series {@code series} puts it in (drawn with the fill {@code fill}
   * gives that series' name), labelled with its value ({@code format}: a DecimalFormat pattern).
   */
  static CategoryPlot bars(
      List<RunData> runs,
      Function<RunData, String> series,
      ToIntFunction<String> fill,
      String axis,
      ToDoubleFunction<RunData> value,
      String format) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    runs.forEach(d -> ds.addValue(value.applyAsDouble(d), series.apply(d), d.id()));
    // Stacked, a run's one bar takes its row's full width whichever series holds it.
    StackedBarRenderer r = new StackedBarRenderer();
    for (int i = 0; i < ds.getRowCount(); i++) {
      r.setSeriesPaint(i, Palette.fill(fill.applyAsInt(String.valueOf(ds.getRowKey(i)))));
      r.setSeriesOutlinePaint(i, Color.DARK_GRAY);
    }
    r.setDrawBarOutline(true);
    r.setMaximumBarWidth(0.6);
    r.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}", Palette.number(format)));
    r.setDefaultItemLabelsVisible(true);
    r.setDefaultItemLabelFont(Palette.TICK);
    // The bars run left to right: each value just past the end of its bar.
    r.setDefaultPositiveItemLabelPosition(
        new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
    NumberAxis a = new NumberAxis(axis);
    a.setUpperMargin(0.4);
    return new CategoryPlot(ds, null, a, r);
  }
}
