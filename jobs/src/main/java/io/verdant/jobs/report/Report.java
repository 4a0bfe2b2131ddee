package io.verdant.jobs.report;

import io.verdant.common.Json;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.run.JobRun;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a report of runs already read ({@link ReportData#load}, where every check happens):
 * renders each section, and writes index.html, its PNG charts and charts.json into a temporary
 * sibling of the output, moved into place at the end.
 */
public final class Report {
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);

  /** The sections, in the page's order. */
  static final List<Section> SECTIONS =
      List.of(
          new SummarySection(),
          new TrainSection(),
          new EnergySection(),
          new TimelineSection(),
          new CompressionSection(),
          new ScoringSection(),
          new CarbonSection(),
          new ComparisonSection(),
          new LineageSection());

  /** Where to write, and whether an existing report there is replaced. */
  public record Request(String out, boolean overwrite) {}

  /**
   * The written report: its index.html (a plain path when local) and the number of charts drawn.
   */
  public record Written(String index, int charts) {}

  private Report() {}

  /**
   * Renders the runs read into {@code data} and writes the report, in the run's phases {@code
   * render} and {@code write}.
   */
  public static Written write(JobRun run, ReportData data, Request req, Configuration conf) {
    String createdAt = Instant.now().toString();
    try (AtomicOutput out =
        AtomicOutput.begin(req.out(), run.runId(), req.overwrite(), "--out", conf)) {
      out.fs().mkdirs(new Path(out.temp(), ChartSink.IMG_DIR));
      ChartSink charts = new ChartSink(out.fs(), out.temp());
      List<Section.Rendered> sections = run.phase("render", () -> render(data, charts));
      ReportNumbers numbers =
          new ReportNumbers(
              ReportNumbers.CURRENT_SCHEMA_VERSION,
              run.runId(),
              createdAt,
              data.ledger(),
              data.runs().stream().map(RunData::id).toList(),
              charts.charts());
      run.phase(
          "write",
          () -> {
            write(
                out,
                HtmlPage.FILE,
                HtmlPage.render(run.runId(), createdAt, data, sections)
                    .getBytes(StandardCharsets.UTF_8));
            write(out, ReportNumbers.FILE, Json.bytes(numbers));
            out.commit();
          });
      LOG.info(
          "Report of {} runs with {} charts written to {}",
          data.runs().size(),
          charts.charts().size(),
          out.target());
      Path index = new Path(out.target(), HtmlPage.FILE);
      // A local report is named by its plain path, which a browser or a terminal opens as it is.
      return new Written(
          "file".equals(index.toUri().getScheme()) ? index.toUri().getPath() : index.toString(),
          charts.charts().size());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report " + req.out(), e);
    }
  }

  private static List<Section.Rendered> render(ReportData data, ChartSink charts) {
    return SECTIONS.stream()
        .flatMap(
            s ->
                s
                    .body(data, charts)
                    .map(body -> new Section.Rendered(s.id(), s.title(), body))
                    .stream())
        .toList();
  }

  /**
   * Creates a file of the report. On a local disk it is written without Hadoop's checksum side
   * files ({@code .crc}), which would clutter a directory people open and copy.
   */
  static OutputStream create(FileSystem fs, Path file) throws IOException {
    FileSystem plain = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    return plain.create(file, false);
  }

  private static void write(AtomicOutput out, String name, byte[] bytes) {
    try (OutputStream o = create(out.fs(), new Path(out.temp(), name))) {
      o.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + new Path(out.temp(), name), e);
    }
  }
}
