package io.verdant.jobs.compress;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.datasets.table.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads a model in either form: a train model directory ({@code model.zip}, a DL4J ModelSerializer zip, beside
 * {@code model.json}), a Verdant model file, or a directory holding {@code model.vdcm} (compress output).
 */
public final class ModelStore {
  public static final String MODEL_ZIP = "model.zip";
  public static final String MODEL_JSON = "model.json";
  public static final String MODEL_FILE = "model.vdcm";

  private ModelStore() {}

  /** A loaded model: the network, its model.json or file metadata (may be empty), and the decoded file if any. */
  public record Loaded(MultiLayerNetwork net, JsonNode info, ModelFileReader.Decoded decoded, String source, long bytes) {
    public String architecture() {
      return info.path("architecture").asText("unknown");
    }

    public String datasetManifestSha256() {
      return info.path("datasetManifestSha256").asText(null);
    }
  }

  public static Loaded load(String path, String option, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw VerdantException.of("%s %s does not exist", option, path);
      }
      if (fs.getFileStatus(p).isDirectory()) {
        Path zip = new Path(p, MODEL_ZIP);
        Path vdcm = new Path(p, MODEL_FILE);
        if (fs.exists(zip)) {
          MultiLayerNetwork net;
          try (InputStream in = fs.open(zip)) {
            net = ModelSerializer.restoreMultiLayerNetwork(in, true);
          } catch (IOException | RuntimeException e) {
            throw VerdantException.of("%s %s: %s is not a DL4J MultiLayerNetwork zip: %s", option, path, MODEL_ZIP, e.getMessage());
          }
          JsonNode info = Json.MAPPER.createObjectNode();
          Path json = new Path(p, MODEL_JSON);
          if (fs.exists(json)) {
            try (InputStream in = fs.open(json)) {
              info = Json.MAPPER.readTree(in);
            } catch (IOException e) {
              throw VerdantException.of("%s %s: %s is not valid JSON: %s", option, path, MODEL_JSON, e.getMessage());
            }
          }
          return new Loaded(net, info, null, zip.toString(), fs.getFileStatus(zip).getLen());
        }
        if (fs.exists(vdcm)) {
          return loadFile(fs, vdcm);
        }
        throw VerdantException.of("%s %s holds neither %s (a trained model) nor %s (a compressed model)", option, path, MODEL_ZIP,
            MODEL_FILE);
      }
      return loadFile(fs, p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static Loaded loadFile(FileSystem fs, Path file) throws IOException {
    byte[] bytes;
    long len = fs.getFileStatus(file).getLen();
    if (len > Integer.MAX_VALUE - 8) {
      throw VerdantException.of("%s: %d bytes is too large for a Verdant model file", file, len);
    }
    try (InputStream in = fs.open(file)) {
      bytes = in.readAllBytes();
    }
    ModelFileReader.Decoded d = ModelFileReader.decode(bytes, file.toString());
    MultiLayerNetwork net = ModelCodec.toNetwork(d.model(), file.toString());
    JsonNode info;
    try {
      info = Json.MAPPER.readTree(d.model().metadataJson());
    } catch (IOException e) {
      throw VerdantException.of("%s: the metadata block is not valid JSON: %s", file, e.getMessage());
    }
    return new Loaded(net, info, d, file.toString(), bytes.length);
  }

  /** Fails unless the network takes the table's features and predicts its classes. */
  public static void checkMatches(Loaded model, Manifest.Loaded table, String dataOption) {
    Manifest m = table.manifest();
    if (!m.classification()) {
      throw VerdantException.of("%s %s is a %s table; compress and evaluate need a classification table", dataOption,
          table.tablePath(), m.task());
    }
    int outputs;
    try {
      outputs = (int) model.net().output(Nd4j.zeros(1, m.featureCount()), false).size(1);
    } catch (RuntimeException e) {
      throw VerdantException.of("the model %s does not accept the %d features of %s %s: %s", model.source(), m.featureCount(),
          dataOption, table.tablePath(), e.getMessage());
    }
    if (outputs != m.numClasses()) {
      throw VerdantException.of("the model %s predicts %d classes, %s %s has %d", model.source(), outputs, dataOption,
          table.tablePath(), m.numClasses());
    }
  }
}
