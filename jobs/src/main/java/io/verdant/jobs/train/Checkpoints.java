package io.verdant.jobs.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.jobs.model.EpochMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Per-epoch checkpoints: {@code <dir>/latest/} holds {@code model.zip} (parameters and updater
 * state, by ModelSerializer), {@code best.zip} (the best model so far) and {@code state.json}
 * (epochs done, metrics, the best epoch, early-stopping count, and the seed from which every
 * epoch's data order is derived). The directory is written under a temporary name and renamed into
 * place, so a crash leaves the previous checkpoint whole.
 */
public final class Checkpoints {
  public static final String LATEST = "latest";
  public static final String MODEL = "model.zip";
  public static final String BEST = "best.zip";
  public static final String STATE = "state.json";

  /**
   * What a checkpoint records besides the networks. The random state of training is (seed,
   * epochsDone): each epoch's minibatch order is a pure function of the seed and the epoch number,
   * and the network's own RNG is seeded from its configuration.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record State(
      int schemaVersion,
      String runId,
      String fingerprint,
      int epochsDone,
      long seed,
      long dataOrderSeed,
      int bestEpoch,
      double bestScore,
      int epochsSinceBest,
      List<EpochMetrics> history) {}

  /** A loaded checkpoint. */
  public record Loaded(State state, MultiLayerNetwork network, MultiLayerNetwork best) {}

  private final String dir;
  private final Configuration conf;

  public Checkpoints(String dir, Configuration conf) {
    this.dir = dir;
    this.conf = conf;
  }

  public String dir() {
    return dir;
  }

  public Path latest() {
    return new Path(dir, LATEST);
  }

  public boolean exists() {
    try {
      Path p = new Path(latest(), STATE);
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a checkpoint atomically, replacing the previous one only once this one is complete. */
  public void write(State state, MultiLayerNetwork network, MultiLayerNetwork best) {
    try (AtomicOutput out =
        AtomicOutput.begin(
            latest().toString(), "epoch-" + state.epochsDone(), true, "--checkpoint-dir", conf)) {
      FileSystem fs = out.fs();
      fs.mkdirs(out.temp());
      writeModel(fs, new Path(out.temp(), MODEL), network);
      writeModel(fs, new Path(out.temp(), BEST), best);
      try (OutputStream os = fs.create(new Path(out.temp(), STATE), true)) {
        Json.MAPPER.writeValue(os, state);
      }
      out.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write checkpoint in " + dir, e);
    }
  }

  static void writeModel(FileSystem fs, Path p, MultiLayerNetwork net) throws IOException {
    try (OutputStream os = fs.create(p, true)) {
      ModelSerializer.writeModel(net, os, true);
    }
  }

  public Loaded read() {
    Path l = latest();
    try {
      FileSystem fs = l.getFileSystem(conf);
      if (!fs.exists(new Path(l, STATE))) {
        throw VerdantException.of(
            "--resume: no checkpoint in %s (%s/%s is missing)", dir, LATEST, STATE);
      }
      State s;
      try (InputStream in = fs.open(new Path(l, STATE))) {
        s = Json.MAPPER.readValue(in, State.class);
      }
      MultiLayerNetwork net;
      MultiLayerNetwork best;
      try (InputStream in = fs.open(new Path(l, MODEL))) {
        net = ModelSerializer.restoreMultiLayerNetwork(in, true);
      }
      try (InputStream in = fs.open(new Path(l, BEST))) {
        best = ModelSerializer.restoreMultiLayerNetwork(in, true);
      }
      return new Loaded(s, net, best);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the checkpoint in " + dir, e);
    }
  }

  public void delete() {
    try {
      Path d = new Path(dir);
      d.getFileSystem(conf).delete(d, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
