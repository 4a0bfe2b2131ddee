package io.verdant.jobs.report;

import java.util.function.Predicate;

/**
 * A section that shows each run with something for it on its own, one after another: subclasses say
 * which runs those are and what each shows.
 */
abstract class PerRunSection extends Section {
  private final Predicate<RunData> shows;

  /**
   * @param shows whether a run has something for this section
   */
  PerRunSection(String id, String title, Predicate<RunData> shows) {
    super(id, title);
    this.shows = shows;
  }

  /** The HTML of one run that has something for this section. */
  abstract String run(RunData d, ChartSink charts);

  @Override
  final void render(ReportData data, ChartSink charts, StringBuilder html) {
    data.runs().stream().filter(shows).forEach(d -> html.append(run(d, charts)));
  }
}
