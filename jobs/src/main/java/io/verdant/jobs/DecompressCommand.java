package io.verdant.jobs;

import io.verdant.common.RunIds;
import io.verdant.common.VerdantException;
import io.verdant.common.fs.AtomicOutput;
import io.verdant.jobs.model.CompressedModelInfo;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelStore;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.util.ModelSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verdant decompress}: a Verdant model file back into a DL4J model directory (no Spark
 * needed).
 */
@Command(
    name = "decompress",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Turn a compressed model file back into a DL4J model directory: <out>/model.zip (ModelSerializer, no updater)"
          + " and <out>/model.json (the compressed model's metadata and input contract), written atomically.",
      "The network holds exactly the quantized parameters the file encodes."
    })
public final class DecompressCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "The compressed model: a .vdcm file or a compress output directory.")
  String model;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output model directory.")
  String out;

  @Option(
      names = "--overwrite",
      description = "Replace an existing output (atomically, once the new one is complete).")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration();
    ModelStore.Loaded m = ModelStore.load(model, "--model", conf);
    if (!m.compressed()) {
      throw VerdantException.of(
          "--model %s is not a compressed model (it holds %s); decompress reads %s files",
          model, ModelFiles.MODEL_ZIP, ModelFiles.MODEL_FILE);
    }
    try (AtomicOutput output =
        AtomicOutput.begin(out, RunIds.generate("decompress"), overwrite, "--out", conf)) {
      output.fs().mkdirs(output.temp());
      try (OutputStream os =
          output.fs().create(new Path(output.temp(), ModelFiles.MODEL_ZIP), true)) {
        ModelSerializer.writeModel(m.net(), os, false);
      }
      ModelStore.writeInfo(
          output.fs(), output.temp(), ((CompressedModelInfo) m.metadata()).asTrainedModel());
      output.commit();
      System.out.printf(
          "Decompressed %s (%,d bytes, %,d parameters) into %s/%s%n",
          m.source(), m.bytes(), m.net().numParams(), output.target(), ModelFiles.MODEL_ZIP);
    }
    return 0;
  }
}
