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
      defaultValue = "10",
      description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--skip-compress", description = "Stop after training.")
  boolean skipCompress;

  /** Where the quickstart's outputs go, under the work directory. */
  private record Dirs(
      String work, String table, String model, String compressed, String ledger, String registry) {
    static Dirs under(String work, int epochs) {
      String name = "mnist-" + MODEL + "-e" + epochs;
      return new Dirs(
          work,
          Paths.get(work, "tables", "mnist").toString(),
          Paths.get(work, "models", name).toString(),
          Paths.get(work, "compressed", name).toString(),
          Paths.get(work, "ledger").toString(),
          Paths.get(work, "registry").toString());
    }
  }

  @Override
  public Integer call() {
    Dirs d = Dirs.under(workDir != null ? workDir : IngestCommand.workDir(), epochs);
    List<List<String>> steps = new ArrayList<>();
    steps.add(ingest(d));
    steps.add(train(d));
    if (!skipCompress) {
      steps.add(compress(d));
    }
    // Score the test split with each form of the model: the predictions, and what 1,000 of them
    // cost (docs/score.md).
    steps.add(score(d, d.model(), "dense"));
    if (!skipCompress) {
      steps.add(score(d, d.compressed(), "compressed"));
    }
    List<String> runIds = steps.stream().map(s -> s.get(s.indexOf("--run-id") + 1)).toList();
    steps.add(
        List.of(
            "ledger", "show", "--ledger", d.ledger(), "--last", Integer.toString(steps.size())));
    // Last, the report of these runs (docs/report.md); it prints the path of its index.html.
    steps.add(report(d, runIds));
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

  private List<String> ingest(Dirs d) {
    List<String> ingest =
        command(
            "ingest --dataset mnist --out {} --run-id quickstart-ingest-mnist --ledger {}",
            d.table(),
            d.ledger());
    if (cacheDir != null) {
      ingest.addAll(List.of("--cache-dir", cacheDir));
    }
    return ingest;
  }

  /**
   * L2 1e-4, as Deep Compression trains (weight decay): it keeps the small weights small, so the
   * model loses nothing when compressed (docs/compress.md, "Train for compression").
   */
  private List<String> train(Dirs d) {
    return recorded(
        d,
        command(
            "train --data {} --model {} --epochs {} --l2 0.0001 --out {} --run-id {} --resume",
            d.table(),
            MODEL,
            epochs,
            d.model(),
            "quickstart-train-" + MODEL + "-e" + epochs));
  }

  /**
   * Per-layer sparsities for LeNet-300-100 (6% / 14% / 50% kept; the paper: 8% / 9% / 26%) giving
   * about 43x, and 8 epochs of masked retraining with a halving learning rate (docs/compress.md,
   * docs/benchmarks.md).
   */
  private List<String> compress(Dirs d) {
    return recorded(
        d,
        command(
            "compress --model {} --data {} --out {} --sparsity layer0=0.94,layer1=0.86,layer2=0.5"
                + " --retrain-epochs 8 --retrain-lr 0.1 --retrain-lr-schedule step:0.5:3"
                + " --run-id {}",
            d.model(),
            d.table(),
            d.compressed(),
            "quickstart-compress-" + MODEL + "-e" + epochs));
  }

  /**
   * Scores the test split with {@code model}, one form of it ({@code dense}, {@code compressed}).
   */
  private static List<String> score(Dirs d, String model, String form) {
    return recorded(
        d,
        command(
            "score --model {} --data {} --split test --out {} --overwrite --run-id {}",
            model,
            d.table(),
            Paths.get(d.work(), "scores", "mnist-" + form).toString(),
            "quickstart-score-" + form));
  }

  private static List<String> report(Dirs d, List<String> runIds) {
    List<String> report =
        command(
            "report --ledger {} --out {} --overwrite --run-id quickstart-report --models {} --run",
            d.ledger(),
            Paths.get(d.work(), "report").toString(),
            d.registry());
    report.addAll(runIds);
    return report;
  }

  /** A step that records its run in the quickstart's ledger and its model in its registry. */
  private static List<String> recorded(Dirs d, List<String> args) {
    args.addAll(List.of("--ledger", d.ledger(), "--registry", d.registry()));
    return args;
  }

  /**
   * A command line from a template of words separated by spaces, each {@code {}} replaced by the
   * next value (a value may hold spaces: it stays one argument).
   */
  private static List<String> command(String template, Object... values) {
    List<String> args = new ArrayList<>();
    int next = 0;
    for (String word : template.split(" ")) {
      args.add(word.equals("{}") ? String.valueOf(values[next++]) : word);
    }
    if (next != values.length) {
      throw new IllegalArgumentException(template + " takes " + next + " values");
    }
    return args;
  }

  private static int step(List<String> args) {
    System.out.println();
    System.out.println("== verdant " + String.join(" ", args));
    System.out.flush();
    return Verdant.commandLine().execute(args.toArray(new String[0]));
  }
}
