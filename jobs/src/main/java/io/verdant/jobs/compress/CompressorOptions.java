package io.verdant.jobs.compress;

import io.verdant.common.VerdantException;
import java.util.ArrayList;
import java.util.List;

/** Parsing of the compress job's list options. */
public final class CompressorOptions {
  private CompressorOptions() {}

  /** The sensitivity grid: comma-separated sparsities, each in (0, 1). */
  public static List<Double> grid(String text) {
    List<Double> out = new ArrayList<>();
    for (String p : text.split(",")) {
      double v;
      try {
        v = Double.parseDouble(p.trim());
      } catch (NumberFormatException e) {
        throw VerdantException.of(
            "--sensitivity-sparsities takes comma-separated numbers, cannot be: %s", text);
      }
      if (!(v > 0 && v < 1)) {
        throw VerdantException.of(
            "--sensitivity-sparsities values must be greater than 0 and less than 1, cannot be: %s",
            p.trim());
      }
      out.add(v);
    }
    return out;
  }
}
