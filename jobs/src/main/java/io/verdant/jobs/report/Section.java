package io.verdant.jobs.report;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One section of the report; each is a class of its own, and shows nothing when its runs have
 * nothing for it.
 */
abstract class Section {
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
  abstract Optional<String> body(ReportData data, ChartSink charts);

  /** The figures of each run that has something for this section, or empty when none has. */
  static Optional<String> perRun(
      ReportData data, Predicate<RunData> shows, Function<RunData, String> figure) {
    String html = data.runs().stream().filter(shows).map(figure).reduce("", String::concat);
    return html.isEmpty() ? Optional.empty() : Optional.of(html);
  }

  /** A rendered section. */
  record Rendered(String id, String title, String body) {}
}
