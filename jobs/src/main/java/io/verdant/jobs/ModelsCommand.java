package io.verdant.jobs;

import io.verdant.common.ledger.LedgerLocation;
import io.verdant.common.ledger.LedgerReader;
import io.verdant.jobs.registry.ModelAlias;
import io.verdant.jobs.registry.ModelFootprint;
import io.verdant.jobs.registry.ModelRef;
import io.verdant.jobs.registry.ModelRegistry;
import io.verdant.jobs.registry.ModelVersion;
import io.verdant.jobs.registry.RegistryLocation;
import io.verdant.jobs.registry.RegistryReport;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code verdant models list|show|alias}: reads and moves aliases in the model registry (no Spark
 * needed).
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {
      "The model registry: every model train and compress wrote, by name and version, with aliases (docs/models.md)."
    },
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Alias.class
    })
public final class ModelsCommand extends CommandGroup {
  public ModelsCommand() {
    super("list, show or alias");
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description =
          "Without NAME: every model, its versions and aliases. With NAME: every version of that model.")
  static final class ListModels implements Callable<Integer> {
    @Mixin RegistryLocation registry = new RegistryLocation();

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "A model name.")
    String name;

    @Override
    public Integer call() {
      ModelRegistry r = ModelRegistry.open(registry.root(), new Configuration());
      print(
          name == null
              ? RegistryReport.names(r)
              : RegistryReport.versions(r, ModelRef.checkName("NAME", name)));
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "A version's details; its lineage's energy (Wh) and CO2e (g) from the ledger (ingest, train, compress runs);",
        "and, once score runs used it, that footprint per 1,000 predictions beside the scoring's own."
      })
  static final class Show implements Callable<Integer> {
    @Mixin RegistryLocation registry = new RegistryLocation();

    @Parameters(
        paramLabel = "MODEL",
        description =
            "NAME (its latest version), NAME/VERSION or NAME@ALIAS; models:/ before it is allowed.")
    String model;

    @Mixin LedgerLocation ledger = new LedgerLocation();

    @Override
    public Integer call() {
      ModelRef ref = ModelRef.parse(model);
      Configuration conf = new Configuration();
      ModelRegistry r = ModelRegistry.open(registry.root(), conf);
      ModelVersion v = r.resolve(ref);
      ModelFootprint footprint = ModelFootprint.of(v, new LedgerReader(ledger.root(), conf));
      print(
          RegistryReport.show(
              v, r.aliases(v.name()), RegistryReport.fileState(v, conf), footprint));
      return 0;
    }
  }

  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description =
          "Point an alias of a model (e.g. champion) at one of its versions; the alias moves if it pointed elsewhere.")
  static final class Alias implements Callable<Integer> {
    @Mixin RegistryLocation registry = new RegistryLocation();

    @Parameters(index = "0", paramLabel = "NAME", description = "The model name.")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "ALIAS",
        description = "The alias: letters, digits, '_' or '-', starting with a letter.")
    String alias;

    @Parameters(
        index = "2",
        paramLabel = "VERSION",
        description = "The version the alias points at from now on.")
    int version;

    @Override
    public Integer call() {
      ModelRef.checkName("NAME", name);
      ModelRef.checkAlias("ALIAS", alias);
      ModelRegistry r = ModelRegistry.open(registry.root(), new Configuration());
      Integer before = r.aliases(name).get(alias);
      ModelAlias a = r.alias(name, alias, version);
      System.out.printf(
          "%s%s@%s -> version %d%s%n",
          ModelRef.SCHEME,
          a.name(),
          a.alias(),
          a.version(),
          before == null
              ? ""
              : before == version ? " (unchanged)" : " (was version " + before + ")");
      return 0;
    }
  }
}
