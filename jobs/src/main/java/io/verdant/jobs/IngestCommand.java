package io.verdant.jobs;

import io.verdant.common.Checks;
import io.verdant.common.VerdantException;
import io.verdant.common.fs.CompletedOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.catalog.DatasetCatalog;
import io.verdant.datasets.catalog.DatasetSpec;
import io.verdant.datasets.fetch.CacheDirs;
import io.verdant.datasets.fetch.DatasetFetcher;
import io.verdant.datasets.ingest.Ingest;
import io.verdant.datasets.read.CsvSource;
import io.verdant.datasets.read.FeatureSource;
import io.verdant.datasets.read.IdxSource;
import io.verdant.datasets.read.LibSvmSource;
import io.verdant.datasets.read.ParquetSource;
import io.verdant.datasets.read.TaskType;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import java.nio.file.Paths;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant ingest}: a dataset becomes a validated, normalized Parquet feature table with a
 * manifest.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Turn a dataset into a validated, normalized Parquet feature table with a JSON manifest.",
      "Input: a catalog dataset (--dataset mnist, fetched into the cache when missing) or files (--format with --train ...).",
      "Output: <out>/table (Parquet: row_id, features array<float>, label, split) and <out>/manifest.json, written atomically."
    })
public final class IngestCommand extends JobCommand {
  /** A rerun finds its table complete by the manifest, written last. */
  private static final CompletedOutput<Manifest.Loaded> DONE =
      new CompletedOutput<>(
          FeatureTable.MANIFEST, Manifest::read, existing -> existing.manifest().runId());

  public enum Format {
    idx,
    csv,
    libsvm,
    parquet
  }

