package io.verdant.jobs;

import io.verdant.common.VerdantException;
import io.verdant.common.run.JobRun;
import io.verdant.jobs.report.Report;
import io.verdant.jobs.report.ReportData;
import io.verdant.jobs.report.RunSelection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant report}: a static HTML report of runs from the ledger and the model and
 * compression files they wrote: index.html with PNG charts, and charts.json with every charted
 * number. The ledger and the files are read and checked before Spark starts; the report is a run of
 * its own (in the ledger like every job), so that spark-submit in cluster mode finds the
 * SparkContext it waits for.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a self-contained HTML report of runs from the ledger (--ledger): index.html, its PNG charts,",
      "and charts.json with every charted number. It opens from disk: no script, no network."
    })
public final class ReportCommand extends JobCommand {
  static final int DEFAULT_LAST = 10;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Which which = new Which();

  /** Which runs: one of these options. */
  static final class Which {
    @Option(
        names = "--run",
        paramLabel = "ID",
        arity = "1..*",
        description = "Report these runs (list several ids, or repeat the option).")
    List<String> runs;

    @Option(
        names = "--last",
        paramLabel = "N",
        description =
            "Report the latest N runs. Default when neither --run nor --since is given: "
                + DEFAULT_LAST
                + ".")
    Integer last;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "Report the runs started at or after TIME: ISO-8601 with offset (2026-11-22T17:00:00Z) or a UTC date (2026-11-22).")
    String since;
  }

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "The report directory (local path or Hadoop filesystem URI), written atomically.")
  String out;

  @Option(names = "--overwrite", description = "Replace --out when it exists.")
  boolean overwrite;

  @Option(
      names = "--models",
      paramLabel = "REGISTRY",
      description =
          "A model registry (docs/models.md): adds the lineage (ingest, train, compress runs) energy and CO2e of each model version the reported runs registered.")
  String models;

  private RunSelection selection;
  private ReportData data;
  private Report.Written written;

  @Override
  protected String job() {
    return "report";
  }

  /** The one place the selection options are checked. */
  @Override
  protected void validate() {
    if (which.runs != null) {
      selection = new RunSelection.ById(List.copyOf(which.runs));
    } else if (which.since != null) {
      selection = new RunSelection.Since(since(which.since), which.since);
    } else {
      int last = which.last == null ? DEFAULT_LAST : which.last;
      if (last < 1) {
        throw VerdantException.of("--last must be at least 1, cannot be: %d", last);
      }
      selection = new RunSelection.Last(last);
    }
  }

  /**
   * Reads the chosen runs and the files they name: an empty ledger, an unknown run or a missing
   * file stops here.
   */
  @Override
  protected void checkInputs() {
    data = ReportData.load(ledgerOptions.root(), new Configuration(), selection, models);
  }

  @Override
  protected void execute(JobRun run) {
    written =
        Report.write(
            run,
            data,
            new Report.Request(out, overwrite),
            run.spark().sparkContext().hadoopConfiguration());
    run.attribute("report", written.index());
    run.attribute("charts", Integer.toString(written.charts()));
    System.out.println("Report: " + written.index());
    System.out.flush();
  }

  private static Instant since(String s) {
    try {
      return s.length() == 10
          ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw VerdantException.of(
          "--since must be an ISO-8601 time with offset (2026-11-22T17:00:00Z) or a date (2026-11-22),"
              + " cannot be: %s",
          s);
    }
  }
}
