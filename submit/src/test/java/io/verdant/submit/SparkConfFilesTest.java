package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.network.util.JavaUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark properties in submit/conf: Java 17 flags in sync, Kryo, DL4J's clock, ND4J memory and
 * threads.
 */
class SparkConfFilesTest {
  static final String TIME_SOURCE =
      "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource";

  static List<String> flagFile() throws java.io.IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Scripts.submitDir().resolve("conf/java17-jvm-flags"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add(line.trim());
      }
    }
    return out;
  }

  static Properties load(String name) throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(Scripts.submitDir().resolve("conf").resolve(name))) {
      p.load(r);
    }
    return p;
  }

  @Test
  void parentPomFlagsMatchTheFlagFile() throws Exception {
    String pomPath =
        System.getProperty(
            "verdant.parent.pom", Scripts.submitDir().resolve("../pom.xml").toString());
    String pom = Files.readString(Paths.get(pomPath));
    Matcher m =
        Pattern.compile("<spark\\.java17\\.flags>([^<]*)</spark\\.java17\\.flags>").matcher(pom);
    assertTrue(m.find(), "spark.java17.flags in " + pomPath);
    List<String> pomFlags = Arrays.asList(m.group(1).trim().split("\\s+"));
    List<String> fileFlags = new ArrayList<>(flagFile());
    // The flag file adds DL4J's time source, which the pom keeps in verdant.test.jvm.flags.
    assertTrue(fileFlags.remove(TIME_SOURCE), "java17-jvm-flags sets DL4J's time source");
    assertEquals(
        fileFlags, pomFlags, "parent pom spark.java17.flags vs submit/conf/java17-jvm-flags");
    assertTrue(pom.contains(TIME_SOURCE), "the tests' JVM flags set DL4J's time source too");
    // And the build really used them (surefire passes the property in).
    String used = System.getProperty("verdant.spark.java17.flags");
    if (used != null) {
      assertEquals(pomFlags, Arrays.asList(used.trim().split("\\s+")));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "local.properties",
        "standalone.properties",
        "yarn.properties",
        "k8s.properties",
        "gpu.properties"
      })
  void everyEnvironmentIsComplete(String name) throws Exception {
    Properties p = load(name);
    boolean local = p.getProperty("spark.master", "").startsWith("local");
    // Local mode runs the tasks in the driver JVM: there are no executor settings to check.
    for (String role : local ? List.of("driver") : List.of("driver", "executor")) {
      String opts = p.getProperty("spark." + role + ".extraJavaOptions");
      assertNotNull(opts, name + ": spark." + role + ".extraJavaOptions");
      List<String> tokens = Arrays.asList(opts.trim().split("\\s+"));
      for (String flag : flagFile()) {
        assertTrue(
            tokens.contains(flag), name + ": spark." + role + ".extraJavaOptions lacks " + flag);
      }
      // ND4J off-heap sizing: JavaCPP's caps fit inside memory + memoryOverhead (the container).
      long heap = bytes(p, "spark." + role + ".memory", name);
      long overhead = bytes(p, "spark." + role + ".memoryOverhead", name);
      long maxBytes =
          JavaUtils.byteStringAsBytes(option(tokens, "-Dorg.bytedeco.javacpp.maxbytes=", name));
      long maxPhysical =
          JavaUtils.byteStringAsBytes(
              option(tokens, "-Dorg.bytedeco.javacpp.maxphysicalbytes=", name));
      assertTrue(
          maxBytes < overhead,
          name + " " + role + ": javacpp.maxbytes must stay below memoryOverhead");
      assertTrue(
          maxPhysical > heap + maxBytes / 2,
          name + " " + role + ": maxphysicalbytes leaves room for the heap and off-heap");
      assertTrue(
          maxPhysical <= heap + overhead,
          name + " " + role + ": maxphysicalbytes must fit in memory + memoryOverhead");
    }
    assertEquals(
        "org.apache.spark.serializer.KryoSerializer", p.getProperty("spark.serializer"), name);
    assertEquals("org.nd4j.kryo.Nd4jRegistrator", p.getProperty("spark.kryo.registrator"), name);
    if (local) {
      return;
    }
    // ND4J threads = cores per task slot = spark.task.cpus.
    String taskCpus = p.getProperty("spark.task.cpus", "1");
    assertEquals(
        taskCpus,
        p.getProperty("spark.executorEnv.OMP_NUM_THREADS"),
        name + ": OMP_NUM_THREADS vs spark.task.cpus");
    if (p.containsKey("spark.executor.cores")) {
      int cores = Integer.parseInt(p.getProperty("spark.executor.cores"));
      assertEquals(
          0, cores % Integer.parseInt(taskCpus), name + ": executor cores divide into task slots");
    }
  }

  @Test
  void gpuPropertiesScheduleOneGpuPerTaskWithTheDiscoveryScript() throws Exception {
    Properties p = load("gpu.properties");
    assertEquals("1", p.getProperty("spark.executor.resource.gpu.amount"));
    assertEquals("1", p.getProperty("spark.task.resource.gpu.amount"));
    String script = p.getProperty("spark.executor.resource.gpu.discoveryScript");
    assertNotNull(script);
    assertEquals("discover-gpus.sh", Paths.get(script).getFileName().toString());
    assertTrue(Files.isExecutable(Scripts.submitDir().resolve("gpu/discover-gpus.sh")));
    // One task per GPU: the task owns the executor's cores.
    assertEquals(p.getProperty("spark.executor.cores"), p.getProperty("spark.task.cpus"));
  }

  private static long bytes(Properties p, String key, String file) {
    String v = p.getProperty(key);
    assertNotNull(v, file + ": " + key);
    return JavaUtils.byteStringAsBytes(v);
  }

  private static String option(List<String> tokens, String prefix, String file) {
    return tokens.stream()
        .filter(t -> t.startsWith(prefix))
        .map(t -> t.substring(prefix.length()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file + ": no " + prefix));
  }

  static Path conf(String name) {
    return Scripts.submitDir().resolve("conf").resolve(name);
  }
}
