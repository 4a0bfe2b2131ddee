package io.verdant.common.ledger;

import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Prints a ledger's energy rows, one line per row (used by scripts/ledger-local-cluster.sh to check
 * that separate executor JVMs reported through the plugin RPC). Exit status 3 when no row comes
 * from an executor other than the driver.
 */
public final class LedgerDump {
  private LedgerDump() {}

  public static void main(String[] args) {
    LedgerReader r = new LedgerReader(args[0], new Configuration());
    List<String> rows =
        r.read(
            LedgerTables.ENERGY,
            null,
            g ->
                String.format(
                    "%-8s %-10s %-7s %-10s %10.3f J  cpu_s %.3f",
                    LedgerReader.string(g, "executor_id"),
                    LedgerReader.string(g, "phase"),
                    LedgerReader.string(g, "component"),
                    LedgerReader.string(g, "method"),
                    LedgerReader.dbl(g, "energy_j"),
                    LedgerReader.dbl(g, "cpu_s")));
    rows.forEach(System.out::println);
    if (rows.stream().allMatch(s -> s.startsWith("driver "))) {
      System.err.println("no energy rows from executors other than the driver");
      System.exit(3);
    }
  }
}
