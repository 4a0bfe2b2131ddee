package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application jar: named by the Spark line, runnable, holding Verdant and DL4J but nothing
 * Spark provides.
 */
class ApplicationJarIT {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationJarIT.class);

  @Test
  void holdsVerdantAndItsLibrariesButNotSpark() throws Exception {
    Path jar = Paths.get(StandaloneCluster.required("verdant.app.jar"));
    assertTrue(
        jar.getFileName()
            .toString()
            .matches("verdant-[0-9][^-]*(-SNAPSHOT)?-spark3\\.5(-cuda11\\.6)?\\.jar"),
        "name carries the Spark line: " + jar.getFileName());
    long size = Files.size(jar);
    LOG.info("Application jar {}: {} MiB", jar.getFileName(), size >> 20);
    // nd4j-native's linux-x86_64-onednn natives (~100 MB) dominate; other OSes' would double it.
    assertTrue(size < 250L << 20, "application jar size " + (size >> 20) + " MiB");

    Set<String> appClasses = new HashSet<>();
    try (JarFile jf = new JarFile(jar.toFile())) {
      Manifest mf = jf.getManifest();
      assertEquals("io.verdant.jobs.Verdant", mf.getMainAttributes().getValue("Main-Class"));
      assertEquals("spark3.5", mf.getMainAttributes().getValue("Verdant-Spark-Line"));
      for (String must :
          List.of(
              "io/verdant/jobs/Verdant.class",
              "io/verdant/jobs/IngestCommand.class",
              "io/verdant/common/spark/SparkSessions.class",
              "org/deeplearning4j/spark/impl/paramavg/ParameterAveragingTrainingMaster.class",
              "org/nd4j/kryo/Nd4jRegistrator.class",
              "picocli/CommandLine.class",
              "io/verdant/shaded/com/google/gson/Gson.class",
              "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend")) {
        assertNotNull(jf.getEntry(must), "application jar lacks " + must);
      }
      boolean cuda = jar.getFileName().toString().contains("-cuda");
      String natives =
          cuda
              ? "org/nd4j/linalg/jcublas/bindings/linux-x86_64/libnd4jcuda.so"
              : "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libnd4jcpu.so";
      assertTrue(
          jf.stream().anyMatch(e -> e.getName().startsWith(natives)),
          "linux-x86_64 natives of the ND4J backend: " + natives);
      assertNotNull(
          jf.getEntry("org/nd4j/nativeblas/Nd4jCpu$Environment.class"),
          "the bridge that turns DL4J's oneDNN layer helpers on");
      List<String> forbidden = new ArrayList<>();
      jf.stream()
          .map(ZipEntry::getName)
          .forEach(
              n -> {
                if (n.endsWith(".class")) {
                  appClasses.add(n);
                }
                // ND4J/JavaCPP natives for other platforms (JNA's small all-OS dispatch libraries
                // are fine).
                boolean nativeLib =
                    n.endsWith(".so")
                        || n.contains(".so.")
                        || n.endsWith(".dll")
                        || n.endsWith(".dylib");
                if (n.startsWith("org/")
                    && nativeLib
                    && (n.contains("/windows-")
                        || n.contains("/macosx-")
                        || n.contains("/android-")
                        || n.contains("/linux-arm")
                        || n.contains("/linux-ppc64le"))) {
                  forbidden.add(n);
                }
                for (String prefix :
                    List.of(
                        "org/apache/spark/",
                        "scala/",
                        "org/apache/hadoop/",
                        "org/slf4j/",
                        "com/fasterxml/jackson/core/",
                        "com/google/gson/",
                        "com/google/thirdparty/",
                        "javax/annotation/")) {
                  // dl4j-spark puts its own TaskContextHelper into Spark's package; it is not a
                  // Spark class.
                  if (n.startsWith(prefix)
                      && n.endsWith(".class")
                      && !n.startsWith("org/apache/spark/TaskContextHelper")) {
                    forbidden.add(n);
                  }
                }
              });
      assertTrue(
          forbidden.isEmpty(),
          "provided or foreign classes in the application jar: "
              + forbidden.subList(0, Math.min(10, forbidden.size())));
    }

    // Nothing in the application jar is also in the Spark home (no duplicate classes for
    // spark-submit to mix).
    String cp =
        Files.readString(Paths.get(StandaloneCluster.required("verdant.spark.home.classpath")))
            .trim();
    List<String> duplicates = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      try (JarFile jf = new JarFile(entry)) {
        jf.stream()
            .map(ZipEntry::getName)
            .filter(
                n ->
                    n.endsWith(".class")
                        && !n.startsWith("META-INF/")
                        && !n.equals("module-info.class"))
            .filter(appClasses::contains)
            .limit(3)
            .forEach(n -> duplicates.add(Paths.get(entry).getFileName() + "!" + n));
      }
    }
    assertTrue(
        duplicates.isEmpty(),
        "classes both in the application jar and in Spark's jars: " + duplicates);
  }
}
