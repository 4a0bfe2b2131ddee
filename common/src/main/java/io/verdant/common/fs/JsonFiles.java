package io.verdant.common.fs;

import com.fasterxml.jackson.core.JacksonException;
import io.verdant.common.Json;
import io.verdant.common.VerdantException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reading the JSON files jobs write beside their outputs (reports, summaries). */
public final class JsonFiles {
  private JsonFiles() {}

  /**
   * The JSON file {@code file} as {@code type}, or null when there is none; {@code what} names the
   * file's kind in the error for one that is not valid.
   */
  public static <T> T readIfExists(Path file, Class<T> type, String what, Configuration conf) {
    try {
      FileSystem fs = file.getFileSystem(conf);
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        return Json.MAPPER.readValue(in, type);
      } catch (JacksonException e) {
        throw VerdantException.of("%s: not a valid %s: %s", file, what, e.getOriginalMessage());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }
}
