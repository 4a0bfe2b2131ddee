package io.verdant.jobs.registry;

import io.verdant.common.Json;
import io.verdant.common.modelfile.ModelFileWriter;
import io.verdant.datasets.table.Manifest;
import io.verdant.jobs.model.CompressedModelInfo;
import io.verdant.jobs.model.ModelCodec;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Real model directories in both forms, written by the writers the jobs use (DL4J's ModelSerializer
 * and model.json; the Verdant model file), and a feature table manifest, small enough to need
 * neither Spark nor training.
 */
public final class RegistryFixtures {
  public static final String ARCHITECTURE = "mlp:4-3";
  static final Configuration CONF = new Configuration();

  private RegistryFixtures() {}

  /** A feature table directory holding only its manifest, written by ingest run {@code runId}. */
  public static Manifest.Loaded table(Path dir, String dataset, String runId) throws IOException {
    Files.createDirectories(dir);
    Manifest m =
        new Manifest(
            1,
            dataset,
            runId,
            Instant.now().toString(),
            "0.1",
            "3.5.7",
            "csv",
            "classification",
            4,
            null,
            List.of(4),
            3,
            List.of("a", "b", "c"),
            "array<float>",
            "int",
            "table",
            List.of("split"),
            42,
            0.1,
            "file",
            null,
            null,
            Map.of(),
            List.of());
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path(dir.resolve("manifest.json").toUri());
    m.write(file.getFileSystem(CONF), file);
    return Manifest.read(dir.toString(), CONF);
  }

  static MultiLayerNetwork network(long seed) {
    MultiLayerConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .list()
            .layer(
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                    .nIn(4)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * A trained model directory (model.zip, model.json) written by train run {@code runId} on {@code
   * table}.
   */
  public static Path dense(
      Path dir, String runId, Manifest.Loaded table, long seed, double accuracy)
      throws IOException {
    Files.createDirectories(dir);
    MultiLayerNetwork net = network(seed);
    ModelSerializer.writeModel(net, new File(dir.toFile(), ModelFiles.MODEL_ZIP), true);
    ModelInfo info =
        new ModelInfo(
            ModelInfo.CURRENT_SCHEMA_VERSION,
            runId,
            Instant.now().toString(),
            ARCHITECTURE,
            net.numParams(),
            null,
            new ModelInfo.Dataset(
                dir.toString(), table.manifest().dataset(), table.sha256(), 80, 10, 10),
            null,
            null,
            null,
            new ModelInfo.TestMetrics(10, accuracy, 0.5, null, null, null),
            null,
            null);
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.toUri());
    ModelStore.writeInfo(FileSystem.getLocal(CONF), out, info);
    return dir;
  }

  /**
   * A compressed model directory (model.vdcm) written by compress run {@code runId} from train run
   * {@code sourceRunId}.
   */
  public static Path compressed(
      Path dir, String runId, String sourceRunId, Manifest.Loaded table, double accuracy)
      throws IOException {
    Files.createDirectories(dir);
    MultiLayerNetwork net = network(7);
    CompressedModelInfo info =
        new CompressedModelInfo(
            CompressedModelInfo.CURRENT_SCHEMA_VERSION,
            runId,
            Instant.now().toString(),
            "0.1",
            ARCHITECTURE,
            net.numParams(),
            null,
            table.sha256(),
            table.sha256(),
            dir.toString(),
            sourceRunId,
            null,
            null,
            null,
            null,
            new CompressedModelInfo.Accuracy(accuracy, accuracy, accuracy, accuracy, accuracy));
    byte[] file =
        ModelFileWriter.encode(ModelCodec.toModelFile(net, Map.of(), Json.text(info))).bytes();
    Files.write(dir.resolve(ModelFiles.MODEL_FILE), file);
    return dir;
  }
}
