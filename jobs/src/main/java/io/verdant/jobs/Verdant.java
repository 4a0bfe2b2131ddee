package io.verdant.jobs;

import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.run.PausedException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point: {@code verdant <job> [options]}. Run by spark-submit (main class of the
 * application jar) or by {@code submit/verdant} in local mode. Exit status: 0 on success, 1 when a
 * job failed, 2 for bad options, 3 when {@code plan --check} says not yet, 75 when a job paused for
 * the grid (run it again with {@code --resume}).
 */
@Command(
    name = "verdant",
    mixinStandardHelpOptions = true,
    versionProvider = Verdant.VersionProvider.class,
    description =
        "Train, compress and score neural networks on Spark, and account for their energy and carbon.",
    subcommands = {
      DatasetsCommand.class,
      IngestCommand.class,
      LedgerCommand.class,
      ModelsCommand.class,
      PlanCommand.class,
      ReportCommand.class,
      QuickstartCommand.class,
      TrainCommand.class,
      CompressCommand.class,
      DecompressCommand.class,
      EvaluateCommand.class,
      ScoreCommand.class,
    })
public final class Verdant {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  /**
   * {@code verdant plan --check}: the job should not start yet (an Airflow sensor pokes again
   * later).
   */
  public static final int EXIT_NOT_YET = 3;

  /**
   * A job paused for the grid (train --pause-above): sysexits' EX_TEMPFAIL, a temporary failure
   * worth a retry.
   */
  public static final int EXIT_PAUSED = 75;

  public static void main(String[] args) {
    int code = run(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs a command line and returns its exit status; used by tests and by main. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Verdant());
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          VerdantException ve = VerdantException.find(ex);
          String name = commandLine.getCommandSpec().qualifiedName();
          if (ve instanceof PausedException) {
            err.println(name + ": " + ve.getMessage());
            err.flush();
            return EXIT_PAUSED;
          }
          if (ve != null) {
            err.println(name + ": error: " + ve.getMessage());
            org.slf4j.LoggerFactory.getLogger(Verdant.class).debug("Failure", ex);
          } else {
            err.println(name + ": failed: " + ex);
            ex.printStackTrace(err);
          }
          err.flush();
          return EXIT_FAILED;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          PrintWriter err = c.getErr();
          err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
          err.println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
          err.flush();
          return EXIT_USAGE;
        });
    return cl;
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "Verdant "
            + Versions.verdant()
            + " (built for Spark "
            + Versions.sparkBuilt()
            + ", DL4J "
            + Versions.dl4j()
            + ", Java "
            + Versions.java()
            + ")"
      };
    }
  }
}