  /**
   * The input: a catalog dataset or files, never both (picocli refuses both, and neither, as usage
   * errors).
   */
  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(
        names = "--dataset",
        paramLabel = "NAME",
        required = true,
        description =
            "A catalog dataset (see `verdant datasets list`); its files are fetched and verified when missing.")
    String dataset;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Files files;
  }

  /** Files in one format: the training input, and optionally a test input. */
  static final class Files {
    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        required = true,
        description = "Input format when reading files: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(
        names = "--train",
        paramLabel = "PATH",
        required = true,
        description =
            "Training input: the images file for idx (plain or .gz), else the CSV, LibSVM or Parquet file/folder.")
    String train;

    @Option(
        names = "--train-labels",
        paramLabel = "PATH",
        description = "idx only: the training labels file.")
    String trainLabels;

    @Option(
        names = "--test",
        paramLabel = "PATH",
        description =
            "Test input (same format as --train). Without it, a test split is carved from --train by --test-fraction.")
    String test;

    @Option(
        names = "--test-labels",
        paramLabel = "PATH",
        description = "idx only: the test labels file.")
    String testLabels;
  }

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      defaultValue = "label",
      description =
          "csv and parquet: the label column; every other column is a numeric feature (parquet: or one"
              + " array/vector column named features). csv: a column name, or its 0-based index (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(
      names = "--csv-header",
      paramLabel = "BOOLEAN",
      arity = "1",
      defaultValue = "true",
      description =
          "csv only: whether the first line is a header naming the columns; with false it is a data row and"
              + " the columns are named c0..cN by position (default: ${DEFAULT-VALUE}).")
  boolean csvHeader;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      defaultValue = "auto",
      description =
          "csv, libsvm, parquet: classification, regression or auto: classification when every label is an"
              + " integer or some label is a name, else regression (default: ${DEFAULT-VALUE}).")
  String task;

  @Option(
      names = "--num-features",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "libsvm only: the feature count; 0 takes the largest index seen (default: ${DEFAULT-VALUE}).")
  int numFeatures;

  @Option(
      names = "--validation-fraction",
      paramLabel = "F",
      defaultValue = "0.1",
      description =
          "Fraction of training rows carved, by seed and row id, into the validation split (default: ${DEFAULT-VALUE}).")
  double validationFraction;

  @Option(
      names = "--test-fraction",
      paramLabel = "F",
      defaultValue = "0.2",
      description =
          "Fraction of rows carved into the test split when there is no --test (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the split assignment (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Output table directory, local or any Hadoop filesystem URI. Default: $VERDANT_WORK_DIR/tables/<dataset>, with VERDANT_WORK_DIR defaulting to ./verdant-work.")
  String out;

  @Option(
      names = "--overwrite",
      description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Parquet output partitions (files per split); 0 keeps the reader's partitioning (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Dataset cache for --dataset. Default: $VERDANT_CACHE_DIR, else $XDG_CACHE_HOME/verdant, else ~/.cache/verdant.")
  java.nio.file.Path cacheDir;

  private Ingest.Result result;

  @Override
  protected String job() {
    return "ingest";
  }

  /**
   * Ingest moves no ND4J arrays, and ND4J's Kryo registrator loads ND4J (and its natives) at the
   * first serialization, costing 1-2 s of CPU: it is left out unless the operator asked for it (a
   * spark.* system property, which is how spark-submit passes --conf and spark-defaults.conf).
   */
  @Override
  protected void configure(org.apache.spark.SparkConf conf) {
    String registrator = "spark.kryo.registrator";
    if (System.getProperty(registrator) == null
        && "org.nd4j.kryo.Nd4jRegistrator".equals(conf.get(registrator, null))) {
      conf.remove(registrator);
    }
  }

  static String workDir() {
    String env = System.getenv("VERDANT_WORK_DIR");
    return env == null || env.isBlank() ? "verdant-work" : env;
  }

  String name() {
    if (input.dataset != null) {
      return input.dataset;
    }
    String base = Paths.get(input.files.train).getFileName().toString();
    return base.replaceAll("(\\.gz)$", "").replaceAll("\\.[A-Za-z0-9]+$", "");
  }

  /** The input format, or null for a catalog dataset. */
  private Format format() {
    return input.files == null ? null : input.files.format;
  }

  /** The input, for messages: {@code --dataset NAME} or {@code --format FORMAT}. */
  private String inputOption() {
    return input.dataset != null ? "--dataset " + input.dataset : "--format " + format();
  }

  private static final java.util.Set<String> TASKS =
      java.util.Set.of("auto", "classification", "regression");

  @Override
  protected void validate() {
    if (input.dataset != null) {
      DatasetCatalog.get(input.dataset);
    } else {
      validateFiles(input.files);
    }
    Checks.atLeastAndBelow("--validation-fraction", validationFraction, 0, 1);
    Checks.checkArgument(
        testFraction > 0 && testFraction < 1,
        "--test-fraction must be greater than 0 and less than 1, cannot be: %s",
        testFraction);
    Checks.atLeast("--num-features", numFeatures, 0);
    Checks.atLeast("--partitions", partitions, 0);
    task = task.toLowerCase(Locale.ROOT);
    Checks.checkArgument(
        TASKS.contains(task),
        "--task must be classification, regression or auto, cannot be: %s",
        task);
    Format format = format();
    Checks.checkArgument(
        (input.dataset == null && format != Format.idx) || !task.equals("regression"),
        "--task regression cannot be used with %s: its labels are classes",
        inputOption());
    Checks.checkArgument(
        numFeatures == 0 || format == Format.libsvm,
        "--num-features is for --format libsvm, cannot be used with %s",
        inputOption());
    Checks.checkArgument(
        !given("--label-column") || format == Format.csv || format == Format.parquet,
        "--label-column is for --format csv and parquet, cannot be used with %s",
        inputOption());
    Checks.checkArgument(
        !given("--csv-header") || format == Format.csv,
        "--csv-header is for --format csv, cannot be used with %s",
        inputOption());
    if (out == null) {
      out = Paths.get(workDir(), "tables", name()).toString();
    }
  }

  /** The label files go with idx only, and there --test and --test-labels come together. */
  private static void validateFiles(Files f) {
    boolean idx = f.format == Format.idx;
    if (idx && f.trainLabels == null) {
      throw VerdantException.of(
          "--format idx needs --train-labels beside --train (the images file)");
    }
    if (idx && (f.test == null) != (f.testLabels == null)) {
      throw VerdantException.of(
          "--format idx takes --test and --test-labels together, got only %s",
          f.test == null ? "--test-labels" : "--test");
    }
    if (!idx && (f.trainLabels != null || f.testLabels != null)) {
      throw VerdantException.of(
          "--train-labels and --test-labels are for --format idx, cannot be used with --format %s",
          f.format);
    }
  }

  @Override
  protected void execute(JobRun run) throws Exception {
    run.attribute("dataset", name());
    org.apache.hadoop.conf.Configuration hconf = run.spark().sparkContext().hadoopConfiguration();
    var done = DONE.find(out, runId, hconf);
    if (done.isPresent()) {
      Path target = new Path(out);
      result =
          new Ingest.Result(
              target.getFileSystem(hconf).makeQualified(target).toString(), done.get().manifest());
      report();
      return;
    }
    FeatureSource source = source();
    result =
        Ingest.run(
            run,
            source,
            new Ingest.Settings(
                name(), out, overwrite, seed, validationFraction, testFraction, partitions));
    report();
  }

  private FeatureSource source() {
    if (input.dataset != null) {
      DatasetSpec spec = DatasetCatalog.get(input.dataset);
      DatasetFetcher fetcher = new DatasetFetcher(CacheDirs.resolve(cacheDir));
      DatasetFetcher.Result fetched = fetcher.fetch(spec, null, null);
      Path dir = new Path(fetched.dir().toUri());
      // The fetch just verified every file's checksum: the manifest records those instead of
      // hashing again.
      java.util.Map<String, String> verified = new java.util.HashMap<>();
      for (io.verdant.datasets.catalog.DatasetFile f : spec.files()) {
        verified.put(new Path(dir, f.name()).toString(), f.sha256());
      }
      return new IdxSource(
              new Path(dir, spec.require(DatasetCatalog.TRAIN_IMAGES).name()).toString(),
              new Path(dir, spec.require(DatasetCatalog.TRAIN_LABELS).name()).toString(),
              new Path(dir, spec.require(DatasetCatalog.TEST_IMAGES).name()).toString(),
              new Path(dir, spec.require(DatasetCatalog.TEST_LABELS).name()).toString())
          .withVerifiedChecksums(verified);
    }
    TaskType t = taskType();
    Files f = input.files;
    return switch (f.format) {
      case idx -> new IdxSource(f.train, f.trainLabels, f.test, f.testLabels);
      case csv -> new CsvSource(f.train, f.test, labelColumn, t, 0).withHeader(csvHeader);
      case libsvm -> new LibSvmSource(f.train, f.test, numFeatures, t, 0);
      case parquet -> new ParquetSource(f.train, f.test, labelColumn, t);
    };
  }

  /** The --task as the readers take it: null for auto. */
  private TaskType taskType() {
    switch (task) {
      case "classification":
        return TaskType.CLASSIFICATION;
      case "regression":
        return TaskType.REGRESSION;
      default:
        return null;
    }
  }

  private void report() {
    Manifest m = result.manifest();
    System.out.printf(
        "Feature table: %s/%s%nManifest:      %s/%s%n",
        result.tableDir(), FeatureTable.TABLE_DIR, result.tableDir(), FeatureTable.MANIFEST);
    for (String split : FeatureTable.SPLITS) {
      Manifest.SplitStats st = m.splits().get(split);
      System.out.printf(
          "  %-10s %,8d rows%s%n",
          split,
          st == null ? 0 : st.rows(),
          st == null || st.classCounts() == null ? "" : "  classes " + st.classCounts().values());
    }
    System.out.printf(
        "  task %s, %d features, shape %s%s%n",
        m.task(),
        m.featureCount(),
        m.shape(),
        m.classification() ? ", " + m.numClasses() + " classes" : "");
  }

  public Ingest.Result result() {
    return result;
  }
}
