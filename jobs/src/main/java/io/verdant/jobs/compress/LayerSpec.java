package io.verdant.jobs.compress;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.NetParams;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A per-layer option value: one value for every weight layer ({@code 0.92}), per kind ({@code
 * dense=5,conv=8}), or per layer ({@code layer0=0.95,layer1=0.9}; the number is the DL4J layer
 * index), later entries winning.
 */
public final class LayerSpec {
  private final String option;
  private final String text;
  private Double all;
  private final Map<String, Double> byKind = new LinkedHashMap<>();
  private final Map<Integer, Double> byLayer = new LinkedHashMap<>();

  private LayerSpec(String option, String text) {
    this.option = option;
    this.text = text;
  }

  /** Parses a spec; every value must lie in [min, max]. */
  public static LayerSpec parse(
      String option, String text, double min, double max, boolean integer) {
    LayerSpec s = new LayerSpec(option, text);
    if (text == null || text.isBlank()) {
      throw VerdantException.of("%s must not be empty", option);
    }
    for (String part : text.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      String key = eq < 0 ? null : p.substring(0, eq).trim();
      String val = eq < 0 ? p : p.substring(eq + 1).trim();
      double v;
      try {
        v = integer ? Integer.parseInt(val) : Double.parseDouble(val);
      } catch (NumberFormatException e) {
        throw VerdantException.of(
            "%s takes %s, or name=value pairs (layer0=..., dense=..., conv=...), cannot be: %s",
            option, integer ? "an integer" : "a number", text);
      }
      if (!(v >= min && v <= max)) {
        throw VerdantException.of(
            "%s values must be between %s and %s, cannot be: %s", option, fmt(min), fmt(max), val);
      }
      if (key == null) {
        s.all = v;
      } else if (key.equals("dense") || key.equals("conv")) {
        s.byKind.put(key, v);
      } else if (key.matches("(layer)?\\d+")) {
        s.byLayer.put(Integer.parseInt(key.replace("layer", "")), v);
      } else {
        throw VerdantException.of(
            "%s names layers as layerN (N = the layer index), dense or conv, cannot be: %s",
            option, key);
      }
    }
    return s;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  /** The value for a weight layer, or null when the spec does not cover it. */
  public Double valueFor(NetParams.Param p) {
    Double v = byLayer.get(p.layer());
    if (v == null) {
      v = byKind.get(p.conv() ? "conv" : "dense");
    }
    return v != null ? v : all;
  }

  /** Fails when a named layer is not a weight layer of the network. */
  public void checkLayers(java.util.List<NetParams.Param> weights) {
    for (int layer : byLayer.keySet()) {
      if (weights.stream().noneMatch(w -> w.layer() == layer)) {
        throw VerdantException.of(
            "%s names layer%d, which has no weights; the weight layers are %s",
            option, layer, weights.stream().map(NetParams.Param::layerName).toList());
      }
    }
  }

  public boolean coversAll(java.util.List<NetParams.Param> weights) {
    return weights.stream().allMatch(w -> valueFor(w) != null);
  }

  @Override
  public String toString() {
    return text;
  }
}
