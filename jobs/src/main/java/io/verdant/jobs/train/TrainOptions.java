package io.verdant.jobs.train;

import io.verdant.common.Checksums;
import io.verdant.common.VerdantException;
import io.verdant.jobs.nn.Architectures.UpdaterKind;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The train job's options, as validated by the command. */
public record TrainOptions(
    String data,
    String model,
    String out,
    int epochs,
    int batchSize,
    int averagingFrequency,
    int prefetch,
    int workers,
    UpdaterKind updater,
    double learningRate,
    double momentum,
    String lrSchedule,
    double l2,
    double dropout,
    long seed,
    int patience,
    boolean resume,
    String checkpointDir,
    boolean stats,
    boolean overwrite,
    boolean keepCheckpoint,
    int evalBatchSize,
    double energyBudgetWh) {

  /**
   * Default of {@code --batch-size}: examples per minibatch on each worker. DL4J spends about as
   * long dispatching a step's ops as computing a LeNet-300-100 step of 64 examples, so 128 halves
   * that overhead per example; 256 no longer reached 98.0% on MNIST (docs/train.md).
   */
  public static final int DEFAULT_BATCH_SIZE = 128;

  /** Default of {@code --learning-rate}: Nesterov momentum's, scaled with the batch size. */
  public static final double DEFAULT_LEARNING_RATE = 0.2;

  /**
   * Default of {@code --lr-schedule}: the rate shrinks by 0.7 each epoch. A constant rate left
   * LeNet-300-100 at 97.5-97.8% for several epochs; the decay reaches 98.0% sooner (docs/train.md).
   */
  public static final String DEFAULT_LR_SCHEDULE = "exp:0.7";

  /**
   * Default of {@code --averaging-frequency}: 2,560 examples per worker between averagings, as 40
   * minibatches of 64 were; 40 of 128 converged more slowly (docs/train.md).
   */
  public static final int DEFAULT_AVERAGING_FREQUENCY = 20;

  /**
   * Default of {@code --prefetch}: off, DL4J's async iterator once crashed a run (docs/train.md).
   */
  public static final int DEFAULT_PREFETCH = 0;

  /**
   * The learning rate of an epoch (1-based) under {@code --lr-schedule}: none, step:F:N or exp:G.
   */
  public double learningRate(int epoch) {
    return learningRate * scheduleFactor(lrSchedule, epoch);
  }

  public static double scheduleFactor(String schedule, int epoch) {
    String s = schedule.toLowerCase(Locale.ROOT);
    if (s.equals("none")) {
      return 1.0;
    }
    String[] p = s.split(":");
    if (p[0].equals("step")) {
      double f = Double.parseDouble(p[1]);
      int every = Integer.parseInt(p[2]);
      return Math.pow(f, (epoch - 1) / every);
    }
    return Math.pow(Double.parseDouble(p[1]), epoch - 1);
  }

  /** Checks {@code --lr-schedule}; the message states the accepted forms. */
  public static void checkSchedule(String schedule) {
    checkSchedule("--lr-schedule", schedule);
  }

  /**
   * Checks a learning rate schedule given as {@code option}; the message names the option and the
   * accepted forms.
   */
  public static void checkSchedule(String option, String schedule) {
    String s = schedule.toLowerCase(Locale.ROOT);
    if (s.equals("none")) {
      return;
    }
    String[] p = s.split(":", -1);
    try {
      if (p[0].equals("step") && p.length == 3) {
        double f = Double.parseDouble(p[1]);
        int every = Integer.parseInt(p[2]);
        if (f > 0 && f <= 1 && every >= 1) {
          return;
        }
      } else if (p[0].equals("exp") && p.length == 2) {
        double g = Double.parseDouble(p[1]);
        if (g > 0 && g <= 1) {
          return;
        }
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw VerdantException.of(
        "%s must be none, step:<factor>:<every-epochs> (factor in (0,1]) or exp:<gamma> (gamma in (0,1]), cannot be: %s",
        option, schedule);
  }

  /**
   * What must match for {@code --resume} to continue a checkpoint: everything that changes the
   * trained parameters (not --epochs, --patience, --prefetch, --stats or the paths).
   */
  public String fingerprint(String dataSha256) {
    String s =
        String.join(
            "|",
            model.toLowerCase(Locale.ROOT),
            String.valueOf(batchSize),
            String.valueOf(averagingFrequency),
            String.valueOf(workers),
            updater.name(),
            String.valueOf(learningRate),
            String.valueOf(momentum),
            lrSchedule.toLowerCase(Locale.ROOT),
            String.valueOf(l2),
            String.valueOf(dropout),
            String.valueOf(seed),
            dataSha256);
    return Checksums.sha256(s.getBytes(StandardCharsets.UTF_8));
  }
}
