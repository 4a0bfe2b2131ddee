package io.verdant.jobs.train;

import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.fs.CompletedOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.InputContract;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.nn.Architectures;
import io.verdant.jobs.plan.GridPause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job's work: export minibatches once, train epoch by epoch with {@link SparkTrainer}
 * (evaluating on the validation split, checkpointing, keeping the best model, stopping early or on
 * divergence), evaluate the best model on the test split, and write {@code model.zip} and {@code
 * model.json} atomically.
 */
public final class Training {
  private static final Logger LOG = LoggerFactory.getLogger(Training.class);

  /** A rerun finds its model complete by model.json, written last. */
  private static final CompletedOutput<ModelInfo> DONE =
      new CompletedOutput<>(ModelFiles.MODEL_JSON, ModelStore::readInfo, ModelInfo::runId);

  public static final String EXPORT_DIR_PROPERTY = "verdant.dl4j.exportDir";
  public static final String STATS_FILE = "training-stats.html";

  /** What the job produced. */
  public record Result(String modelDir, ModelInfo info) {}

  private final JobRun run;
  private final TrainOptions o;
  private final Manifest.Loaded data;
  private final Map<String, String> effectiveOptions;
  private GridPause pause;

  public Training(
      JobRun run,
      TrainOptions options,
      Manifest.Loaded data,
      Map<String, String> effectiveOptions) {
    this.run = run;
    this.o = options;
    this.data = data;
    this.effectiveOptions = effectiveOptions;
  }

  /** Pauses at epoch boundaries when {@code pause} says so (null: never). */
  public Training pauseWith(GridPause pause) {
    this.pause = pause;
    return this;
  }

  /** The default checkpoint directory of an output: a hidden sibling {@code .<name>.checkpoint}. */
  public static String defaultCheckpointDir(String out) {
    Path p = new Path(out);
    return new Path(
            p.getParent() == null ? new Path(".") : p.getParent(),
            "." + p.getName() + ".checkpoint")
        .toString();
  }

  public static Architectures.DataShape shape(Manifest m) {
    return new Architectures.DataShape(
        m.classification(), m.featureCount(), m.shape(), m.numClasses());
  }

  /**
   * The exported minibatches of the three splits, and the evaluation splits as RDDs of file paths
   * (null when empty).
   */
  private record Exports(
      MinibatchExport.Exported train,
      MinibatchExport.Exported test,
      JavaRDD<String> validationRdd,
      JavaRDD<String> testRdd) {
    void unpersist() {
      if (validationRdd != null) {
        validationRdd.unpersist();
      }
      if (testRdd != null) {
        testRdd.unpersist();
      }
    }
  }

  /** The ND4J backend and threads this run trains with. */
  private record Backend(String name, int devices, Integer threads, String blas) {}

  public Result run() {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(run.spark().sparkContext());
    var done = DONE.find(o.out(), run.runId(), sc.hadoopConfiguration());
    if (done.isPresent()) {
      return new Result(qualified(o.out(), sc), done.get());
    }
    int workers = o.workers() > 0 ? o.workers() : sc.defaultParallelism();
    Backend backend = backend(workers);
    Checkpoints checkpoints = checkpoints(sc);
    try (AtomicOutput output =
        AtomicOutput.begin(
            o.out(), run.runId(), o.overwrite(), "--out", sc.hadoopConfiguration())) {
      String exportDir = exportDir(output);
      try {
        Exports exports = export(sc, workers, exportDir);
        MultiLayerNetwork net = checkpoints.exists() ? null : freshNetwork();
        Checkpoints.Loaded restored = net == null ? resume(checkpoints) : null;
        EpochLoop.Start start =
            restored == null ? EpochLoop.Start.fresh(net) : EpochLoop.Start.of(restored);
        SparkTrainer trainer = trainer(sc, restored == null ? net : restored.network(), workers);
        SplitMetrics metrics =
            new SplitMetrics(data.manifest().classification(), data.manifest().numClasses());
        EpochLoop.Outcome outcome =
            new EpochLoop(
                    run,
                    o,
                    trainer,
                    exports.train().paths(),
                    exports.validationRdd(),
                    metrics,
                    checkpoints,
                    o.fingerprint(data.sha256()),
                    pause)
                .run(start);
        outcome.best().getLayerWiseConfigurations().setEpochCount(outcome.bestEpoch());
        ModelInfo.TestMetrics test =
            run.phase(
                "test",
                () ->
                    metrics.test(sc, outcome.best(), exports.testRdd(), exports.test().examples()));
        logTest(test, outcome.bestEpoch());
        ModelInfo info = modelInfo(outcome, test, exports.train(), workers, backend);
        run.phase("write", () -> write(output, exportDir, outcome.best(), info, trainer, sc));
        output.commit();
        finish(outcome, exports, checkpoints);
        return new Result(output.target().toString(), info);
      } finally {
        deleteQuietly(output.fs(), new Path(exportDir));
      }
    }
  }

