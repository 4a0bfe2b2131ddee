package io.verdant.common.ledger;

import io.verdant.common.StoreLocation;
import picocli.CommandLine.Option;

/** {@code --ledger}: where the ledger is, for every job and for the commands that read it. */
public final class LedgerLocation extends StoreLocation {
  public static final String ENV = "VERDANT_LEDGER";

  public LedgerLocation() {
    this(null);
  }

  /**
   * @param root the ledger root, or null for the default one
   */
  public LedgerLocation(String root) {
    super(ENV, "ledger", root);
  }

  @Option(
      names = "--ledger",
      paramLabel = "DIR",
      description =
          "Ledger root (local path or Hadoop filesystem URI). Default: $VERDANT_LEDGER, else $VERDANT_WORK_DIR/ledger, else ./verdant-work/ledger.")
  void ledger(String root) {
    given(root);
  }
}
