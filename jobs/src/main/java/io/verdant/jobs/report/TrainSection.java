package io.verdant.jobs.report;

import io.verdant.jobs.model.EpochMetrics;
import io.verdant.jobs.model.ModelInfo;
import java.awt.Color;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training, from each train run's model.json: training loss and the validation metric per epoch
 * with the best epoch (the one model.zip holds) marked, then each epoch's time and energy.
 */
final class TrainSection extends PerRunSection {
  TrainSection() {
    super("train", "Training", d -> d.model() != null && !d.model().epochs().isEmpty());
  }

  @Override
  String run(RunData d, ChartSink charts) {
    ModelInfo m = d.model();
    String best =
        "best epoch "
            + m.training().bestEpoch()
            + (m.test() != null && m.test().accuracy() != null
                ? String.format(Locale.ROOT, ", test accuracy %.2f%%", 100 * m.test().accuracy())
                : "");
    return figure(
            charts,
            "-curves-" + d.id(),
            curves(d),
            440,
            m.architecture()
                + " trained by run "
                + d.id()
                + ": training loss (left axis) and validation metric (right axis) per"
                + " epoch; "
                + best
                + ".")
        + figure(
            charts,
            "-epochs-" + d.id(),
            epochs(d),
            energyKnown(m) ? 520 : 330,
            "Each epoch of run "
                + d.id()
                + ": wall time of training alone and with evaluation"
                + (energyKnown(m)
                    ? ", and the IT energy the run used during it (Wh, before PUE)."
                    : "."));
  }

  private static boolean energyKnown(ModelInfo m) {
    return m.epochs().stream().allMatch(e -> e.energyJ() != null);
  }

  private static JFreeChart curves(RunData d) {
    ModelInfo m = d.model();
    boolean accuracy = m.epochs().get(0).validationAccuracy() != null;
    XYPlot plot = new XYPlot();
    NumberAxis epoch = new NumberAxis("epoch");
    epoch.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    epoch.setRange(0.5, m.epochs().get(m.epochs().size() - 1).epoch() + 0.5);
    plot.setDomainAxis(epoch);
    plot.setDataset(0, series("training loss", m.epochs(), e -> e.trainLoss()));
    double maxLoss = m.epochs().stream().mapToDouble(EpochMetrics::trainLoss).max().orElse(1);
    NumberAxis loss = Palette.fitted("training loss", Math.max(1e-6, 0.05 * Math.abs(maxLoss)));
    plot.setRangeAxis(0, loss);
    plot.setRenderer(0, lines(0));
    if (accuracy || m.epochs().get(0).validationRmse() != null) {
      plot.setDataset(
          1,
          accuracy
              ? series("validation accuracy", m.epochs(), e -> 100 * e.validationAccuracy())
              : series("validation RMSE", m.epochs(), EpochMetrics::validationRmse));
      NumberAxis metric =
          accuracy
              ? Palette.fitted("validation accuracy (%)", 1.0)
              : Palette.fitted(
                  "validation RMSE",
                  Math.max(
                      1e-6,
                      0.05
                          * m.epochs().stream()
                              .mapToDouble(e -> e.validationRmse() == null ? 0 : e.validationRmse())
                              .max()
                              .orElse(1)));
      plot.setRangeAxis(1, metric);
      plot.setRangeAxisLocation(1, AxisLocation.BOTTOM_OR_RIGHT);
      plot.mapDatasetToRangeAxis(1, 1);
      plot.setRenderer(1, lines(1));
    }
    ValueMarker best = new ValueMarker(m.training().bestEpoch(), Color.BLACK, Palette.stroke(2));
    best.setLabel("best epoch " + m.training().bestEpoch());
    best.setLabelFont(Palette.TICK);
    best.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    best.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addDomainMarker(best);
    return new JFreeChart(
        "Training of " + d.id() + " (" + m.architecture() + ")", Palette.TITLE, plot, true);
  }

  private static XYSeriesCollection series(
      String name, List<EpochMetrics> epochs, Function<EpochMetrics, Double> value) {
    XYSeries s = new XYSeries(name);
    epochs.forEach(e -> s.add(e.epoch(), value.apply(e)));
    return new XYSeriesCollection(s);
  }

  private static XYLineAndShapeRenderer lines(int i) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    r.setSeriesPaint(0, Palette.line(i));
    r.setSeriesStroke(0, Palette.stroke(i));
    r.setSeriesShape(0, Palette.shape(i));
    return r;
  }

  private static JFreeChart epochs(RunData d) {
    ModelInfo m = d.model();
    DefaultCategoryDataset time = new DefaultCategoryDataset();
    for (EpochMetrics e : m.epochs()) {
      time.addValue(e.trainSeconds(), "training", Integer.valueOf(e.epoch()));
      time.addValue(e.epochSeconds(), "training and evaluation", Integer.valueOf(e.epoch()));
    }
    CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("epoch"));
    plot.add(new CategoryPlot(time, null, new NumberAxis("wall time (s)"), bars(2)), 1);
    if (energyKnown(m)) {
      DefaultCategoryDataset energy = new DefaultCategoryDataset();
      m.epochs()
          .forEach(
              e -> energy.addValue(e.energyJ() / 3600.0, "energy", Integer.valueOf(e.epoch())));
      BarRenderer r = bars(1);
      r.setSeriesPaint(0, Palette.fill(3));
      plot.add(new CategoryPlot(energy, null, new NumberAxis("energy (Wh)"), r), 1);
    }
    plot.setGap(16);
    return new JFreeChart("Epochs of " + d.id(), Palette.TITLE, plot, true);
  }

  private static BarRenderer bars(int series) {
    BarRenderer r = new BarRenderer();
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, Palette.fill(i));
      r.setSeriesOutlinePaint(i, Color.DARK_GRAY);
    }
    r.setDrawBarOutline(true);
    r.setItemMargin(0.05);
    return r;
  }
}
