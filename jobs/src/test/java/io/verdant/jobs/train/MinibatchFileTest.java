package io.verdant.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

class MinibatchFileTest {
  @AfterEach
  void forget() {
    MinibatchFile.Loader.clear();
  }

  static Source source(Path p) {
    return new Source() {
      @Override
      public InputStream getInputStream() throws IOException {
        return Files.newInputStream(p);
      }

      @Override
      public String getPath() {
        return p.toString();
      }
    };
  }

  @Test
  void theLoaderDecodesAFileOnceAndServesItFromMemoryAfterwards(@TempDir Path tmp)
      throws Exception {
    Path file = tmp.resolve("part-00000-000000.vmb");
    float[] x = {0.5f, -1f, 2f, 3.25f, 0f, 1e-3f};
    float[] y = {1f, 0f, 0f, 1f};
    try (OutputStream os = Files.newOutputStream(file)) {
      MinibatchFile.write(os, x, 2, 3, y, 2);
    }
    MinibatchFile.Loader loader = new MinibatchFile.Loader();
    DataSet first = loader.load(source(file));
    assertArrayEquals(x, first.getFeatures().data().asFloat());
    assertArrayEquals(y, first.getLabels().data().asFloat());
    assertArrayEquals(new long[] {2, 3}, first.getFeatures().shape());

    // The file is gone: the second load comes from memory, as a new DataSet with the same values.
    Files.delete(file);
    DataSet second = loader.load(source(file));
    assertEquals(first.getFeatures(), second.getFeatures());
    assertEquals(first.getLabels(), second.getLabels());
    second.getFeatures().muli(0);
    assertArrayEquals(x, loader.load(source(file)).getFeatures().data().asFloat());

    // An export clears what the loader remembers.
    MinibatchFile.Loader.clear();
    assertThrows(NoSuchFileException.class, () -> loader.load(source(file)));
  }
}
