package io.verdant.jobs.train;

import io.verdant.common.VerdantException;
import io.verdant.common.run.JobRun;
import io.verdant.jobs.model.EpochMetrics;
import io.verdant.jobs.plan.GridPause;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epochs of a train run: fit with {@link SparkTrainer}, evaluate on validation, keep the best
 * network, checkpoint after every epoch, and stop early (--patience), for the energy budget, or on
 * divergence; pause for the grid before an epoch (--pause-above).
 *
 * @param pause when to pause for the grid, checked before every epoch (null: never)
 */
record EpochLoop(
    JobRun run,
    TrainOptions o,
    SparkTrainer trainer,
    List<String> trainPaths,
    JavaRDD<String> validation,
    SplitMetrics metrics,
    Checkpoints checkpoints,
    String fingerprint,
    GridPause pause) {
  private static final Logger LOG = LoggerFactory.getLogger(EpochLoop.class);

  /** Where training stands before the loop: fresh, or restored from a checkpoint. */
  record Start(
      MultiLayerNetwork best,
      List<EpochMetrics> history,
      int nextEpoch,
      int bestEpoch,
      double bestScore,
      int epochsSinceBest,
      Integer resumedAfter) {
    static Start fresh(MultiLayerNetwork net) {
      return new Start(net.clone(), List.of(), 1, 0, Double.NEGATIVE_INFINITY, 0, null);
    }

    static Start of(Checkpoints.Loaded c) {
      Checkpoints.State s = c.state();
      return new Start(
          c.best(),
          s.history(),
          s.epochsDone() + 1,
          s.bestEpoch(),
          s.bestScore(),
          s.epochsSinceBest(),
          s.epochsDone());
    }
  }

  /**
   * How the loop ended: the best network and its epoch, every epoch's figures, and why it stopped
   * before the last.
   */
  record Outcome(
      MultiLayerNetwork best,
      int bestEpoch,
      List<EpochMetrics> history,
      boolean stoppedEarly,
      String budgetStop,
      Integer resumedAfter,
      double trainSeconds) {}

  Outcome run(Start start) {
    Progress p = new Progress(start);
    EnergyBudget budget =
        o.energyBudgetWh() > 0
            ? new EnergyBudget(
                o.energyBudgetWh(), o.epochs(), run.energySoFarJ() / 3600.0, start.nextEpoch())
            : null;
    long t0 = System.nanoTime();
    for (int epoch = start.nextEpoch(); epoch <= o.epochs(); epoch++) {
      if (o.patience() > 0 && p.sinceBest >= o.patience()) {
        LOG.info(
            "Early stop after epoch {}: no better validation metric for {} epoch(s) (best: epoch {})",
            p.lastEpoch,
            o.patience(),
            p.bestEpoch);
        return p.outcome(true, null);
      }
      // The checkpoint after the last epoch is written: pausing here loses nothing.
      Optional<GridPause.Pause> paused =
          pause == null ? Optional.empty() : pause.check(System.currentTimeMillis());
      if (paused.isPresent()) {
        throw paused.get().exception(p.lastEpoch, o.checkpointDir());
      }
      EpochMetrics em = epoch(epoch, p.lastEpoch);
      p.add(
          epoch, em, validation == null ? -em.trainLoss() : em.selectionScore(), trainer.network());
      checkpoint(p);
      logEpoch(em, epoch, start.nextEpoch(), (System.nanoTime() - t0) / 1e9);
      Optional<String> stop =
          budget == null
              ? Optional.empty()
              : budget.check(epoch, run.energySoFarJ() / 3600.0, p.bestEpoch);
      if (stop.isPresent()) {
        LOG.warn("Stopping: {}", stop.get());
        return p.outcome(true, stop.get());
      }
    }
    return p.outcome(false, null);
  }

  /** Where the loop stands: every epoch's figures, the best network so far and the epochs since. */
  private static final class Progress {
    private final List<EpochMetrics> history;
    private final Integer resumedAfter;
    private MultiLayerNetwork best;
    private int bestEpoch;
    private double bestScore;
    private int sinceBest;
    private int lastEpoch;

    Progress(Start s) {
      history = new ArrayList<>(s.history());
      resumedAfter = s.resumedAfter();
      best = s.best();
      bestEpoch = s.bestEpoch();
      bestScore = s.bestScore();
      sinceBest = s.epochsSinceBest();
      lastEpoch = s.nextEpoch() - 1;
    }

    /** Adds an epoch's figures; {@code net} becomes the best when its score is higher. */
    void add(int epoch, EpochMetrics em, double score, MultiLayerNetwork net) {
      history.add(em);
      if (score > bestScore) {
        bestScore = score;
        bestEpoch = epoch;
        best = net.clone();
        sinceBest = 0;
      } else {
        sinceBest++;
      }
      lastEpoch = epoch;
    }

    Outcome outcome(boolean early, String budgetStop) {
      double trainSeconds = history.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
      return new Outcome(
          best, bestEpoch, List.copyOf(history), early, budgetStop, resumedAfter, trainSeconds);
    }
  }

  /** Checkpoints the network after the last epoch, and the best one. */
  private void checkpoint(Progress p) {
    checkpoints.write(
        new Checkpoints.State(
            1,
            run.runId(),
            fingerprint,
            p.lastEpoch,
            o.seed(),
            SparkTrainer.mix(o.seed(), p.lastEpoch + 1),
            p.bestEpoch,
            p.bestScore,
            p.sinceBest,
            p.history),
        trainer.network(),
        p.best);
  }

  /** Fits one epoch and evaluates it. */
  private EpochMetrics epoch(int epoch, int lastGoodEpoch) {
    long te = System.nanoTime();
    double energyBefore = run.energySoFarJ();
    double lr = o.learningRate(epoch);
    trainer.network().setLearningRate(lr);
    SparkTrainer.EpochResult r;
    try {
      r =
          run.phase(
              "train",
              () -> trainer.fitEpoch(SparkTrainer.epochOrder(trainPaths, o.seed(), epoch)));
    } catch (SparkTrainer.DivergedException d) {
      throw diverged(epoch, d.getMessage(), checkpoints.exists() ? lastGoodEpoch : 0);
    }
    EpochMetrics em =
        run.phase("evaluate", () -> metrics.epoch(trainer, validation, epoch, lr, r, 0));
    return new EpochMetrics(
        em.epoch(),
        em.learningRate(),
        em.trainLoss(),
        em.validationAccuracy(),
        em.validationMacroF1(),
        em.validationRmse(),
        em.validationR2(),
        r.seconds(),
        (System.nanoTime() - te) / 1e9,
        energySince(energyBefore));
  }

  /**
   * The run's energy since {@code before} (J), or null when the run is not measured (no ledger).
   */
  private Double energySince(double before) {
    double used = run.energySoFarJ() - before;
    return Double.isNaN(used) ? null : used;
  }

  private void logEpoch(EpochMetrics em, int epoch, int startEpoch, double elapsed) {
    int done = epoch - startEpoch + 1;
    double left = elapsed / done * (o.epochs() - epoch);
    String metric =
        em.validationAccuracy() != null
            ? String.format(
                Locale.ROOT,
                "validation accuracy %.2f%%, macro F1 %.4f",
                100 * em.validationAccuracy(),
                em.validationMacroF1())
            : em.validationRmse() != null
                ? String.format(
                    Locale.ROOT,
                    "validation RMSE %.5g, R^2 %.4f",
                    em.validationRmse(),
                    em.validationR2())
                : "no validation split";
    LOG.info(
        "Epoch {}/{}: train loss {}, {} (lr {}, train {} s, epoch {} s; elapsed {}, about {} left)",
        epoch,
        o.epochs(),
        String.format(Locale.ROOT, "%.4f", em.trainLoss()),
        metric,
        em.learningRate(),
        String.format(Locale.ROOT, "%.1f", em.trainSeconds()),
        String.format(Locale.ROOT, "%.1f", em.epochSeconds()),
        duration(elapsed),
        duration(left));
  }

  static String duration(double s) {
    long t = Math.round(s);
    return t >= 60 ? String.format(Locale.ROOT, "%d min %02d s", t / 60, t % 60) : t + " s";
  }

  private VerdantException diverged(int epoch, String what, int lastGood) {
    String kept =
        lastGood > 0
            ? String.format(
                Locale.ROOT,
                "the last good checkpoint (after epoch %d) is kept in %s",
                lastGood,
                o.checkpointDir())
            : "no checkpoint was written yet";
    return VerdantException.of(
        "Training diverged in epoch %d: %s; %s. Lower --learning-rate (now %s) or add --l2, then rerun%s",
        epoch,
        what,
        kept,
        o.learningRate(),
        lastGood > 0 ? " (delete the checkpoint to start over with new options)" : "");
  }
}
