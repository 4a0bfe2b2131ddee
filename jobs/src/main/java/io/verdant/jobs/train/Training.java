package io.verdant.jobs.train;

import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.Versions;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.common.run.JobRun;
import io.verdant.datasets.table.FeatureTable;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.eval.RegressionStats;
import io.verdant.jobs.eval.SparkEvaluation;
import io.verdant.jobs.nn.Architectures;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The train job's work: export minibatches once, train epoch by epoch with {@link SparkTrainer} (evaluating on
 * the validation split, checkpointing, keeping the best model, stopping early or on divergence), evaluate the
 * best model on the test split, and write {@code model.zip} and {@code model.json} atomically.
 */
public final class Training {
  private static final Logger LOG = LoggerFactory.getLogger(Training.class);
  public static final String EXPORT_DIR_PROPERTY = "verdant.dl4j.exportDir";
  public static final String STATS_FILE = "training-stats.html";

  /** What the job produced. */
  public record Result(String modelDir, ModelInfo info) {}

  private final JobRun run;
  private final TrainOptions o;
  private final Manifest.Loaded data;
  private final Map<String, String> effectiveOptions;

  public Training(JobRun run, TrainOptions options, Manifest.Loaded data, Map<String, String> effectiveOptions) {
    this.run = run;
    this.o = options;
    this.data = data;
    this.effectiveOptions = effectiveOptions;
  }

  /** The default checkpoint directory of an output: a hidden sibling {@code .<name>.checkpoint}. */
  public static String defaultCheckpointDir(String out) {
    Path p = new Path(out);
    return new Path(p.getParent() == null ? new Path(".") : p.getParent(), "." + p.getName() + ".checkpoint").toString();
  }

  public static Architectures.DataShape shape(Manifest m) {
    return new Architectures.DataShape(m.classification(), m.featureCount(), m.shape(), m.numClasses());
  }

