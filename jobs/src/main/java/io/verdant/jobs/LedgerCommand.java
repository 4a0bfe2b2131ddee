package io.verdant.jobs;

import io.verdant.common.Checks;
import io.verdant.common.ledger.LedgerLocation;
import io.verdant.common.ledger.LedgerSummary;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code verdant ledger show}: reads the ledger (no Spark needed) and prints a summary per run and
 * phase.
 */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = "Read the ledger of energy, carbon and utilization of Verdant's runs.",
    subcommands = {LedgerCommand.Show.class})
public final class LedgerCommand extends CommandGroup {
  public LedgerCommand() {
    super("show");
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Print per run and phase: wall time, CPU-seconds, energy (Wh), CO2e (g) and the energy methods.")
  static final class Show implements Callable<Integer> {
    @Mixin LedgerLocation ledger = new LedgerLocation();

    @Option(names = "--run", paramLabel = "ID", description = "Show this run only.")
    String run;

    @Option(
        names = "--last",
        paramLabel = "N",
        defaultValue = "10",
        description = "Show the latest N runs, newest first. Default: ${DEFAULT-VALUE}.")
    int last;

    @Override
    public Integer call() {
      Checks.atLeast("--last", last, 1);
      print(LedgerSummary.show(ledger.root(), new Configuration(), run, last));
      return 0;
    }
  }
}
