package io.verdant.jobs;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant quickstart}: the README's first command. Fetches MNIST, ingests it, and runs the rest of the
 * pipeline on it in Spark local mode, printing where everything is. Reruns reuse what earlier runs completed.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"Run the pipeline on MNIST in Spark local mode: fetch and ingest it, train lenet-300-100 on it, then the later jobs.",
        "Outputs go under --work-dir; a rerun reuses completed steps."})
public final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where outputs go. Default: $VERDANT_WORK_DIR, else ./verdant-work.")
  String workDir;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Dataset cache (see `verdant datasets fetch --help`).")
  String cacheDir;

  @Override
  public Integer call() {
    String work = workDir != null ? workDir : IngestCommand.workDir();
    String table = Paths.get(work, "tables", "mnist").toString();
    List<String> ingest = new ArrayList<>(List.of("ingest", "--dataset", "mnist", "--out", table,
        "--run-id", "quickstart-ingest-mnist", "--ledger", Paths.get(work, "ledger").toString()));
    if (cacheDir != null) {
      ingest.add("--cache-dir");
      ingest.add(cacheDir);
    }
    int code = step(ingest);
    if (code != 0) {
      return code;
    }
    String model = Paths.get(work, "models", "mnist-lenet-300-100").toString();
    return step(List.of("train", "--data", table, "--model", "lenet-300-100", "--out", model,
        "--run-id", "quickstart-train-mnist-lenet-300-100", "--resume"));
  }

  private static int step(List<String> args) {
    System.out.println("== verdant " + String.join(" ", args));
    CommandLine cl = Verdant.commandLine();
    return cl.execute(args.toArray(new String[0]));
  }
}
