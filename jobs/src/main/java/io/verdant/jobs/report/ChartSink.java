package io.verdant.jobs.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * Where charts go: each is drawn to a PNG under {@code img/} of the report being written, its
 * numbers are kept for {@code charts.json}, and the HTML that shows it is returned.
 */
final class ChartSink {
  static final String IMG_DIR = "img";

  private final FileSystem fs;
  private final Path dir;
  private final List<ChartNumbers> charts = new ArrayList<>();
  private final Set<String> files = new HashSet<>();

  ChartSink(FileSystem fs, Path dir) {
    this.fs = fs;
    this.dir = dir;
  }

  /** Draws the chart at width x height pixels and returns a figure showing it, with a caption. */
  String figure(
      String section, String id, JFreeChart chart, int width, int height, String caption) {
    Palette.apply(chart);
    String png = IMG_DIR + "/" + fileName(id) + ".png";
    try (OutputStream out = Report.create(fs, new Path(dir, png))) {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the chart " + new Path(dir, png), e);
    }
    charts.add(ChartNumbers.of(id, section, png, width, height, chart));
    String title = chart.getTitle() == null ? id : chart.getTitle().getText();
    return "<figure><img src=\""
        + Html.escape(png)
        + "\" width=\""
        + width
        + "\" height=\""
        + height
        + "\" alt=\""
        + Html.escape(title)
        + "\"><figcaption>"
        + Html.escape(caption)
        + "</figcaption></figure>\n";
  }

  /**
   * A file name for a chart id: ids hold run ids and job names, and a job recorded by the Spark
   * plugin is named by its application, which may hold any character; those outside a safe set
   * become '-', and a clash gets a number.
   */
  private String fileName(String id) {
    String base = id.replaceAll("[^A-Za-z0-9._-]", "-");
    String name = base;
    for (int n = 2; !files.add(name); n++) {
      name = base + "-" + n;
    }
    return name;
  }

  List<ChartNumbers> charts() {
    return List.copyOf(charts);
  }
}
