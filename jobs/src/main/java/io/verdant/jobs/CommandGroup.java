package io.verdant.jobs;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that only groups subcommands ({@code verdant ledger}, {@code verdant models}): run
 * without one, it is a usage error that names them.
 */
abstract class CommandGroup implements Runnable {
  @Spec CommandSpec spec;

  private final String subcommands;

  /**
   * @param subcommands the subcommands as the usage error lists them, e.g. "list, show or alias"
   */
  CommandGroup(String subcommands) {
    this.subcommands = subcommands;
  }

  @Override
  public final void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: " + subcommands);
  }

  /** Prints a subcommand's text output, flushed (it may be piped). */
  static void print(String text) {
    System.out.print(text);
    System.out.flush();
  }
}
