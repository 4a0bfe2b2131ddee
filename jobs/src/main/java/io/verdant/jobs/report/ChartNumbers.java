package io.verdant.jobs.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.IntervalXYDataset;
import org.jfree.data.xy.XYDataset;

/**
 * Every number a chart draws, read back from the chart's own datasets (so the JSON cannot disagree
 * with the picture): per series, its points with their category or x (and x end for intervals) and
 * y, in the units of the axis named beside them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChartNumbers(
    String id,
    String section,
    String title,
    String png,
    int width,
    int height,
    String xAxis,
    List<String> yLabels,
    List<Series> series) {

  /**
   * One series: its name, the label (with unit) of the value axis it is drawn against, and its
   * points.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Series(String name, String axis, List<Point> points) {}

  /**
   * A category bar ({@code category}, {@code y}), an x-y point ({@code x}, {@code y}) or an
   * interval ({@code x} to {@code xEnd} at {@code y}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Point(String category, Double x, Double xEnd, double y) {}

  static ChartNumbers of(
      String id, String section, String png, int width, int height, JFreeChart chart) {
    List<Series> series = new ArrayList<>();
    Plot plot = chart.getPlot();
    collect(plot, series);
    String title = chart.getTitle() == null ? null : chart.getTitle().getText();
    return new ChartNumbers(
        id, section, title, png, width, height, xAxis(plot), symbols(plot), series);
  }

  private static void collect(Plot plot, List<Series> out) {
    if (plot instanceof CombinedDomainCategoryPlot c) {
      for (Object p : c.getSubplots()) {
        collect((Plot) p, out);
      }
    } else if (plot instanceof CombinedDomainXYPlot c) {
      for (Object p : c.getSubplots()) {
        collect((Plot) p, out);
      }
    } else if (plot instanceof CategoryPlot p) {
      for (int d = 0; d < p.getDatasetCount(); d++) {
        if (p.getDataset(d) != null) {
          categories(p.getDataset(d), p.getRangeAxisForDataset(d).getLabel(), out);
        }
      }
    } else if (plot instanceof XYPlot p) {
      for (int d = 0; d < p.getDatasetCount(); d++) {
        if (p.getDataset(d) != null) {
          // Bars (the timeline) draw each item's x interval; lines and points draw x itself.
          xy(
              p.getDataset(d),
              p.getRangeAxisForDataset(d).getLabel(),
              p.getRendererForDataset(p.getDataset(d)) instanceof XYBarRenderer,
              out);
        }
      }
    }
  }

  private static void categories(CategoryDataset d, String axis, List<Series> out) {
    for (int r = 0; r < d.getRowCount(); r++) {
      List<Point> points = new ArrayList<>();
      for (int c = 0; c < d.getColumnCount(); c++) {
        Number v = d.getValue(r, c);
        if (v != null) {
          points.add(new Point(String.valueOf(d.getColumnKey(c)), null, null, v.doubleValue()));
        }
      }
      out.add(new Series(String.valueOf(d.getRowKey(r)), axis, points));
    }
  }

  private static void xy(XYDataset d, String axis, boolean bars, List<Series> out) {
    boolean intervals = bars && d instanceof IntervalXYDataset;
    for (int s = 0; s < d.getSeriesCount(); s++) {
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < d.getItemCount(s); i++) {
        if (intervals) {
          IntervalXYDataset iv = (IntervalXYDataset) d;
          points.add(
              new Point(null, iv.getStartXValue(s, i), iv.getEndXValue(s, i), d.getYValue(s, i)));
        } else {
          points.add(new Point(null, d.getXValue(s, i), null, d.getYValue(s, i)));
        }
      }
      out.add(new Series(String.valueOf(d.getSeriesKey(s)), axis, points));
    }
  }

  private static String xAxis(Plot plot) {
    if (plot instanceof CategoryPlot p) {
      return p.getDomainAxis().getLabel();
    }
    return plot instanceof XYPlot p ? p.getDomainAxis().getLabel() : null;
  }

  /** The names of a symbol axis's values (the executor task slots of a timeline), else null. */
  private static List<String> symbols(Plot plot) {
    if (plot instanceof XYPlot p) {
      ValueAxis a = p.getRangeAxis();
      if (a instanceof SymbolAxis s) {
        return List.of(s.getSymbols());
      }
    }
    return null;
  }
}
