package io.verdant.jobs;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant quickstart}: the README's first command. Runs the pipeline on full MNIST in Spark
 * local mode: fetch and ingest, train lenet-300-100, compress it, show the ledger of those runs and
 * write their report. Each step is the same job a user would run by hand (printed before it runs)
 * with a fixed run id, so a rerun reuses every step that completed and redoes only what did not (an
 * interrupted training continues from its last checkpoint).
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline on MNIST in Spark local mode: fetch and ingest it, train lenet-300-100, compress it,",
      "score the test split with both models, show the ledger, and write the report (<work-dir>/report/index.html).",
      "Each step is printed as the command it runs; outputs go under --work-dir; a rerun reuses completed steps."
    })
public final class QuickstartCommand implements Callable<Integer> {
  static final String MODEL = "lenet-300-100";

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description = "Where outputs go. Default: $VERDANT_WORK_DIR, else ./verdant-work.")
  String workDir;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Dataset cache (see `verdant datasets fetch --help`).")
  String cacheDir;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "16",
      description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--skip-compress", description = "Stop after training.")
  boolean skipCompress;

  @Override
  public Integer call() {
    String work = workDir != null ? workDir : IngestCommand.workDir();
    String table = Paths.get(work, "tables", "mnist").toString();
    String model = Paths.get(work, "models", "mnist-" + MODEL + "-e" + epochs).toString();
    String compressed = Paths.get(work, "compressed", "mnist-" + MODEL + "-e" + epochs).toString();
    String ledger = Paths.get(work, "ledger").toString();
    String registry = Paths.get(work, "registry").toString();

    List<String> ingest =
        new ArrayList<>(
            List.of(
                "ingest",
                "--dataset",
                "mnist",
                "--out",
                table,
                "--run-id",
                "quickstart-ingest-mnist",
                "--ledger",
                ledger));
    if (cacheDir != null) {
      ingest.add("--cache-dir");
      ingest.add(cacheDir);
    }
    List<List<String>> steps = new ArrayList<>();
    steps.add(ingest);
    // L2 1e-4, as Deep Compression trains (weight decay): it keeps the small weights small, so the
    // model loses
    // nothing when compressed below (docs/compress.md, "Train for compression").
    steps.add(
        List.of(
            "train",
            "--data",
            table,
            "--model",
            MODEL,
            "--epochs",
            Integer.toString(epochs),
            "--l2",
            "0.0001",
            "--out",
            model,
            "--run-id",
            "quickstart-train-" + MODEL + "-e" + epochs,
            "--resume",
            "--ledger",
            ledger,
            "--registry",
            registry));
    if (!skipCompress) {
      // Per-layer sparsities for LeNet-300-100 (6% / 14% / 50% kept; the paper: 8% / 9% / 26%)
      // giving about 43x, and
      // 8 epochs of masked retraining with a halving learning rate (docs/compress.md,
      // docs/benchmarks.md).
      steps.add(
          List.of(
              "compress",
              "--model",
              model,
              "--data",
              table,
              "--out",
              compressed,
              "--sparsity",
              "layer0=0.94,layer1=0.86,layer2=0.5",
              "--retrain-epochs",
              "8",
              "--retrain-lr",
              "0.02",
              "--retrain-lr-schedule",
              "step:0.5:3",
              "--run-id",
              "quickstart-compress-" + MODEL + "-e" + epochs,
              "--ledger",
              ledger,
              "--registry",
              registry));
    }
    // Score the test split with each form of the model: the predictions, and what 1,000 of them
    // cost (docs/score.md).
    steps.add(
        score(
            model,
            table,
            Paths.get(work, "scores", "mnist-dense").toString(),
            "quickstart-score-dense",
            ledger,
            registry));
    if (!skipCompress) {
      steps.add(
          score(
              compressed,
              table,
              Paths.get(work, "scores", "mnist-compressed").toString(),
              "quickstart-score-compressed",
              ledger,
              registry));
    }
    List<String> runIds = steps.stream().map(s -> s.get(s.indexOf("--run-id") + 1)).toList();
    steps.add(
        List.of("ledger", "show", "--ledger", ledger, "--last", Integer.toString(steps.size())));
    // Last, the report of these runs (docs/report.md); it prints the path of its index.html.
    List<String> report =
        new ArrayList<>(
            List.of(
                "report",
                "--ledger",
                ledger,
                "--out",
                Paths.get(work, "report").toString(),
                "--overwrite",
                "--run-id",
                "quickstart-report",
                "--models",
                registry,
                "--run"));
    report.addAll(runIds);
    steps.add(report);
    for (List<String> step : steps) {
      int code = step(step);
      if (code != 0) {
        System.err.println(
            "verdant quickstart: step failed (exit "
                + code
                + "): verdant "
                + String.join(" ", step));
        return code;
      }
    }
    return 0;
  }

  private static List<String> score(
      String model, String table, String out, String runId, String ledger, String registry) {
    return List.of(
        "score",
        "--model",
        model,
        "--data",
        table,
        "--split",
        "test",
        "--out",
        out,
        "--overwrite",
        "--run-id",
        runId,
        "--ledger",
        ledger,
        "--registry",
        registry);
  }

  private static int step(List<String> args) {
    System.out.println();
    System.out.println("== verdant " + String.join(" ", args));
    System.out.flush();
    return Verdant.commandLine().execute(args.toArray(new String[0]));
  }
}