  private static String qualified(String dir, JavaSparkContext sc) {
    try {
      Path p = new Path(dir);
      return p.getFileSystem(sc.hadoopConfiguration()).makeQualified(p).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Backend backend(int workers) {
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    String name =
        String.valueOf(env.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName()));
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    Integer threads = configureThreads(run.spark(), workers);
    Object blas = env.get("blas.vendor");
    LOG.info(
        "ND4J backend {} ({}), {} device(s), BLAS {}, {} ND4J thread(s) per task, {} worker(s)",
        name,
        Nd4j.getBackend().getClass().getName(),
        devices,
        blas,
        threads,
        workers);
    Manifest m = data.manifest();
    run.attribute("model", o.model());
    run.attribute("dataset", m.dataset() == null ? o.data() : m.dataset());
    run.attribute("nd4j.backend", name);
    return new Backend(name, devices, threads, blas == null ? null : String.valueOf(blas));
  }

  /** The checkpoint directory; an earlier run's checkpoint there needs --resume. */
  private Checkpoints checkpoints(JavaSparkContext sc) {
    Checkpoints checkpoints = new Checkpoints(o.checkpointDir(), sc.hadoopConfiguration());
    if (!o.resume() && checkpoints.exists()) {
      throw VerdantException.of(
          "A checkpoint of an earlier run is in %s: pass --resume to continue it, or delete that directory to start over",
          o.checkpointDir());
    }
    if (o.resume() && !checkpoints.exists()) {
      LOG.info("--resume: no checkpoint in {}; starting from epoch 1", o.checkpointDir());
    }
    return checkpoints;
  }

  /** Minibatches of every split, exported once on the executors. */
  private Exports export(JavaSparkContext sc, int workers, String exportDir) {
    SparkSession spark = run.spark();
    Manifest m = data.manifest();
    int outputs = m.classification() ? m.numClasses() : 1;
    MinibatchExport.Exported train =
        run.phase(
            "export",
            () ->
                MinibatchExport.exportTrain(
                    spark,
                    data.tablePath(),
                    outputs,
                    m.classification(),
                    o.batchSize(),
                    workers,
                    o.seed(),
                    exportDir,
                    true));
    MinibatchExport.Exported validation = exportEval(FeatureTable.VALIDATION, outputs, exportDir);
    MinibatchExport.Exported test = exportEval(FeatureTable.TEST, outputs, exportDir);
    if (train.paths().isEmpty()) {
      throw VerdantException.of(
          "%s: the train split has %d rows, fewer than one minibatch per worker (--batch-size %d)",
          o.data(), m.rows(FeatureTable.TRAIN), o.batchSize());
    }
    return new Exports(train, test, pathsRdd(sc, validation, workers), pathsRdd(sc, test, workers));
  }

  /** One evaluation split's minibatches, every row kept. */
  private MinibatchExport.Exported exportEval(String split, int outputs, String exportDir) {
    return run.phase(
        "export",
        () ->
            MinibatchExport.exportEval(
                run.spark(),
                data.tablePath(),
                split,
                outputs,
                data.manifest().classification(),
                o.evalBatchSize(),
                exportDir));
  }

  private static JavaRDD<String> pathsRdd(
      JavaSparkContext sc, MinibatchExport.Exported split, int workers) {
    return split.paths().isEmpty()
        ? null
        : sc.parallelize(split.paths(), Math.min(workers, split.paths().size())).cache();
  }

  private MultiLayerNetwork freshNetwork() {
    MultiLayerNetwork net =
        new MultiLayerNetwork(Architectures.build(o.model(), shape(data.manifest()), hyper()));
    net.init();
    LOG.info(
        "Model {}: {} parameters{}{}",
        o.model(),
        net.numParams(),
        System.lineSeparator(),
        net.summary());
    return net;
  }

  private Checkpoints.Loaded resume(Checkpoints checkpoints) {
    Checkpoints.Loaded c = checkpoints.read();
    if (!o.fingerprint(data.sha256()).equals(c.state().fingerprint())) {
      throw VerdantException.of(
          "--resume: the checkpoint in %s was made with other training options or data (model, batch size, averaging frequency, workers, updater, learning rate, schedule, l2, dropout, seed or dataset differ); rerun with the same options, or delete it to start over",
          o.checkpointDir());
    }
    LOG.info(
        "Resuming from the checkpoint after epoch {} in {}",
        c.state().epochsDone(),
        o.checkpointDir());
    return c;
  }

  private SparkTrainer trainer(JavaSparkContext sc, MultiLayerNetwork net, int workers) {
    List<TrainingHook> hooks = o.dropout() > 0 ? List.of(new SeedWorkerRng(o.seed())) : List.of();
    return new SparkTrainer(
        sc,
        net,
        new SparkTrainer.Settings(
            workers, o.batchSize(), o.averagingFrequency(), o.prefetch(), o.stats()),
        hooks);
  }

  private static void logTest(ModelInfo.TestMetrics t, int bestEpoch) {
    if (t.accuracy() != null) {
      LOG.info(
          "Test accuracy of the best model (epoch {}): {}%, macro F1 {}",
          bestEpoch,
          String.format(Locale.ROOT, "%.2f", 100 * t.accuracy()),
          String.format(Locale.ROOT, "%.4f", t.macroF1()));
    } else if (t.rmse() != null) {
      LOG.info("Test RMSE of the best model (epoch {}): {}, R^2 {}", bestEpoch, t.rmse(), t.r2());
    }
  }

  private ModelInfo modelInfo(
      EpochLoop.Outcome outcome,
      ModelInfo.TestMetrics test,
      MinibatchExport.Exported train,
      int workers,
      Backend backend) {
    Manifest m = data.manifest();
    ModelInfo.Dataset dataset =
        new ModelInfo.Dataset(
            data.tablePath().replaceAll("/" + FeatureTable.TABLE_DIR + "$", ""),
            m.dataset(),
            data.sha256(),
            m.rows(FeatureTable.TRAIN),
            m.rows(FeatureTable.VALIDATION),
            m.rows(FeatureTable.TEST));
    double wallSeconds = run.phaseWallMs().values().stream().mapToLong(Long::longValue).sum() / 1e3;
    ModelInfo.Training training =
        new ModelInfo.Training(
            outcome.history().size(),
            outcome.bestEpoch(),
            outcome.stoppedEarly(),
            outcome.resumedAfter(),
            workers,
            train.examples(),
            train.dropped(),
            train.paths().size(),
            outcome.trainSeconds(),
            wallSeconds);
    return new ModelInfo(
        ModelInfo.CURRENT_SCHEMA_VERSION,
        run.runId(),
        Instant.now().toString(),
        o.model(),
        outcome.best().numParams(),
        InputContract.of(m),
        dataset,
        effectiveOptions,
        training,
        outcome.history(),
        test,
        versions(run.spark()),
        new ModelInfo.Nd4jInfo(
            backend.name(), backend.devices(), backend.threads(), backend.blas()));
  }

  private void write(
      AtomicOutput output,
      String exportDir,
      MultiLayerNetwork best,
      ModelInfo info,
      SparkTrainer trainer,
      JavaSparkContext sc) {
    FileSystem fs = output.fs();
    try {
      fs.delete(new Path(exportDir), true);
      Checkpoints.writeModel(fs, new Path(output.temp(), ModelFiles.MODEL_ZIP), best);
      ModelStore.writeInfo(fs, output.temp(), info);
      if (o.stats() && trainer.stats() != null) {
        StatsUtils.exportStatsAsHtml(
            trainer.stats(), new Path(output.temp(), STATS_FILE).toString(), sc);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Cannot write the model to " + output.temp() + ": " + e, e);
    }
  }

  private void finish(EpochLoop.Outcome outcome, Exports exports, Checkpoints checkpoints) {
    if (outcome.budgetStop() != null) {
      run.stoppedForBudget(outcome.budgetStop());
    }
    exports.unpersist();
    if (!o.keepCheckpoint()) {
      checkpoints.delete();
    }
  }

  private Architectures.Hyper hyper() {
    return new Architectures.Hyper(
        o.updater(), o.learningRate(1), o.momentum(), o.l2(), o.dropout(), o.seed());
  }

  /**
   * Where minibatches go: {@code verdant.dl4j.exportDir/<run id>} when set, else a folder under the
   * output's temp dir.
   */
  private String exportDir(AtomicOutput output) {
    String prop = System.getProperty(EXPORT_DIR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return new Path(prop, run.runId()).toString();
    }
    return new Path(output.temp(), "_minibatches").toString();
  }

  /**
   * ND4J threads per task = cores / task slots. In local mode this JVM runs the tasks: unless
   * OMP_NUM_THREADS was given, its ND4J thread count is set here. Executors elsewhere get
   * OMP_NUM_THREADS from {@code spark.executorEnv.OMP_NUM_THREADS} (set by the command unless the
   * operator set it).
   */
  public static Integer configureThreads(SparkSession spark, int workers) {
    String omp = System.getenv("OMP_NUM_THREADS");
    if (spark.sparkContext().isLocal() && (omp == null || omp.isBlank())) {
      int t = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workers));
      Nd4j.getEnvironment().setMaxThreads(t);
      Nd4j.getEnvironment().setMaxMasterThreads(t);
      return t;
    }
    return Nd4j.getEnvironment().maxThreads();
  }

