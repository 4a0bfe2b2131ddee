package io.verdant.jobs;

import io.verdant.common.RunIds;
import io.verdant.common.VerdantException;
import io.verdant.common.ledger.LedgerOptions;
import io.verdant.jobs.report.Report;
import io.verdant.jobs.report.RunSelection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant report}: a static HTML report of runs from the ledger (no Spark needed): summary, energy,
 * executor timeline, carbon, and runs of one job side by side, as index.html with PNG charts and charts.json.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write a self-contained HTML report of runs from the ledger: index.html, its PNG charts, and",
        "charts.json with every charted number. It opens from disk: no script, no network."})
public final class ReportCommand implements Callable<Integer> {
  static final int DEFAULT_LAST = 10;

  @Option(names = "--ledger", paramLabel = "DIR",
      description = "Ledger root (local path or Hadoop filesystem URI). Default: $VERDANT_LEDGER, else $VERDANT_WORK_DIR/ledger, else ./verdant-work/ledger.")
  String ledger;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Which which = new Which();

  /** Which runs: one of these options. */
  static final class Which {
    @Option(names = "--run", paramLabel = "ID", arity = "1..*",
        description = "Report these runs (repeat the option or list several ids).")
    List<String> runs;

    @Option(names = "--last", paramLabel = "N",
        description = "Report the latest N runs. Default when no --run or --since is given: " + DEFAULT_LAST + ".")
    Integer last;

    @Option(names = "--since", paramLabel = "TIME",
        description = "Report the runs started at or after TIME: ISO-8601 with offset (2026-11-22T17:00:00Z) or a UTC date (2026-11-22).")
    String since;
  }

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The report directory (local path or Hadoop filesystem URI), written atomically.")
  String out;

  @Option(names = "--overwrite", description = "Replace --out when it exists.")
  boolean overwrite;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Names this report (shown in it and in charts.json) and its temporary output. Default: report-<UTC time>-<random>.")
  String runId;

  @Option(names = "--dry-run", description = "Check the options, print them, and exit without reading the ledger.")
  boolean dryRun;

  @Override
  public Integer call() {
    runId = runId == null ? RunIds.generate("report") : RunIds.validate(runId);
    RunSelection selection = selection();
    String root = LedgerOptions.root(ledger, System.getenv());
    if (dryRun) {
      System.out.println("verdant report: options are valid");
      System.out.println("  --ledger = " + root);
      System.out.println("  runs = " + selection);
      System.out.println("  --out = " + out);
      System.out.println("  --run-id = " + runId);
      return 0;
    }
    Report.Written w = Report.write(new Report.Request(root, selection, out, overwrite, runId), new Configuration());
    System.out.println("Report: " + w.index());
    System.out.flush();
    return 0;
  }

  /** The one place the selection options are checked. */
  private RunSelection selection() {
    if (which.runs != null) {
      return new RunSelection.ById(List.copyOf(which.runs));
    }
    if (which.since != null) {
      return new RunSelection.Since(since(which.since), which.since);
    }
    int last = which.last == null ? DEFAULT_LAST : which.last;
    if (last < 1) {
      throw VerdantException.of("--last must be at least 1, cannot be: %d", last);
    }
    return new RunSelection.Last(last);
  }

  private static Instant since(String s) {
    try {
      return s.length() == 10 ? LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant()
          : java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw VerdantException.of("--since must be an ISO-8601 time with offset (2026-11-22T17:00:00Z) or a date (2026-11-22),"
          + " cannot be: %s", s);
    }
  }
}
