package io.verdant.jobs.report;

import java.util.Optional;
import org.jfree.chart.JFreeChart;

/**
 * One section of the report; each is a class of its own, and shows nothing when its runs have
 * nothing for it.
 */
abstract class Section {
  /** The width of every chart in the report, in pixels. */
  static final int WIDTH = 900;

  private final String id;
  private final String title;

  /** {@code id} is the section's anchor in index.html and the prefix of its charts' ids. */
  Section(String id, String title) {
    this.id = id;
    this.title = title;
  }

  String id() {
    return id;
  }

  String title() {
    return title;
  }

  /**
   * The section's HTML (without its heading), or empty when the chosen runs have nothing to show
   * here.
   */
  final Optional<String> body(ReportData data, ChartSink charts) {
    StringBuilder html = new StringBuilder();
    render(data, charts, html);
    return html.length() == 0 ? Optional.empty() : Optional.of(html.toString());
  }

  /**
   * Appends the section's HTML (without its heading) to {@code html}; nothing when the chosen runs
   * have nothing to show here.
   */
  abstract void render(ReportData data, ChartSink charts, StringBuilder html);

  /**
   * Draws one of this section's charts at the report's width and returns the figure showing it; the
   * chart's id is the section's id followed by {@code suffix}.
   */
  final String figure(
      ChartSink charts, String suffix, JFreeChart chart, int height, String caption) {
    return charts.figure(id, id + suffix, chart, WIDTH, height, caption);
  }

  /** A rendered section. */
  record Rendered(String id, String title, String body) {}
}