  private static Map<String, String> versions(SparkSession spark) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("verdant", Versions.verdant());
    v.put("dl4j", Versions.dl4j());
    v.put("spark", spark.version());
    v.put("sparkBuilt", Versions.sparkBuilt());
    v.put("java", Versions.java());
    return v;
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", p, e.toString());
    }
  }

  /** Restores a saved model directory's network (with its updater state). */
  public static MultiLayerNetwork loadModel(String modelDir, Configuration conf) {
    Path p = new Path(modelDir, ModelFiles.MODEL_ZIP);
    try (java.io.InputStream in = p.getFileSystem(conf).open(p)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + p, e);
    }
  }

  /**
   * With dropout, seeds each worker's ND4J random generator before every minibatch from (seed,
   * iteration, task), so dropout masks, like the data order, depend only on the seed: a resumed run
   * repeats them.
   */
  static final class SeedWorkerRng implements TrainingHook {
    private static final long serialVersionUID = 1L;
    private final long seed;

    SeedWorkerRng(long seed) {
      this.seed = seed;
    }

    @Override
    public void preUpdate(DataSet minibatch, Model model) {
      seed(model);
    }

    @Override
    public void postUpdate(DataSet minibatch, Model model) {}

    @Override
    public void preUpdate(MultiDataSet minibatch, Model model) {
      seed(model);
    }

    @Override
    public void postUpdate(MultiDataSet minibatch, Model model) {}

    private void seed(Model model) {
      TaskContext tc = TaskContext.get();
      int part = tc == null ? 0 : tc.partitionId();
      int iter = model instanceof MultiLayerNetwork n ? n.getIterationCount() : 0;
      Nd4j.getRandom().setSeed(SparkTrainer.mix(seed ^ (31L * part), iter));
    }
  }
}
