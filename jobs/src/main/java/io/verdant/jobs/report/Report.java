package io.verdant.jobs.report;

import io.verdant.common.Json;
import io.verdant.common.fs.AtomicOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a report: reads the chosen runs (all checks happen here, before any output), renders each section, and
 * writes index.html, its PNG charts and charts.json into a temporary sibling of the output, moved into place at
 * the end.
 */
public final class Report {
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);

  /** The sections, in the page's order. */
  static final List<Section> SECTIONS = List.of(new SummarySection(), new TrainSection(), new EnergySection(),
      new TimelineSection(), new CompressionSection(), new CarbonSection(), new ComparisonSection());

  /** What to write: the ledger, which runs, where, under which run id. */
  public record Request(String ledger, RunSelection selection, String out, boolean overwrite, String runId) {}

  /** The written report: its index.html and the charts drawn. */
  public record Written(String index, int charts) {}

  private Report() {}

  public static Written write(Request req, Configuration conf) {
    ReportData data = ReportData.load(req.ledger(), conf, req.selection());
    String createdAt = Instant.now().toString();
    try (AtomicOutput out = AtomicOutput.begin(req.out(), req.runId(), req.overwrite(), "--out", conf)) {
      out.fs().mkdirs(new Path(out.temp(), ChartSink.IMG_DIR));
      ChartSink charts = new ChartSink(out.fs(), out.temp());
      List<Section.Rendered> sections = render(data, charts);
      write(out, HtmlPage.FILE, HtmlPage.render(req.runId(), createdAt, data, sections).getBytes(StandardCharsets.UTF_8));
      ReportNumbers numbers = new ReportNumbers(ReportNumbers.CURRENT_SCHEMA_VERSION, req.runId(), createdAt, req.ledger(),
          data.runs().stream().map(RunData::id).toList(), charts.charts());
      write(out, ReportNumbers.FILE, Json.MAPPER.writeValueAsBytes(numbers));
      out.commit();
      LOG.info("Report of {} runs with {} charts written to {}", data.runs().size(), charts.charts().size(), out.target());
      return new Written(new Path(out.target(), HtmlPage.FILE).toString(), charts.charts().size());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report " + req.out(), e);
    }
  }

  private static List<Section.Rendered> render(ReportData data, ChartSink charts) {
    return SECTIONS.stream()
        .flatMap(s -> s.body(data, charts).map(body -> new Section.Rendered(s.id(), s.title(), body)).stream())
        .toList();
  }

  private static void write(AtomicOutput out, String name, byte[] bytes) throws IOException {
    try (OutputStream o = out.fs().create(new Path(out.temp(), name), false)) {
      o.write(bytes);
    }
  }
}
