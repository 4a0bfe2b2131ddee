package io.verdant.jobs.model;

import io.verdant.common.Checksums;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.modelfile.ModelFileReader;
import io.verdant.datasets.table.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes models in either form: a trained model directory ({@link ModelFiles#MODEL_ZIP},
 * a DL4J ModelSerializer zip, beside {@link ModelFiles#MODEL_JSON}), or a compressed Verdant model
 * file (a {@link ModelFiles#MODEL_FILE} or a directory holding one). Any Hadoop filesystem.
 */
public final class ModelStore {
  private ModelStore() {}

  /**
   * A loaded model: the network, its typed metadata, the decoded file (compressed form only), where
   * it came from and its bytes.
   */
  public record Loaded(
      MultiLayerNetwork net,
      ModelMetadata metadata,
      ModelFileReader.Decoded decoded,
      String source,
      long bytes) {
    public boolean compressed() {
      return decoded != null;
    }

    /** A trained model's model.json; fails for a compressed model. */
    public ModelInfo trained() {
      if (!(metadata instanceof ModelInfo info)) {
        throw new IllegalStateException(source + " is a compressed model, not a trained one");
      }
      return info;
    }
  }

  public static Loaded load(String path, String option, Configuration conf) {
    try {
      Located at = locate(path, option, conf);
      return at.compressed()
          ? loadFile(at.fs(), at.file())
          : loadTrained(at.fs(), at.file(), option, path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /**
   * What a path names, without building the network: the model's main file ({@link
   * ModelFiles#MODEL_ZIP} or the compressed file, whose checksum is verified), its size and
   * SHA-256, and its metadata. Paths as {@link #load} takes them.
   */
  public static ModelArtifact artifact(String path, String option, Configuration conf) {
    try {
      Located at = locate(path, option, conf);
      FileSystem fs = at.fs();
      long bytes = fs.getFileStatus(at.file()).getLen();
      ModelMetadata info;
      String sha256;
      if (at.compressed()) {
        byte[] file = readAll(fs, at.file());
        info = compressedInfo(ModelFileReader.decode(file, at.file().toString()), at.file());
        sha256 = Checksums.sha256(file);
      } else {
        info = trainedInfo(fs, at.file(), option, path);
        try (InputStream in = fs.open(at.file())) {
          sha256 = Checksums.sha256(in);
        }
      }
      return new ModelArtifact(
          qualified(fs, at.path()), qualified(fs, at.file()), at.compressed(), bytes, sha256, info);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  private static String qualified(FileSystem fs, Path p) {
    return fs.makeQualified(p).toString();
  }

  /** A model path as given and its main file: a trained model's zip or a compressed model file. */
  private record Located(FileSystem fs, Path path, Path file, boolean compressed) {}

  private static Located locate(String path, String option, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw VerdantException.of("%s %s does not exist", option, path);
    }
    if (!fs.getFileStatus(p).isDirectory()) {
      return new Located(fs, p, p, true);
    }
    if (fs.exists(new Path(p, ModelFiles.MODEL_ZIP))) {
      return new Located(fs, p, new Path(p, ModelFiles.MODEL_ZIP), false);
    }
    if (fs.exists(new Path(p, ModelFiles.MODEL_FILE))) {
      return new Located(fs, p, new Path(p, ModelFiles.MODEL_FILE), true);
    }
    throw VerdantException.of(
        "%s %s holds neither %s (a trained model) nor %s (a compressed model)",
        option, path, ModelFiles.MODEL_ZIP, ModelFiles.MODEL_FILE);
  }

  /** The model.json beside a trained model's zip, which a trained model directory must hold. */
  private static ModelInfo trainedInfo(FileSystem fs, Path zip, String option, String path)
      throws IOException {
    Path json = new Path(zip.getParent(), ModelFiles.MODEL_JSON);
    if (!fs.exists(json)) {
      throw VerdantException.of(
          "%s %s: %s is missing beside %s (a trained model directory holds both)",
          option, path, ModelFiles.MODEL_JSON, ModelFiles.MODEL_ZIP);
    }
    return ModelInfo.parse(readAll(fs, json), json.toString());
  }

  private static Loaded loadTrained(FileSystem fs, Path zip, String option, String path)
      throws IOException {
    ModelInfo info = trainedInfo(fs, zip, option, path);
    MultiLayerNetwork net;
    try (InputStream in = fs.open(zip)) {
      net = ModelSerializer.restoreMultiLayerNetwork(in, true);
    } catch (IOException | RuntimeException e) {
      throw VerdantException.of(
          "%s %s: %s is not a DL4J MultiLayerNetwork zip: %s",
          option, path, ModelFiles.MODEL_ZIP, e.getMessage());
    }
    return new Loaded(net, info, null, zip.toString(), fs.getFileStatus(zip).getLen());
  }

  private static Loaded loadFile(FileSystem fs, Path file) throws IOException {
    long len = fs.getFileStatus(file).getLen();
    if (len > Integer.MAX_VALUE - 8) {
      throw VerdantException.of("%s: %d bytes is too large for a Verdant model file", file, len);
    }
    byte[] bytes = readAll(fs, file);
    ModelFileReader.Decoded d = ModelFileReader.decode(bytes, file.toString());
    MultiLayerNetwork net = ModelCodec.toNetwork(d.model(), file.toString());
    return new Loaded(net, compressedInfo(d, file), d, file.toString(), bytes.length);
  }

  private static CompressedModelInfo compressedInfo(ModelFileReader.Decoded d, Path file) {
    try {
      return Json.MAPPER.readValue(d.model().metadataJson(), CompressedModelInfo.class);
    } catch (IOException e) {
      throw VerdantException.of(
          "%s: the metadata block is not valid JSON: %s", file, e.getMessage());
    }
  }

  /** The model.json of a trained model directory, or null when the directory holds none. */
  public static ModelInfo readInfo(String modelDir, Configuration conf) {
    Path json = new Path(modelDir, ModelFiles.MODEL_JSON);
    try {
      FileSystem fs = json.getFileSystem(conf);
      return fs.exists(json) ? ModelInfo.parse(readAll(fs, json), json.toString()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + json, e);
    }
  }

  /** Writes a trained model's metadata as {@link ModelFiles#MODEL_JSON} into {@code dir}. */
  public static void writeInfo(FileSystem fs, Path dir, ModelInfo info) {
    Path json = new Path(dir, ModelFiles.MODEL_JSON);
    try (OutputStream os = fs.create(json, true)) {
      Json.MAPPER.writeValue(os, info);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + json, e);
    }
  }

  private static byte[] readAll(FileSystem fs, Path file) throws IOException {
    try (InputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  /** Fails unless the network takes the table's features and predicts its classes. */
  public static void checkMatches(Loaded model, Manifest.Loaded table, String dataOption) {
    Manifest m = table.manifest();
    if (!m.classification()) {
      throw VerdantException.of(
          "%s %s is a %s table; compress and evaluate need a classification table",
          dataOption, table.tablePath(), m.task());
    }
    int outputs;
    try {
      outputs = (int) model.net().output(Nd4j.zeros(1, m.featureCount()), false).size(1);
    } catch (RuntimeException e) {
      throw VerdantException.of(
          "the model %s does not accept the %d features of %s %s: %s",
          model.source(), m.featureCount(), dataOption, table.tablePath(), e.getMessage());
    }
    if (outputs != m.numClasses()) {
      throw VerdantException.of(
          "the model %s predicts %d classes, %s %s has %d",
          model.source(), outputs, dataOption, table.tablePath(), m.numClasses());
    }
  }
}
