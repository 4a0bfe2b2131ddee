package io.verdant.jobs.compress;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console rendering of a {@link CompressionReport}: Table 2's columns, totals, accuracies and
 * the sensitivity grid.
 */
public final class ReportTable {
  private ReportTable() {}

  public static String render(CompressionReport r) {
    StringBuilder b = new StringBuilder();
    layers(b, r.layers());
    b.append(
        f(
            "total    %,d parameters, dense float32 %,d bytes -> file %,d bytes (metadata %,d, config %,d)%n",
            r.parameters(),
            r.denseFloat32Bytes(),
            r.fileBytes(),
            r.metadataBytes(),
            r.configBytes()));
    b.append(
        f(
            "compression ratio %.1fx (whole file), %.1fx (parameter blocks only)%n",
            r.compressionRatio(), r.parameterCompressionRatio()));
    CompressionReport.TestAccuracy a = r.testAccuracy();
    b.append(
        f(
            "test accuracy (%d rows): before %.2f%%, pruned+retrained %.2f%%, quantized %.2f%%, decoded %.2f%%"
                + " (%d predictions differ from the quantized model)%n",
            a.rows(),
            100 * a.beforeCompression(),
            100 * a.afterPruningAndRetraining(),
            100 * a.afterQuantization(),
            100 * a.afterDecoding(),
            a.decodedPredictionsDifferingFromQuantized()));
    sensitivity(b, r.sensitivity().sparsities(), r.sensitivity().validationAccuracy());
    return b.toString();
  }

  /** Table 2's columns, one row per parameter array. */
  private static void layers(StringBuilder b, List<CompressionReport.LayerRow> layers) {
    b.append(
        f(
            "%-8s %-9s %10s %7s %7s %7s %7s %7s %10s %8s%n",
            "tensor",
            "encoding",
            "weights",
            "kept",
            "w bits",
            "w Huff",
            "i bits",
            "i Huff",
            "bytes",
            "of dense"));
    for (CompressionReport.LayerRow n : layers) {
      boolean raw = n.raw();
      b.append(
          f(
              "%-8s %-9s %,10d %6.1f%% %7s %7s %7s %7s %,10d %7.2f%%%n",
              n.tensor(),
              raw ? "float32" : "shared",
              n.weights(),
              100 * n.kept(),
              n.weightBits(),
              raw ? "-" : f("%.2f", n.weightBitsHuffman()),
              raw ? "-" : String.valueOf(n.indexBits()),
              raw ? "-" : f("%.2f", n.indexBitsHuffman()),
              n.bytes(),
              100 * n.fractionOfDense()));
    }
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void sensitivity(StringBuilder b, List<Double> grid, Map<String, double[]> sens) {
    if (sens.isEmpty()) {
      return;
    }
    b.append("sensitivity (validation accuracy, one layer pruned alone):\n");
    b.append(f("%-8s", "sparsity"));
    for (double g : grid) {
      b.append(f(" %6.0f%%", g * 100));
    }
    b.append('\n');
    for (Map.Entry<String, double[]> e : sens.entrySet()) {
      b.append(f("%-8s", e.getKey()));
      for (double v : e.getValue()) {
        b.append(f(" %6.2f%%", v * 100));
      }
      b.append('\n');
    }
  }
}
