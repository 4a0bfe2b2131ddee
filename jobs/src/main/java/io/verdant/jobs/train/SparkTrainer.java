package io.verdant.jobs.train;

import io.verdant.jobs.eval.Dl4jMetric;
import io.verdant.jobs.eval.PartialMetric;
import io.verdant.jobs.eval.RegressionStats;
import io.verdant.jobs.eval.SparkEvaluation;
import io.verdant.jobs.nn.DirectUpdater;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.evaluation.IEvaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous data-parallel training of a {@link MultiLayerNetwork} on Spark with DL4J's {@link
 * ParameterAveragingTrainingMaster}, from minibatches already exported as files (see {@link
 * MinibatchExport}).
 *
 * <p>Verdant drives the averaging rounds itself: an epoch is a seeded permutation of the minibatch
 * files, cut into rounds of {@code workers x averagingFrequency} files; each round is one small RDD
 * whose partition {@code i} holds worker {@code i}'s consecutive minibatches, handed to {@code
 * fitPaths} (repartition: never). So the data order depends only on (seed, epoch), which makes a
 * resumed run equal to an uninterrupted one, and no epoch pays for DL4J's export, count or random
 * split jobs. After each round the driver's network holds the averaged parameters and updater
 * state.
 *
 * <p>Reuse (e.g. retraining with pruning masks): build the network, export minibatches once, then
 * call {@link #fitEpoch} per epoch; a {@link TrainingHook} runs on the workers before and after
 * every minibatch update.
 */
public final class SparkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  /**
   * How to train. {@code workers}: parallel workers (Spark task slots); {@code batchSize}: examples
   * per minibatch (the exported files' size); {@code averagingFrequency}: minibatches each worker
   * fits between averagings; {@code prefetch}: minibatches a worker loads ahead asynchronously (0:
   * none); {@code collectStats}: DL4J's training timeline.
   */
  public record Settings(
      int workers, int batchSize, int averagingFrequency, int prefetch, boolean collectStats) {}

  /**
   * One epoch's outcome: the mean training loss over rounds (weighted by minibatches) and the
   * rounds run.
   */
  public record EpochResult(double loss, int rounds, int minibatches, double seconds) {}

  private final JavaSparkContext sc;
  private final Settings settings;
  private final RoundTrainingMaster master;
  private final SparkDl4jMultiLayer sparkNet;

  public SparkTrainer(
      JavaSparkContext sc, MultiLayerNetwork network, Settings settings, List<TrainingHook> hooks) {
    this.sc = sc;
    this.settings = settings;
    this.master = new RoundTrainingMaster(settings);
    if (hooks != null) {
      hooks.forEach(master::addHook);
    }
    this.sparkNet = new SparkDl4jMultiLayer(sc, network, master);
  }

  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }

  public SparkDl4jMultiLayer sparkNetwork() {
    return sparkNet;
  }

  public Settings settings() {
    return settings;
  }

  /** DL4J's training statistics (when collected), for {@code StatsUtils.exportStatsAsHtml}. */
  public SparkTrainingStats stats() {
    return master.getTrainingStats();
  }

  /**
   * The order of the minibatch files in an epoch: a permutation that depends only on (seed, epoch).
   */
  public static List<String> epochOrder(List<String> paths, long seed, int epoch) {
    List<String> order = new ArrayList<>(paths);
    Collections.sort(order);
    Collections.shuffle(order, new Random(mix(seed, epoch)));
    return order;
  }

  static long mix(long seed, long epoch) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xD1B54A32D192ED03L + 0x632BE59BD9B4E019L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Trains one epoch over {@code orderedPaths} (e.g. {@link #epochOrder}). Stops at the first round
   * whose loss or parameters are NaN or infinite and throws {@link DivergedException}; the network
   * then holds that round's (bad) parameters.
   */
  public EpochResult fitEpoch(List<String> orderedPaths) {
    long t0 = System.nanoTime();
    int perRound = minibatchesPerRound(orderedPaths.size());
    int rounds = (orderedPaths.size() + perRound - 1) / perRound;
    double weighted = 0;
    int batches = 0;
    for (int r = 0; r < rounds; r++) {
      List<String> round =
          orderedPaths.subList(r * perRound, Math.min(orderedPaths.size(), (r + 1) * perRound));
      // Partition i gets files [i*n/p, (i+1)*n/p): each worker fits its own consecutive
      // minibatches.
      int parts = Math.min(settings.workers(), round.size());
      JavaRDD<String> rdd = sc.parallelize(new ArrayList<>(round), parts);
      master.startRound(round.size(), (round.size() + parts - 1) / parts);
      sparkNet.fitPaths(rdd, new MinibatchFile.Loader());
      double loss = sparkNet.getScore();
      if (Double.isNaN(loss) || Double.isInfinite(loss)) {
        throw new DivergedException(r + 1, rounds, "training loss became " + loss);
      }
      double paramSum = network().params().sumNumber().doubleValue();
      if (Double.isNaN(paramSum) || Double.isInfinite(paramSum)) {
        throw new DivergedException(
            r + 1, rounds, "parameters became " + paramSum + " (loss " + loss + ")");
      }
      weighted += loss * round.size();
      batches += round.size();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    LOG.debug("Epoch of {} minibatches in {} rounds took {} s", batches, rounds, secs);
    return new EpochResult(batches == 0 ? Double.NaN : weighted / batches, rounds, batches, secs);
  }

  /**
   * Minibatches per averaging round: {@code workers x averagingFrequency}, or the whole epoch for a
   * single worker, whose "average" is its own parameters and updater state, so rounds would only
   * add a Spark job each (about 0.1 s) without changing what is learned.
   */
  int minibatchesPerRound(int epochMinibatches) {
    if (settings.workers() == 1) {
      return Math.max(1, epochMinibatches);
    }
    return settings.workers() * settings.averagingFrequency();
  }

  /** Evaluates the current network on exported minibatch files, distributed over the workers. */
  public <T extends IEvaluation<T>> T evaluate(JavaRDD<String> paths, T empty) {
    return evaluate(sc, network(), paths, empty);
  }

  /**
   * Evaluates the current network with a metric of Verdant's own (e.g. {@link RegressionStats}).
   */
  public <M extends PartialMetric<M>> M evaluate(JavaRDD<String> paths, M empty) {
    return SparkEvaluation.evaluate(sc, network(), paths, empty);
  }

  /**
   * Evaluates a network on exported minibatch files with a DL4J evaluation, see {@link
   * SparkEvaluation}.
   */
  public static <T extends IEvaluation<T>> T evaluate(
      JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<String> paths, T empty) {
    return SparkEvaluation.evaluate(sc, net, paths, new Dl4jMetric<>(empty)).evaluation();
  }

  /** The training loss or the parameters of a round were NaN or infinite. */
  public static final class DivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final int round;
    public final int rounds;

    DivergedException(int round, int rounds, String what) {
      super(what + " in averaging round " + round + " of " + rounds);
      this.round = round;
      this.rounds = rounds;
    }
  }

  /**
   * DL4J's parameter averaging master with the count job skipped: Verdant knows each round's size,
   * so the {@code count()} that DL4J runs before every fit (one extra Spark job per round) is not
   * needed.
   */
  static final class RoundTrainingMaster extends ParameterAveragingTrainingMaster {
    private static final long serialVersionUID = 1L;
    transient long expectedCount = -1;

    RoundTrainingMaster(Settings s) {
      super(
          true,
          s.workers(),
          s.batchSize(),
          s.batchSize(),
          s.averagingFrequency(),
          2,
          s.prefetch(),
          Repartition.Never,
          RepartitionStrategy.Balanced,
          null,
          s.collectStats());
    }

    /**
     * Sizes the next round: its minibatches, and how many each worker fits (DL4J's workers stop
     * after {@code averagingFrequency} minibatches, so a single worker's epoch-long round needs it
     * raised).
     */
    void startRound(int minibatches, int perWorker) {
      expectedCount = minibatches;
      averagingFrequency = perWorker;
    }

    @Override
    protected <T, R extends JavaRDDLike<T, R>> long getTotalDataSetObjectCount(
        JavaRDDLike<T, R> trainingData) {
      if (expectedCount >= 0) {
        return expectedCount;
      }
      return super.getTotalDataSetObjectCount(trainingData);
    }

    /**
     * DL4J's worker (the same broadcast, configuration and statistics as {@code
     * ParameterAveragingTrainingMaster}'s), whose networks update with a {@link DirectUpdater}.
     */
    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkDl4jMultiLayer network) {
      MultiLayerNetwork net = network.getNetwork();
      NetBroadcastTuple tuple =
          new NetBroadcastTuple(
              net.getLayerWiseConfigurations(), net.params(), net.getUpdater().getStateViewArray());
      if (collectTrainingStats) {
        stats.logBroadcastStart();
      }
      Broadcast<NetBroadcastTuple> broadcast = network.getSparkContext().broadcast(tuple);
      if (collectTrainingStats) {
        stats.logBroadcastEnd();
      }
      WorkerConfiguration configuration =
          new WorkerConfiguration(
              false,
              rddDataSetNumExamples,
              batchSizePerWorker,
              averagingFrequency,
              prefetchNumBatches,
              collectTrainingStats);
      return new DirectUpdateWorker(
          broadcast, saveUpdater, configuration, trainingHookList, listeners, getRouterProvider());
    }
  }

  /** DL4J's parameter averaging worker with a {@link DirectUpdater} where it applies. */
  static final class DirectUpdateWorker extends ParameterAveragingTrainingWorker {
    private static final long serialVersionUID = 1L;

    DirectUpdateWorker(
        Broadcast<NetBroadcastTuple> broadcast,
        boolean saveUpdater,
        WorkerConfiguration configuration,
        Collection<TrainingHook> hooks,
        Collection<TrainingListener> listeners,
        StatsStorageRouterProvider router) {
      super(broadcast, saveUpdater, configuration, hooks, listeners, router);
    }

    @Override
    public MultiLayerNetwork getInitialModel() {
      MultiLayerNetwork net = super.getInitialModel();
      DirectUpdater.install(net);
      return net;
    }
  }
}
