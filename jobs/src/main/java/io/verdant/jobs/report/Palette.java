package io.verdant.jobs.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.TexturePaint;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.title.LegendTitle;

/**
 * The report's look: fonts large enough to read at the image's own size, and series told apart by
 * shade and pattern (bars) or by dash and marker shape (lines) as well as by hue, so a chart
 * printed in greyscale or seen with colour blindness still reads. Hues are the Okabe-Ito palette,
 * ordered so neighbours differ in lightness.
 */
final class Palette {
  /** Okabe-Ito: blue, orange, bluish green, vermillion, sky blue, reddish purple, yellow, black. */
  private static final List<Color> HUES =
      List.of(
          new Color(0x0072B2),
          new Color(0xE69F00),
          new Color(0x009E73),
          new Color(0xD55E00),
          new Color(0x56B4E9),
          new Color(0xCC79A7),
          new Color(0xF0E442),
          new Color(0x444444));

  private static final int PATTERNS = 8;
  private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
  static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Color GRID = new Color(0xC8C8C8);

  /**
   * Pixels between side-by-side parts of one chart: room for the last tick label of one part and
   * the first of the next (at 24 they overlapped, e.g. "30" and "0.000").
   */
  static final double PART_GAP = 40;

  private Palette() {}

  /** The fill of bar series {@code i}: a hue with a pattern of its own drawn over it. */
  static Paint fill(int i) {
    Color base = HUES.get(i % HUES.size());
    int size = 8;
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(base);
    g.fillRect(0, 0, size, size);
    g.setColor(luminance(base) > 0.5 ? new Color(0, 0, 0, 150) : new Color(255, 255, 255, 190));
    g.setStroke(new BasicStroke(1.5f));
    switch (i % PATTERNS) {
      case 1 -> g.drawLine(0, size, size, 0);
      case 2 -> g.fill(new Ellipse2D.Double(2, 2, 3.5, 3.5));
      case 3 -> {
        g.drawLine(0, size, size, 0);
        g.drawLine(0, 0, size, size);
      }
      case 4 -> g.drawLine(0, size / 2, size, size / 2);
      case 5 -> g.drawLine(0, 0, size, size);
      case 6 -> g.drawLine(size / 2, 0, size / 2, size);
      case 7 -> {
        g.drawLine(0, size / 2, size, size / 2);
        g.drawLine(size / 2, 0, size / 2, size);
      }
      default -> {}
    }
    g.dispose();
    return new TexturePaint(img, new Rectangle(0, 0, size, size));
  }

  /**
   * A value axis fitted to its data rather than from zero, spanning at least {@code minimumRange}:
   * a single value (one epoch, runs of equal accuracy) otherwise gets a range of zero width and
   * unreadable ticks.
   */
  static NumberAxis fitted(String label, double minimumRange) {
    NumberAxis a = new NumberAxis(label);
    a.setAutoRangeIncludesZero(false);
    a.setAutoRangeMinimumSize(minimumRange);
    return a;
  }

  /**
   * A number format for labels and ticks, the same whatever the JVM's locale ({@code pattern}: a
   * DecimalFormat pattern).
   */
  static DecimalFormat number(String pattern) {
    return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT));
  }

  /** The colour of line series {@code i}. */
  static Color line(int i) {
    return HUES.get(i % HUES.size());
  }

  /** The stroke of line series {@code i}: solid, dashed, dotted or dash-dotted. */
  static Stroke stroke(int i) {
    float[] dash = DASHES[i % DASHES.length];
    return dash == null
        ? new BasicStroke(2.5f)
        : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f);
  }

  /** The marker of line series {@code i}: circle, square, triangle, diamond. */
  static Shape shape(int i) {
    double r = 4.5;
    return switch (i % 4) {
      case 1 -> new Rectangle2D.Double(-r, -r, 2 * r, 2 * r);
      case 2 -> triangle(r);
      case 3 -> diamond(r);
      default -> new Ellipse2D.Double(-r, -r, 2 * r, 2 * r);
    };
  }

  /**
   * Applies the fonts, white background, light grid and flat bars to a chart, leaving the series
   * paints the sections chose alone (a JFreeChart theme would reset them).
   */
  static void apply(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) {
      chart.getTitle().setFont(TITLE);
    }
    for (int i = 0; i < chart.getSubtitleCount(); i++) {
      if (chart.getSubtitle(i) instanceof LegendTitle legend) {
        legend.setItemFont(LABEL);
        legend.setBackgroundPaint(Color.WHITE);
      }
    }
    style(chart.getPlot());
  }

  private static void style(Plot plot) {
    plot.setBackgroundPaint(Color.WHITE);
    if (plot instanceof CombinedDomainCategoryPlot c) {
      for (Object p : c.getSubplots()) {
        style((Plot) p);
      }
    }
    if (plot instanceof CategoryPlot p) {
      axis(p.getDomainAxis());
      for (int i = 0; i < p.getRangeAxisCount(); i++) {
        axis(p.getRangeAxis(i));
      }
      p.setRangeGridlinePaint(GRID);
      p.setDomainGridlinePaint(GRID);
      p.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
      for (int i = 0; i < p.getRendererCount(); i++) {
        if (p.getRenderer(i) instanceof BarRenderer r) {
          r.setBarPainter(new StandardBarPainter());
          r.setShadowVisible(false);
        }
      }
    } else if (plot instanceof XYPlot p) {
      for (int i = 0; i < p.getDomainAxisCount(); i++) {
        axis(p.getDomainAxis(i));
      }
      for (int i = 0; i < p.getRangeAxisCount(); i++) {
        axis(p.getRangeAxis(i));
      }
      p.setRangeGridlinePaint(GRID);
      p.setDomainGridlinePaint(GRID);
      for (int i = 0; i < p.getRendererCount(); i++) {
        if (p.getRenderer(i) instanceof XYBarRenderer r) {
          r.setBarPainter(new StandardXYBarPainter());
          r.setShadowVisible(false);
        }
      }
    }
  }

  private static void axis(Axis a) {
    if (a != null) {
      a.setLabelFont(LABEL);
      a.setTickLabelFont(TICK);
      a.setLabelPaint(Color.BLACK);
      a.setTickLabelPaint(Color.BLACK);
    }
  }

  private static double luminance(Color c) {
    return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255.0;
  }

  private static Shape triangle(double r) {
    Path2D p = new Path2D.Double();
    p.moveTo(0, -r);
    p.lineTo(r, r);
    p.lineTo(-r, r);
    p.closePath();
    return p;
  }

  private static Shape diamond(double r) {
    Path2D p = new Path2D.Double();
    p.moveTo(0, -r - 1);
    p.lineTo(r + 1, 0);
    p.lineTo(0, r + 1);
    p.lineTo(-r - 1, 0);
    p.closePath();
    return p;
  }
}
