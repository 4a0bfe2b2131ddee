package io.verdant.common.grid;

import java.io.IOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** One of the file formats grid series are read from (see docs/scheduling.md). */
interface SignalFormat {
  /** Every row of the file. */
  List<SignalRow> read(FileSystem fs, Path path, Source source) throws IOException;

  /** The file as the user named it, and the option that named it. */
  record Source(String option, String file) {
    /** How errors name the file: "--signals FILE". */
    String label() {
      return option + " " + file;
    }
  }
}
