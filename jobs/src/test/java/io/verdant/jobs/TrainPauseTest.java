package io.verdant.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.verdant.common.ledger.LedgerReader;
import io.verdant.common.ledger.LedgerTables;
import io.verdant.common.run.JobRun;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import io.verdant.jobs.train.Training;
import io.verdant.testing.LocalSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train --pause-above on the MNIST slice: pause at an epoch boundary, resume to the uninterrupted
 * model, one ledger run.
 */
class TrainPauseTest {
  private static SparkSession spark;
  @TempDir static Path shared;
  private static Path table;
  static final String[] COMMON = {
    "--model",
    "mlp:784-32-10",
    "--batch-size",
    "32",
    "--averaging-frequency",
    "5",
    "--epochs",
    "3",
    "--dropout",
    "0.2"
  };

  @BeforeAll
  static void start() {
    spark = LocalSpark.start("train-pause");
    table = shared.resolve("mnist-slice");
    assertEquals(
        0,
        Verdant.run(IngestCommandTest.idxArgs(table, "--run-id", "ingest-slice", "--no-ledger")));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static String[] train(Path out, String... more) {
    List<String> a =
        new ArrayList<>(List.of("train", "--data", table.toString(), "--out", out.toString()));
    a.addAll(List.of(COMMON));
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }

  /** Carbon intensity {@code g} in zone DE from a day ago to a day ahead (an actual). */
  static void grid(Path file, double g) {
    long now = System.currentTimeMillis();
    try {
      Files.writeString(
          file,
          "zone,signal,valid_from,valid_to,value\nDE,carbon_intensity,"
              + Instant.ofEpochMilli(now - 86_400_000L)
              + ","
              + Instant.ofEpochMilli(now + 86_400_000L)
              + ","
              + g
              + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void pausedWhenTheGridTurnsDirtyAndResumedToTheUninterruptedModel(@TempDir Path tmp) {
    String ledger = tmp.resolve("ledger").toString();
    Path whole = tmp.resolve("whole");
    assertEquals(0, Verdant.run(train(whole, "--run-id", "t-whole", "--ledger", ledger)));

    // Clean at the check before epoch 1; dirty from epoch 1's first Spark job on: the check before
    // epoch 2 pauses.
    Path signals = tmp.resolve("grid.csv");
    grid(signals, 100);
    AtomicBoolean dirtied = new AtomicBoolean();
    SparkListener dirtyDuringEpochOne =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart e) {
            if ("train".equals(e.properties().getProperty(JobRun.PROP_PHASE))
                && dirtied.compareAndSet(false, true)) {
              grid(signals, 900);
            }
          }
        };
    Path out = tmp.resolve("paused");
    Path ck = tmp.resolve("ck");
    String[] args =
        train(
            out,
            "--run-id",
            "t-paused",
            "--ledger",
            ledger,
            "--checkpoint-dir",
            ck.toString(),
            "--pause-above",
            "300",
            "--signals",
            signals.toString(),
            "--zone",
            "DE");
    spark.sparkContext().addSparkListener(dirtyDuringEpochOne);
    CliRun paused;
    try {
      paused = CliRun.of(args);
    } finally {
      spark.sparkContext().removeSparkListener(dirtyDuringEpochOne);
    }
    assertEquals(Verdant.EXIT_PAUSED, paused.code(), paused.err());
    assertTrue(
        paused
            .err()
            .strip()
            .startsWith(
                "verdant train: paused for carbon: the carbon intensity of zone DE is 900"
                    + " gCO2e/kWh at "),
        paused.err());
    assertTrue(
        paused
            .err()
            .strip()
            .endsWith(
                "above --pause-above 300; the checkpoint after epoch 1 is in "
                    + ck
                    + ": run again with --resume to continue"),
        paused.err());
    assertEquals(1, paused.err().strip().lines().count(), paused.err());
    assertFalse(Files.exists(out), "no model before the run completes");
    assertTrue(Files.exists(ck.resolve("latest/state.json")));

    // A retry while still dirty pauses again before training anything; once clean, it runs to the
    // end.
    String[] resume = concat(args, "--resume");
    CliRun again = CliRun.of(resume);
    assertEquals(Verdant.EXIT_PAUSED, again.code(), again.err());
    assertTrue(again.err().contains("the checkpoint after epoch 1 is in"), again.err());
    grid(signals, 100);
    CliRun done = CliRun.of(resume);
    assertEquals(0, done.code(), done.err());

    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ModelInfo a = ModelStore.readInfo(whole.toString(), conf);
    ModelInfo b = ModelStore.readInfo(out.toString(), conf);
    assertEquals(1, b.training().resumedAfterEpoch());
    for (int i = 0; i < 3; i++) {
      assertEquals(
          a.epochs().get(i).trainLoss(),
          b.epochs().get(i).trainLoss(),
          1e-6,
          "train loss of epoch " + (i + 1));
      assertEquals(
          a.epochs().get(i).validationAccuracy(), b.epochs().get(i).validationAccuracy(), 1e-9);
    }
    assertEquals(a.test().accuracy(), b.test().accuracy(), 1e-9);
    double diff =
        Training.loadModel(whole.toString(), conf)
            .params()
            .sub(Training.loadModel(out.toString(), conf).params())
            .amaxNumber()
            .doubleValue();
    assertTrue(diff < 1e-5, "parameters differ by " + diff);
    assertFalse(Files.exists(ck), "the checkpoint is removed once the run completes");

    // The ledger: three segments under the one run id, their energy adding up; ledger show lists
    // them.
    LedgerReader reader = new LedgerReader(ledger, conf);
    List<String[]> rows =
        reader.read(
            LedgerTables.RUNS,
            "t-paused",
            g ->
                new String[] {
                  String.valueOf(LedgerReader.lng(g, "start_time")),
                      LedgerReader.string(g, "status"),
                  LedgerReader.string(g, "error_message"),
                      String.valueOf(LedgerReader.dbl(g, "energy_j"))
                });
    rows.sort(Comparator.comparingLong(r -> Long.parseLong(r[0])));
    assertEquals(
        List.of("paused_for_carbon", "paused_for_carbon", "succeeded"),
        rows.stream().map(r -> r[1]).toList());
    assertTrue(
        rows.get(0)[2].startsWith(
            "paused for carbon: the carbon intensity of zone DE is 900 gCO2e/kWh"),
        rows.get(0)[2]);
    double runsJ = rows.stream().mapToDouble(r -> Double.parseDouble(r[3])).sum();
    double energyJ =
        reader.read(LedgerTables.ENERGY, "t-paused", g -> LedgerReader.dbl(g, "energy_j")).stream()
            .mapToDouble(Double::doubleValue)
            .sum();
    assertTrue(runsJ > 0);
    assertEquals(runsJ, energyJ, 1e-6 * runsJ);
    CliRun show = CliRun.of("ledger", "show", "--ledger", ledger, "--run", "t-paused");
    assertTrue(
        show.out().contains("job train  status succeeded") && show.out().contains("(3 segments)"),
        show.out());
    assertTrue(
        show.out().contains("  segment 1  started ")
            && show.out().contains("paused_for_carbon: paused for carbon:"),
        show.out());
  }

  @Test
  void pauseOptionsAreChecked(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("m");
    CliRun.of(train(out, "--pause-above", "300"))
        .assertError(
            "verdant train", "--pause-above and --pause-above-price need --signals and --zone");
    CliRun.of(train(out, "--signals", "s.csv", "--zone", "DE"))
        .assertError(
            "verdant train",
            "--signals and --zone are read only by --pause-above and --pause-above-price: give a threshold or leave them out");
    CliRun.of(train(out, "--pause-above", "-1", "--signals", "s.csv", "--zone", "DE"))
        .assertError("verdant train", "--pause-above must be at least 0, cannot be: -1.0");
    Path signals = tmp.resolve("grid.csv");
    grid(signals, 100);
    CliRun.of(
            train(
                out,
                "--pause-above-price",
                "90",
                "--signals",
                signals.toString(),
                "--zone",
                "DE",
                "--no-ledger"))
        .assertError(
            "verdant train",
            "--signals "
                + signals
                + " has no price rows for zone DE (zones in the file: DE);"
                + " --pause-above-price needs them");
    CliRun.assertNothingAt(out);
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(new String[0]);
  }
}
