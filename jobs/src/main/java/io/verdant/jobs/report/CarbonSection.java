package io.verdant.jobs.report;

import java.awt.Color;
import java.text.SimpleDateFormat;
import java.util.Locale;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Carbon: each run's g CO2e as the ledger recorded it, and for runs accounted with a grid intensity
 * series, that series around the run with the run's time shaded.
 */
final class CarbonSection extends Section {
  CarbonSection() {
    super("carbon", "Carbon");
  }

  @Override
  void render(ReportData data, ChartSink charts, StringBuilder b) {
    b.append(
        figure(
            charts,
            "-co2e",
            co2e(data),
            150 + 34 * data.runs().size(),
            "g CO2e per run: IT energy x PUE x the grid intensity in force when it was used."));
    for (RunData d : data.runs()) {
      if (d.intensity() != null) {
        b.append(
            figure(
                charts,
                "-intensity-" + d.id(),
                intensity(d),
                420,
                "Grid intensity of "
                    + d.intensity().file()
                    + " around run "
                    + d.id()
                    + " (shaded); the dashed line is the run's"
                    + " energy-weighted mean intensity in the ledger."));
      }
    }
    if (data.runs().stream().allMatch(d -> d.intensity() == null)) {
      b.append(
          Html.paragraph(
              "Every run here was accounted with a constant grid intensity (see the Summary);"
                  + " a run given --grid-intensity-csv shows its series here."));
    }
  }

  private static JFreeChart co2e(ReportData data) {
    DefaultCategoryDataset ds = new DefaultCategoryDataset();
    data.runs().forEach(d -> ds.addValue(d.total().co2eG(), "CO2e", d.id()));
    BarRenderer r = new BarRenderer();
    r.setSeriesPaint(0, Palette.fill(3));
    r.setDrawBarOutline(true);
    r.setSeriesOutlinePaint(0, Color.DARK_GRAY);
    r.setMaximumBarWidth(0.6);
    CategoryPlot plot =
        new CategoryPlot(ds, new CategoryAxis("run"), new NumberAxis("carbon (g CO2e)"), r);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    return new JFreeChart("Carbon per run", Palette.TITLE, plot, false);
  }

  private static JFreeChart intensity(RunData d) {
    XYSeries s = new XYSeries("grid intensity (" + d.intensity().file() + ")");
    d.intensity().steps().forEach(step -> s.add(step.atMs(), step.gPerKwh()));
    XYStepRenderer r = new XYStepRenderer();
    r.setSeriesPaint(0, Palette.line(0));
    r.setSeriesStroke(0, Palette.stroke(0));
    DateAxis time = new DateAxis("time (UTC)");
    SimpleDateFormat f = new SimpleDateFormat("MM-dd HH:mm", Locale.ROOT);
    f.setTimeZone(TimeZone.getTimeZone("UTC"));
    time.setDateFormatOverride(f);
    time.setTimeZone(TimeZone.getTimeZone("UTC"));
    NumberAxis g = new NumberAxis("grid intensity (g CO2e/kWh)");
    g.setAutoRangeIncludesZero(true);
    XYPlot plot = new XYPlot(new XYSeriesCollection(s), time, g, r);
    long start = d.run().startMs();
    IntervalMarker run =
        new IntervalMarker(start, start + d.run().wallMs(), new Color(0, 0, 0, 45));
    run.setLabel("run " + d.id());
    run.setLabelFont(Palette.TICK);
    run.setLabelAnchor(RectangleAnchor.TOP_LEFT);
    run.setLabelTextAnchor(TextAnchor.TOP_LEFT);
    plot.addDomainMarker(run, Layer.BACKGROUND);
    ValueMarker mean = new ValueMarker(d.run().intensity(), Color.BLACK, Palette.stroke(1));
    mean.setLabel("run mean " + d.run().intensityText() + " g/kWh");
    mean.setLabelFont(Palette.TICK);
    mean.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
    mean.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
    plot.addRangeMarker(mean);
    return new JFreeChart("Grid intensity around " + d.id(), Palette.TITLE, plot, true);
  }
}
