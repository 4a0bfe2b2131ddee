package io.verdant.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import io.verdant.common.ledger.LedgerSummary.Run;
import io.verdant.jobs.compress.CompressionReport;
import io.verdant.jobs.model.ModelFiles;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;

/**
 * The files a run's output holds, found where the ledger says the run wrote them (its {@code --out}
 * option): a train run's {@code model.json}, a compress run's {@code report.json}. Only runs that
 * wrote an output have one.
 */
final class ModelReports {
  private static final Set<String> WROTE_OUTPUT = Set.of("succeeded", "stopped_for_budget");

  private ModelReports() {}

  /**
   * The model.json of a train run that wrote a model, else null; a missing one is an error naming
   * the run and file.
   */
  static ModelInfo trained(Run run, Configuration conf) {
    return read(run, "train", ModelFiles.MODEL_JSON, ModelStore::readInfo, conf);
  }

  /**
   * The report.json of a compress run that succeeded, else null; a missing one is an error naming
   * the run and file.
   */
  static CompressionReport compressed(Run run, Configuration conf) {
    return read(run, "compress", ModelFiles.COMPRESSION_REPORT, CompressionReport::read, conf);
  }

  /**
   * {@code file} in the output of a run of {@code job} that wrote one, read by {@code reader} (null
   * when absent).
   */
  private static <T> T read(
      Run run,
      String job,
      String file,
      BiFunction<String, Configuration, T> reader,
      Configuration conf) {
    String dir = output(run, job);
    if (dir == null) {
      return null;
    }
    T value = reader.apply(dir, conf);
    if (value == null) {
      throw VerdantException.of(
          "%s run %s wrote %s, but its %s is missing", run.job(), run.runId(), dir, file);
    }
    return value;
  }

  /** The --out of a run of {@code job} that wrote its output, else null. */
  private static String output(Run run, String job) {
    if (!job.equals(run.job())
        || !WROTE_OUTPUT.contains(run.status())
        || run.optionsJson() == null) {
      return null;
    }
    try {
      Map<String, String> options =
          Json.MAPPER.readValue(run.optionsJson(), new TypeReference<Map<String, String>>() {});
      return options.get("--out");
    } catch (JsonProcessingException e) {
      throw VerdantException.of(
          "run %s: the ledger's options_json is not a JSON object of options: %s",
          run.runId(), e.getOriginalMessage());
    }
  }
}
