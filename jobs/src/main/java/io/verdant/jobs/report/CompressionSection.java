package io.verdant.jobs.report;

import io.verdant.jobs.compress.CompressionReport;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardXYItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
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
 * Compression, from each compress run's report.json: per-layer sensitivity curves, test accuracy
 * against size at each stage, and the bytes each parameter array takes in the file against its
 * dense float32 size.
 */
final class CompressionSection extends PerRunSection {
  CompressionSection() {
    super("compression", "Compression", d -> d.compression() != null);
  }

  @Override
  String run(RunData d, ChartSink charts) {
    CompressionReport c = d.compression();
    StringBuilder b =
        new StringBuilder(
            Html.paragraph(
                String.format(
                    Locale.ROOT,
                    "Run %s compressed %s (%,d parameters) %.1fx: %,d bytes dense float32 to a %,d-byte file; test accuracy %.2f%%"
                        + " before, %.2f%% after decoding.",
                    d.id(),
                    c.architecture(),
                    c.parameters(),
                    c.compressionRatio(),
                    c.denseFloat32Bytes(),
                    c.fileBytes(),
                    100 * c.testAccuracy().beforeCompression(),
                    100 * c.testAccuracy().afterDecoding())));
    if (c.sensitivity() != null && !c.sensitivity().validationAccuracy().isEmpty()) {
      b.append(
          figure(
              charts,
              "-sensitivity-" + d.id(),
              sensitivity(d),
              440,
              "Validation accuracy with one layer pruned alone to each sparsity, no retraining; the dashed line is the"
                  + " unpruned model."));
    }
    b.append(
        figure(
            charts,
            "-stages-" + d.id(),
            stages(d),
            420,
            "Test accuracy against size at each stage (size on a log scale). The pruned and retrained model is not stored,"
                + " so its size is not recorded: its accuracy is the dotted line."));
    b.append(
        figure(
            charts,
            "-layers-" + d.id(),
            layers(d),
            150 + 44 * c.layers().size(),
            "Bytes of each parameter array: dense float32 (4 bytes per weight) and in the compressed file (log scale)."));
    return b.toString();
  }

  private static JFreeChart sensitivity(RunData d) {
    CompressionReport.Sensitivity s = d.compression().sensitivity();
    XYSeriesCollection ds = new XYSeriesCollection();
    for (Map.Entry<String, double[]> layer : s.validationAccuracy().entrySet()) {
      XYSeries series = new XYSeries(layer.getKey());
      for (int i = 0; i < layer.getValue().length; i++) {
        series.add(100 * s.sparsities().get(i), 100 * layer.getValue()[i]);
      }
      ds.addSeries(series);
    }
    XYPlot plot =
        new XYPlot(
            ds,
            new NumberAxis("sparsity: weights of the layer pruned (%)"),
            Palette.fitted("validation accuracy (%)", 1.0),
            lines(ds.getSeriesCount()));
    plot.addRangeMarker(marker(100 * s.validationAccuracyUnpruned(), "unpruned", 1));
    return new JFreeChart("Sensitivity of each layer, run " + d.id(), Palette.TITLE, plot, true);
  }