  public Result run() {
    SparkSession spark = run.spark();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hconf = sc.hadoopConfiguration();
    Manifest m = data.manifest();
    String runId = run.runId();

    // Idempotent rerun: the complete output of this run id is already in place.
    Path target = new Path(o.out());
    try {
      FileSystem fs = target.getFileSystem(hconf);
      if (fs.exists(new Path(target, ModelInfo.FILE))) {
        ModelInfo existing = ModelInfo.read(o.out(), hconf);
        if (runId.equals(existing.runId())) {
          LOG.info("{} already holds the complete output of run {}; nothing to do", o.out(), runId);
          return new Result(fs.makeQualified(target).toString(), existing);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }

    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    String backend = String.valueOf(env.getOrDefault("backend", Nd4j.getBackend().getClass().getSimpleName()));
    int devices = Nd4j.getAffinityManager().getNumberOfDevices();
    int workers = o.workers() > 0 ? o.workers() : sc.defaultParallelism();
    Integer threads = configureThreads(spark, workers);
    LOG.info("ND4J backend {} ({}), {} device(s), BLAS {}, {} ND4J thread(s) per task, {} worker(s)", backend,
        Nd4j.getBackend().getClass().getName(), devices, env.get("blas.vendor"), threads, workers);
    run.attribute("model", o.model());
    run.attribute("dataset", m.dataset() == null ? o.data() : m.dataset());
    run.attribute("nd4j.backend", backend);

    Architectures.DataShape shape = shape(m);
    int outputs = m.classification() ? m.numClasses() : 1;
    String fingerprint = o.fingerprint(data.sha256());
    Checkpoints checkpoints = new Checkpoints(o.checkpointDir(), hconf);
    boolean resuming = o.resume() && checkpoints.exists();
    if (!o.resume() && checkpoints.exists()) {
      throw VerdantException.of("A checkpoint of an earlier run is in %s: pass --resume to continue it, or delete that directory to start over",
          o.checkpointDir());
    }
    if (o.resume() && !resuming) {
      LOG.info("--resume: no checkpoint in {}; starting from epoch 1", o.checkpointDir());
    }

    try (AtomicOutput output = AtomicOutput.begin(o.out(), runId, o.overwrite(), "--out", hconf)) {
      FileSystem fs = output.fs();
      String exportDir = exportDir(output);
      try {
        // 1. Minibatches, exported once on the executors.
        MinibatchExport.Exported train = run.phase("export", () -> MinibatchExport.exportTrain(spark, data.tablePath(),
            outputs, m.classification(), o.batchSize(), workers, o.seed(), exportDir, true));
        MinibatchExport.Exported validation = run.phase("export", () -> MinibatchExport.exportEval(spark, data.tablePath(),
            FeatureTable.VALIDATION, outputs, m.classification(), o.evalBatchSize(), exportDir));
        MinibatchExport.Exported test = run.phase("export", () -> MinibatchExport.exportEval(spark, data.tablePath(),
            FeatureTable.TEST, outputs, m.classification(), o.evalBatchSize(), exportDir));
        if (train.paths().isEmpty()) {
          throw VerdantException.of("%s: the train split has %d rows, fewer than one minibatch per worker (--batch-size %d)",
              o.data(), m.rows(FeatureTable.TRAIN), o.batchSize());
        }
        JavaRDD<String> valRdd = validation.paths().isEmpty() ? null
            : sc.parallelize(validation.paths(), Math.min(workers, validation.paths().size())).cache();
        JavaRDD<String> testRdd = test.paths().isEmpty() ? null
            : sc.parallelize(test.paths(), Math.min(workers, test.paths().size())).cache();

        // 2. The network: fresh, or the checkpoint's.
        MultiLayerNetwork net;
        MultiLayerNetwork best;
        List<EpochMetrics> history = new ArrayList<>();
        int startEpoch = 1;
        int bestEpoch = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        int sinceBest = 0;
        Integer resumedAfter = null;
        if (resuming) {
          Checkpoints.Loaded c = checkpoints.read();
          if (!fingerprint.equals(c.state().fingerprint())) {
            throw VerdantException.of("--resume: the checkpoint in %s was made with other training options or data (model, batch size, averaging frequency, workers, updater, learning rate, schedule, l2, dropout, seed or dataset differ); rerun with the same options, or delete it to start over",
                o.checkpointDir());
          }
          net = c.network();
          best = c.best();
          history.addAll(c.state().history());
          startEpoch = c.state().epochsDone() + 1;
          bestEpoch = c.state().bestEpoch();
          bestScore = c.state().bestScore();
          sinceBest = c.state().epochsSinceBest();
          resumedAfter = c.state().epochsDone();
          LOG.info("Resuming from the checkpoint after epoch {} in {}", resumedAfter, o.checkpointDir());
        } else {
          net = new MultiLayerNetwork(Architectures.build(o.model(), shape, hyper()));
          net.init();
          best = net.clone();
        }
        LOG.info("Model {}: {} parameters{}{}", o.model(), net.numParams(), System.lineSeparator(), net.summary());

        // 3. Epochs.
        List<TrainingHook> hooks = o.dropout() > 0 ? List.of(new SeedWorkerRng(o.seed())) : List.of();
        SparkTrainer trainer = new SparkTrainer(sc, net, new SparkTrainer.Settings(workers, o.batchSize(),
            o.averagingFrequency(), o.prefetch(), o.stats()), hooks);
        long t0 = System.nanoTime();
        double trainSeconds = history.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
        boolean stoppedEarly = false;
        int lastEpoch = startEpoch - 1;
        String budgetStop = null;
        double energyBeforeEpochsJ = o.energyBudgetWh() > 0 ? run.energySoFarJ() : Double.NaN;
        for (int epoch = startEpoch; epoch <= o.epochs(); epoch++) {
          if (o.patience() > 0 && sinceBest >= o.patience()) {
            stoppedEarly = true;
            break;
          }
          final int e = epoch;
          long te = System.nanoTime();
          double lr = o.learningRate(epoch);
          trainer.network().setLearningRate(lr);
          SparkTrainer.EpochResult r;
          try {
            r = run.phase("train", () -> trainer.fitEpoch(SparkTrainer.epochOrder(train.paths(), o.seed(), e), null));
          } catch (SparkTrainer.DivergedException d) {
            throw diverged(epoch, d.getMessage(), checkpoints.exists() ? lastEpoch : 0);
          }
          trainSeconds += r.seconds();
          EpochMetrics em = run.phase("evaluate", () -> evaluate(trainer, valRdd, m.classification(), m.numClasses(), e, lr,
              r, (System.nanoTime() - te) / 1e9));
          double secs = (System.nanoTime() - te) / 1e9;
          em = new EpochMetrics(em.epoch(), em.learningRate(), em.trainLoss(), em.validationAccuracy(), em.validationMacroF1(),
              em.validationRmse(), em.validationR2(), r.seconds(), secs);
          history.add(em);
          double score = valRdd == null ? -em.trainLoss() : em.selectionScore();
          if (score > bestScore) {
            bestScore = score;
            bestEpoch = epoch;
            best = trainer.network().clone();
            sinceBest = 0;
          } else {
            sinceBest++;
          }
          lastEpoch = epoch;
          checkpoints.write(new Checkpoints.State(1, runId, fingerprint, epoch, o.seed(), SparkTrainer.mix(o.seed(), epoch + 1),
              bestEpoch, bestScore, sinceBest, history), trainer.network(), best);
          logEpoch(em, epoch, startEpoch, (System.nanoTime() - t0) / 1e9);
          if (o.energyBudgetWh() > 0 && epoch < o.epochs()) {
            // Projection: energy so far plus the mean energy of this run's epochs for each epoch left.
            double usedWh = run.energySoFarJ() / 3600.0;
            double perEpochWh = (usedWh - energyBeforeEpochsJ / 3600.0) / (epoch - startEpoch + 1);
            double projectedWh = usedWh + perEpochWh * (o.epochs() - epoch);
            if (projectedWh > o.energyBudgetWh()) {
              budgetStop = String.format(java.util.Locale.ROOT,
                  "energy budget: %.4f Wh projected for %d epochs (%.4f Wh used after epoch %d, %.4f Wh per epoch) exceeds"
                      + " --energy-budget-wh %s; stopped after epoch %d, keeping the best model (epoch %d)",
                  projectedWh, o.epochs(), usedWh, epoch, perEpochWh, o.energyBudgetWh(), epoch, bestEpoch);
              LOG.warn("Stopping: {}", budgetStop);
              stoppedEarly = true;
              break;
            }
          }
        }
        if (stoppedEarly && budgetStop == null) {
          LOG.info("Early stop after epoch {}: no better validation metric for {} epoch(s) (best: epoch {})", lastEpoch,
              o.patience(), bestEpoch);
        }

        // 4. The best model on the test split.
        best.getLayerWiseConfigurations().setEpochCount(bestEpoch);
        MultiLayerNetwork finalBest = best;
        ModelInfo.TestMetrics testMetrics = run.phase("test", () -> testMetrics(sc, finalBest, trainer.settings(), testRdd,
            m.classification(), m.numClasses(), test.examples()));
        if (testMetrics.accuracy() != null) {
          LOG.info("Test accuracy of the best model (epoch {}): {}%, macro F1 {}", bestEpoch,
              String.format("%.2f", 100 * testMetrics.accuracy()), String.format("%.4f", testMetrics.macroF1()));
        } else if (testMetrics.rmse() != null) {
          LOG.info("Test RMSE of the best model (epoch {}): {}, R^2 {}", bestEpoch, testMetrics.rmse(), testMetrics.r2());
        }

        // 5. The output, atomically.
        ModelInfo info = new ModelInfo(ModelInfo.CURRENT_SCHEMA_VERSION, runId, Instant.now().toString(), o.model(),
            best.numParams(), m.task(), m.shape(), m.featureCount(), m.numClasses(),
            new ModelInfo.Dataset(data.tablePath().replaceAll("/" + FeatureTable.TABLE_DIR + "$", ""), m.dataset(), data.sha256(),
                m.rows(FeatureTable.TRAIN), m.rows(FeatureTable.VALIDATION), m.rows(FeatureTable.TEST)),
            effectiveOptions,
            new ModelInfo.Training(history.size(), bestEpoch, stoppedEarly, resumedAfter, workers, train.examples(),
                train.dropped(), train.paths().size(), trainSeconds, run.phaseWallMs().values().stream().mapToLong(Long::longValue).sum() / 1e3),
            history, testMetrics, versions(spark), new ModelInfo.Nd4jInfo(backend, devices, threads,
                env.get("blas.vendor") == null ? null : String.valueOf(env.get("blas.vendor"))));
        run.phase("write", () -> {
          try {
            fs.delete(new Path(exportDir), true);
            Checkpoints.writeModel(fs, new Path(output.temp(), ModelInfo.MODEL_ZIP), finalBest);
            try (OutputStream os = fs.create(new Path(output.temp(), ModelInfo.FILE), true)) {
              Json.MAPPER.writeValue(os, info);
            }
            if (o.stats() && trainer.stats() != null) {
              StatsUtils.exportStatsAsHtml(trainer.stats(), new Path(output.temp(), STATS_FILE).toString(), sc);
            }
          } catch (Exception e) {
            throw new IllegalStateException("Cannot write the model to " + output.temp() + ": " + e, e);
          }
        });
        output.commit();
        if (budgetStop != null) {
          run.stoppedForBudget(budgetStop);
        }
        if (valRdd != null) {
          valRdd.unpersist();
        }
        if (testRdd != null) {
          testRdd.unpersist();
        }
        if (!o.keepCheckpoint()) {
          checkpoints.delete();
        }
        return new Result(output.target().toString(), info);
      } finally {
        deleteQuietly(fs, new Path(exportDir));
      }
    }
  }

  private Architectures.Hyper hyper() {
    return new Architectures.Hyper(o.updater(), o.learningRate(1), o.momentum(), o.l2(), o.dropout(), o.seed());
  }

  /** Where minibatches go: {@code verdant.dl4j.exportDir/<run id>} when set, else a folder under the output's temp dir. */
  private String exportDir(AtomicOutput output) {
    String prop = System.getProperty(EXPORT_DIR_PROPERTY);
    if (prop != null && !prop.isBlank()) {
      return new Path(prop, run.runId()).toString();
    }
    return new Path(output.temp(), "_minibatches").toString();
  }

  /**
   * ND4J threads per task = cores / task slots. In local mode this JVM runs the tasks: unless OMP_NUM_THREADS
   * was given, its ND4J thread count is set here. Executors elsewhere get OMP_NUM_THREADS from
   * {@code spark.executorEnv.OMP_NUM_THREADS} (set by the command unless the operator set it).
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

  private static EpochMetrics evaluate(SparkTrainer trainer, JavaRDD<String> valRdd, boolean classification,
      int numClasses, int epoch, double lr, SparkTrainer.EpochResult r, double secs) {
    if (valRdd == null) {
      return new EpochMetrics(epoch, lr, r.loss(), null, null, null, null, r.seconds(), secs);
    }
    if (classification) {
      Evaluation ev = trainer.evaluate(valRdd, new Evaluation(numClasses));
      return new EpochMetrics(epoch, lr, r.loss(), ev.accuracy(), ev.f1(org.nd4j.evaluation.EvaluationAveraging.Macro), null, null,
          r.seconds(), secs);
    }
    RegressionStats ev = trainer.evaluate(valRdd, new RegressionStats());
    return new EpochMetrics(epoch, lr, r.loss(), null, null, ev.rmse(), ev.r2(), r.seconds(), secs);
  }

  private static ModelInfo.TestMetrics testMetrics(JavaSparkContext sc, MultiLayerNetwork best, SparkTrainer.Settings s,
      JavaRDD<String> testRdd, boolean classification, int numClasses, long examples) {
    if (testRdd == null) {
      return new ModelInfo.TestMetrics(0, null, null, null, null);
    }
    if (classification) {
      Evaluation ev = SparkTrainer.evaluate(sc, best, testRdd, new Evaluation(numClasses));
      return new ModelInfo.TestMetrics(examples, ev.accuracy(), ev.f1(org.nd4j.evaluation.EvaluationAveraging.Macro), null, null);
    }
    RegressionStats re = SparkEvaluation.evaluate(sc, best, testRdd, new RegressionStats());
    return new ModelInfo.TestMetrics(examples, null, null, re.rmse(), re.r2());
  }

  private void logEpoch(EpochMetrics em, int epoch, int startEpoch, double elapsed) {
    int done = epoch - startEpoch + 1;
    double left = elapsed / done * (o.epochs() - epoch);
    String metric = em.validationAccuracy() != null
        ? String.format("validation accuracy %.2f%%, macro F1 %.4f", 100 * em.validationAccuracy(), em.validationMacroF1())
        : em.validationRmse() != null ? String.format("validation RMSE %.5g, R^2 %.4f", em.validationRmse(), em.validationR2())
        : "no validation split";
    LOG.info("Epoch {}/{}: train loss {}, {} (lr {}, train {} s, epoch {} s; elapsed {}, about {} left)", epoch, o.epochs(),
        String.format("%.4f", em.trainLoss()), metric, em.learningRate(), String.format("%.1f", em.trainSeconds()),
        String.format("%.1f", em.epochSeconds()), duration(elapsed), duration(left));
  }

  static String duration(double s) {
    long t = Math.round(s);
    return t >= 60 ? String.format("%d min %02d s", t / 60, t % 60) : t + " s";
  }

  private VerdantException diverged(int epoch, String what, int lastGood) {
    String kept = lastGood > 0
        ? String.format("the last good checkpoint (after epoch %d) is kept in %s", lastGood, o.checkpointDir())
        : "no checkpoint was written yet";
    return VerdantException.of("Training diverged in epoch %d: %s; %s. Lower --learning-rate (now %s) or add --l2, then rerun%s",
        epoch, what, kept, o.learningRate(), lastGood > 0 ? " (delete the checkpoint to start over with new options)" : "");
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
    Path p = new Path(modelDir, ModelInfo.MODEL_ZIP);
    try (java.io.InputStream in = p.getFileSystem(conf).open(p)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + p, e);
    }
  }

  /**
   * With dropout, seeds each worker's ND4J random generator before every minibatch from (seed, iteration, task),
   * so dropout masks, like the data order, depend only on the seed: a resumed run repeats them.
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
