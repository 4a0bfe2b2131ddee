package io.verdant.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on 127.0.0.1: a Master and Workers as separate JVMs started from the
 * build's own jars. The Spark home is a directory whose {@code jars/} links every jar of
 * target/spark-home-classpath.txt (what a Spark distribution holds); Workers launch executors (and
 * cluster-mode drivers) from it. Verdant comes only from the application jar. {@link #close()}
 * kills every process it started with its whole tree.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
  static final ObjectMapper JSON = new ObjectMapper();

  final Path dir;
  final Path sparkHome;
  final Path appJar;
  final String javaCacheDir;
  final int masterPort;
  final int masterWebPort;
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.appJar = Paths.get(required("verdant.app.jar"));
    this.javaCacheDir =
        System.getProperty(
            "org.bytedeco.javacpp.cachedir", dir.resolve("javacpp-cache").toString());
    this.masterPort = freePort();
    this.masterWebPort = freePort();
    this.shutdownHook = new Thread(this::killAll, "standalone-cluster-teardown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a Master and {@code workers} Workers with the given cores and memory each; waits until
   * all are ALIVE.
   */
  static StandaloneCluster start(Path dir, int workers, int workerCores, String workerMemory)
      throws Exception {
    if (!Files.isRegularFile(Paths.get(required("verdant.app.jar")))) {
      throw new IllegalStateException(
          "No application jar at " + required("verdant.app.jar") + ": run mvn package first");
    }
    StandaloneCluster c = new StandaloneCluster(dir);
    try {
      c.buildSparkHome();
      c.spawn(
          "master",
          List.of("-Xmx256m"),
          "org.apache.spark.deploy.master.Master",
          List.of(
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(c.masterPort),
              "--webui-port",
              String.valueOf(c.masterWebPort)));
      for (int i = 1; i <= workers; i++) {
        Path work = Files.createDirectories(dir.resolve("worker-" + i));
        c.spawn(
            "worker-" + i,
            List.of("-Xmx256m"),
            "org.apache.spark.deploy.worker.Worker",
            List.of(
                "--host",
                "127.0.0.1",
                "--webui-port",
                String.valueOf(freePort()),
                "--cores",
                String.valueOf(workerCores),
                "--memory",
                workerMemory,
                "--work-dir",
                work.toString(),
                c.masterUrl()));
      }
      c.awaitMaster(
          "all " + workers + " workers ALIVE",
          Duration.ofSeconds(90),
          m -> m.path("aliveworkers").asInt() == workers);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  private void buildSparkHome() throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    String cp = Files.readString(Paths.get(required("verdant.spark.home.classpath"))).trim();
    for (String jar : cp.split(java.io.File.pathSeparator)) {
      Path src = Paths.get(jar);
      Path link = jars.resolve(src.getFileName());
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, src);
      }
    }
    Files.createDirectories(sparkHome.resolve("conf"));
  }

  /**
   * The JVM flags every Spark process of the cluster gets: Java 17 opens, DL4J clock, natives
   * cache.
   */
  List<String> jvmFlags() throws IOException {
    List<String> flags = new ArrayList<>(SparkConfFilesTest.flagFile());
    flags.add("-Dorg.bytedeco.javacpp.cachedir=" + javaCacheDir);
    return flags;
  }

  Map<String, String> env() {
    return Map.of(
        "SPARK_HOME", sparkHome.toString(),
        "SPARK_SCALA_VERSION", "2.12",
        "SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_LOCAL_DIRS", dir.resolve("local").toString(),
        "JAVA_HOME", System.getProperty("java.home"),
        "OMP_NUM_THREADS", "1",
        "HOME", dir.resolve("home").toString());
  }

  /**
   * Starts a JVM with the Spark home's jars; its stdout and stderr go to {@code
   * <dir>/logs/<name>.log}.
   */
  Process spawn(String name, List<String> jvmArgs, String mainClass, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(args);
    Path log = Files.createDirectories(dir.resolve("logs")).resolve(name + ".log");
    Files.createDirectories(dir.resolve("home"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env());
    LOG.info("Starting {}: {}", name, String.join(" ", cmd));
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /**
   * Writes submit/conf/standalone.properties with the given overrides (the cluster's small memory).
   */
  Path properties(String name, Map<String, String> overrides) throws IOException {
    Properties p = new Properties();
    try (Reader r =
        Files.newBufferedReader(Scripts.submitDir().resolve("conf/standalone.properties"))) {
      p.load(r);
    }
    for (String key : List.of("spark.driver.extraJavaOptions", "spark.executor.extraJavaOptions")) {
      p.setProperty(key, p.getProperty(key) + " -Dorg.bytedeco.javacpp.cachedir=" + javaCacheDir);
    }
    p.putAll(overrides);
    Path file = dir.resolve(name + ".properties");
    try (Writer w = Files.newBufferedWriter(file)) {
      p.store(w, "submit/conf/standalone.properties with the test cluster's sizes");
    }
    return file;
  }

  /**
   * Runs org.apache.spark.deploy.SparkSubmit in its own JVM (as bin/spark-submit would); returns
   * its exit status.
   */
  Submission submit(String name, List<String> submitArgs, Duration timeout) throws Exception {
    Process p = spawn(name, List.of("-Xmx768m"), "org.apache.spark.deploy.SparkSubmit", submitArgs);
    return new Submission(name, p, dir.resolve("logs").resolve(name + ".log"), timeout);
  }

  final class Submission {
    final String name;
    final Process process;
    final Path log;
    final Duration timeout;

    Submission(String name, Process process, Path log, Duration timeout) {
      this.name = name;
      this.process = process;
      this.log = log;
      this.timeout = timeout;
    }

    int await() throws Exception {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        throw new AssertionError(name + " did not finish within " + timeout + "\n" + logTail());
      }
      return process.exitValue();
    }

    String logTail() {
      return tail(log, 60);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return "--- last lines of "
          + file
          + " ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no " + file + ": " + e + ")";
    }
  }

  /** The Master's JSON status (/json/): workers, apps, drivers. */
  JsonNode master() throws IOException, InterruptedException {
    return getJson("http://127.0.0.1:" + masterWebPort + "/json/");
  }

  JsonNode getJson(String url) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        throw new IOException(url + " answered " + r.statusCode());
      }
      return JSON.readTree(in);
    }
  }

  JsonNode awaitMaster(String what, Duration timeout, Predicate<JsonNode> condition)
      throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    Exception error = null;
    while (System.nanoTime() < end) {
      try {
        last = master();
        if (condition.test(last)) {
          return last;
        }
      } catch (IOException e) {
        error = e;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "Timed out waiting for "
            + what
            + "; last master status: "
            + last
            + " / "
            + error
            + "\n"
            + tail(dir.resolve("logs/master.log"), 30));
  }

  /** Executor JVMs (CoarseGrainedExecutorBackend) of an application, by executor id. */
  static Map<String, ProcessHandle> executorProcesses(String appId) {
    Map<String, ProcessHandle> out = new java.util.TreeMap<>();
    ProcessHandle.allProcesses()
        .forEach(
            ph -> {
              List<String> args = ph.info().arguments().map(List::of).orElse(List.of());
              if (args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend")
                  && args.contains(appId)) {
                int i = args.indexOf("--executor-id");
                if (i >= 0 && i + 1 < args.size()) {
                  out.put(args.get(i + 1), ph);
                }
              }
            });
    return out;
  }

  /** Whether a process was started by this cluster (directly, or by one of its Workers). */
  boolean owns(ProcessHandle h) {
    List<Long> ours = new ArrayList<>();
    synchronized (processes) {
      processes.forEach(p -> ours.add(p.pid()));
    }
    for (java.util.Optional<ProcessHandle> p = java.util.Optional.of(h);
        p.isPresent();
        p = p.get().parent()) {
      if (ours.contains(p.get().pid())) {
        return true;
      }
    }
    return false;
  }

  static void kill(Process p) {
    kill(p.toHandle());
  }

  /** Kills a process and all its descendants (executors and drivers are children of Workers). */
  static void kill(ProcessHandle p) {
    List<ProcessHandle> tree = new ArrayList<>();
    p.descendants().forEach(tree::add);
    tree.add(p);
    for (ProcessHandle h : tree) {
      h.destroyForcibly();
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Process {} did not exit after SIGKILL: {}", h.pid(), e.toString());
      }
    }
  }

  private void killAll() {
    List<Process> all;
    synchronized (processes) {
      all = new ArrayList<>(processes);
      processes.clear();
    }
    // Submissions and Workers first (their children included), the Master last.
    for (int i = all.size() - 1; i >= 0; i--) {
      kill(all.get(i));
    }
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String required(String property) {
    String v = System.getProperty(property);
    if (v == null) {
      throw new IllegalStateException(
          "System property " + property + " is not set (run through mvn verify)");
    }
    return v;
  }

  /** Every JSON event of the application's event log in {@code eventDir}. */
  static List<JsonNode> events(Path eventDir, String appId) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(eventDir)) {
      for (Path f :
          (Iterable<Path>)
              files.filter(p -> p.getFileName().toString().startsWith(appId))::iterator) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            out.add(JSON.readTree(line));
          }
        }
      }
    }
    return out;
  }
}