  private static JFreeChart stages(RunData d) {
    CompressionReport c = d.compression();
    CompressionReport.TestAccuracy a = c.testAccuracy();
    XYSeriesCollection ds = new XYSeriesCollection();
    ds.addSeries(point("dense float32", c.denseFloat32Bytes(), a.beforeCompression()));
    ds.addSeries(
        point(
            "pruned, retrained and quantized: parameter blocks",
            c.parameterBlocksBytes(),
            a.afterQuantization()));
    ds.addSeries(point("file, decoded", c.fileBytes(), a.afterDecoding()));
    XYLineAndShapeRenderer r = lines(ds.getSeriesCount());
    r.setDefaultLinesVisible(false);
    for (int i = 0; i < ds.getSeriesCount(); i++) {
      r.setSeriesShape(i, scaled(Palette.shape(i)));
    }
    r.setDefaultItemLabelGenerator(
        new StandardXYItemLabelGenerator("{2}%", Palette.number("#,##0"), Palette.number("0.00")));
    r.setDefaultItemLabelsVisible(true);
    r.setDefaultItemLabelFont(Palette.TICK);
    // The parameter blocks and the file are close in size: one label below its point, the others
    // above.
    r.setSeriesPositiveItemLabelPosition(
        1, new ItemLabelPosition(ItemLabelAnchor.OUTSIDE6, TextAnchor.TOP_CENTER));
    LogAxis size = logAxis("size (bytes, log scale)");
    size.setLowerBound(Math.pow(10, Math.floor(Math.log10(c.parameterBlocksBytes() / 1.2))));
    size.setUpperBound(c.denseFloat32Bytes() * 2.5);
    NumberAxis acc = new NumberAxis("test accuracy (%)");
    // The range holds every stage's accuracy, the marked pruned-and-retrained one too (markers do
    // not widen it).
    double lo =
        100
            * Math.min(
                Math.min(a.beforeCompression(), a.afterPruningAndRetraining()), a.afterDecoding());
    double hi =
        100
            * Math.max(
                Math.max(a.beforeCompression(), a.afterPruningAndRetraining()), a.afterDecoding());
    double pad = Math.max(0.2, (hi - lo) * 0.15);
    acc.setRange(lo - pad, hi + pad);
    XYPlot plot = new XYPlot(ds, size, acc, r);
    plot.addRangeMarker(
        marker(100 * a.afterPruningAndRetraining(), "pruned and retrained (size not recorded)", 2));
    return new JFreeChart("Accuracy against size, run " + d.id(), Palette.TITLE, plot, true);
  }

  private static JFreeChart layers(RunData d) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    for (CompressionReport.LayerRow l : d.compression().layers()) {
      ds.addValue(4.0 * l.weights(), "dense float32", l.tensor());
      ds.addValue(l.bytes(), "in the file", l.tensor());
    }
    BarRenderer r = new BarRenderer();
    for (int i = 0; i < ds.getRowCount(); i++) {
      r.setSeriesPaint(i, Palette.fill(i));
      r.setSeriesOutlinePaint(i, Color.DARK_GRAY);
    }
    r.setDrawBarOutline(true);
    LogAxis bytes = logAxis("bytes (log scale)");
    CategoryPlot plot = new CategoryPlot(ds, new CategoryAxis("parameter array"), bytes, r);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    return new JFreeChart("Bytes per parameter array, run " + d.id(), Palette.TITLE, plot, true);
  }

  /** A base-10 log axis with ticks at the powers of ten, labelled as plain numbers. */
  private static LogAxis logAxis(String label) {
    LogAxis a = new LogAxis(label);
    a.setSmallestValue(1);
    a.setTickUnit(new NumberTickUnit(1));
    a.setNumberFormatOverride(Palette.number("#,##0"));
    a.setMinorTickCount(9);
    a.setMinorTickMarksVisible(true);
    return a;
  }

  private static XYSeries point(String name, long bytes, double accuracy) {
    XYSeries s = new XYSeries(name);
    s.add(bytes, 100 * accuracy);
    return s;
  }

  private static XYLineAndShapeRenderer lines(int series) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, Palette.line(i));
      r.setSeriesStroke(i, Palette.stroke(i));
      r.setSeriesShape(i, Palette.shape(i));
    }
    return r;
  }

  private static Shape scaled(Shape s) {
    return AffineTransform.getScaleInstance(1.8, 1.8).createTransformedShape(s);
  }

  private static ValueMarker marker(double value, String label, int style) {
    ValueMarker m = new ValueMarker(value, Color.BLACK, Palette.stroke(style));
    m.setLabel(String.format(Locale.ROOT, "%s %.2f%%", label, value));
    m.setLabelFont(Palette.TICK);
    m.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    return m;
  }
}
