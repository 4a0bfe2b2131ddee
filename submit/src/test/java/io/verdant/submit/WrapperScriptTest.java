package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/verdant in its spark-submit mode, with a fake spark-submit that records its argv
 * (NUL-separated), its pid and its environment, and exits with a chosen status; and the JVM flags
 * of its embedded local mode, with a fake java.
 */
class WrapperScriptTest {
  @TempDir Path tmp;
  Path wrapper;
  Path conf;
  Path jar;
  Path bin;
  Path argvFile;
  Path pidFile;

  @BeforeEach
  void setUp() throws Exception {
    wrapper = Scripts.submitDir().resolve("verdant");
    conf = Scripts.submitDir().resolve("conf");
    jar = Files.writeString(tmp.resolve("verdant-9.9-spark3.5.jar"), "not really a jar");
    bin = tmp.resolve("bin");
    argvFile = tmp.resolve("argv");
    pidFile = tmp.resolve("pid");
    fakeSparkSubmit(bin.resolve("spark-submit"), "path");
  }

  private void fakeSparkSubmit(Path file, String tag) throws Exception {
    Scripts.executable(
        file,
        "#!/usr/bin/env bash",
        "printf '%s\\0' \"$@\" > \"$ARGV_FILE\"",
        "echo \"$$ " + tag + " OMP=${OMP_NUM_THREADS:-unset}\" > \"$PID_FILE\"",
        "exit \"${FAKE_EXIT:-0}\"");
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", bin + ":/usr/local/bin:/usr/bin:/bin");
    env.put("ARGV_FILE", argvFile.toString());
    env.put("PID_FILE", pidFile.toString());
    env.put("VERDANT_APP_JAR", jar.toString());
    env.put("VERDANT_CACHE_DIR", tmp.resolve("cache").toString());
    return env;
  }

  private Scripts.Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(wrapper.toString());
    cmd.addAll(List.of(args));
    return Scripts.run(env, cmd);
  }

  private List<String> expected(String properties, String... rest) {
    List<String> out =
        new ArrayList<>(List.of("--properties-file", conf.resolve(properties).toString()));
    out.addAll(List.of(rest));
    return out;
  }

  @Test
  void standaloneMasterPicksTheStandalonePropertiesAndPassesJobArgumentsVerbatim()
      throws Exception {
    Scripts.Result r =
        run(
            env(),
            "--master",
            "spark://10.0.0.1:7077",
            "ingest",
            "--dataset",
            "mnist",
            "--out",
            "/data/with space/t",
            "--run-id",
            "r-1");
    assertEquals(0, r.exitCode(), r.stderr());
    List<String> want =
        expected(
            "standalone.properties",
            "--master",
            "spark://10.0.0.1:7077",
            "--class",
            "io.verdant.jobs.Verdant",
            jar.toString(),
            "ingest",
            "--dataset",
            "mnist",
            "--out",
            "/data/with space/t",
            "--run-id",
            "r-1");
    assertEquals(want, Scripts.nulSeparated(argvFile));
  }

  @Test
  void environmentDefaultsDeployModeAndConfs() throws Exception {
    Map<String, String> env = env();
    env.put("VERDANT_MASTER", "yarn");
    env.put("VERDANT_DEPLOY_MODE", "cluster");
    Scripts.Result r =
        run(
            env,
            "--conf",
            "spark.executor.instances=8",
            "--conf=spark.yarn.queue=ml",
            "ingest",
            "--help");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(
        expected(
            "yarn.properties",
            "--master",
            "yarn",
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.executor.instances=8",
            "--conf",
            "spark.yarn.queue=ml",
            "--class",
            "io.verdant.jobs.Verdant",
            jar.toString(),
            "ingest",
            "--help"),
        Scripts.nulSeparated(argvFile));
  }

  @Test
  void commandLineOptionsWinOverTheEnvironment() throws Exception {
    Map<String, String> env = env();
    env.put("VERDANT_MASTER", "yarn");
    Scripts.Result r =
        run(env, "--master=k8s://https://api:443", "--deploy-mode", "client", "ingest");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(
        expected(
            "k8s.properties",
            "--master",
            "k8s://https://api:443",
            "--deploy-mode",
            "client",
            "--class",
            "io.verdant.jobs.Verdant",
            jar.toString(),
            "ingest"),
        Scripts.nulSeparated(argvFile));
  }

  @Test
  void aPropertiesFileAloneSubmitsWithoutAMaster() throws Exception {
    Path props = Files.writeString(tmp.resolve("site.properties"), "spark.master=spark://m:7077\n");
    Map<String, String> env = env();
    env.put("VERDANT_PROPERTIES", props.toString());
    Scripts.Result r = run(env, "ingest", "--dataset", "mnist");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(
        List.of(
            "--properties-file",
            props.toString(),
            "--class",
            "io.verdant.jobs.Verdant",
            jar.toString(),
            "ingest",
            "--dataset",
            "mnist"),
        Scripts.nulSeparated(argvFile));
  }

  @Test
  void sparkHomeWinsOverThePathAndTheProcessIsReplaced() throws Exception {
    Path home = tmp.resolve("spark-home");
    fakeSparkSubmit(home.resolve("bin/spark-submit"), "home");
    Map<String, String> env = env();
    env.put("SPARK_HOME", home.toString());
    Scripts.Result r = run(env, "--master", "local[2]", "ingest");
    assertEquals(0, r.exitCode(), r.stderr());
    String[] pid = Files.readString(pidFile).trim().split(" ");
    assertEquals("home", pid[1], "ran $SPARK_HOME/bin/spark-submit");
    assertEquals(
        "OMP=1", pid[2], "one ND4J thread per task slot in the client-mode driver by default");
    // exec: spark-submit runs as the wrapper's own process, so signals reach it directly.
    assertEquals(r.pid(), Long.parseLong(pid[0]));
    assertEquals(
        conf.resolve("local.properties").toString(), Scripts.nulSeparated(argvFile).get(1));
  }

  /**
   * The java command line of the embedded local mode, from a fake java under JAVA_HOME, without
   * class data sharing (its flags come from the job's earlier runs).
   */
  private List<String> embeddedJavaArgs(Map<String, String> env) throws Exception {
    env.put("VERDANT_CDS", "off");
    env.put("JAVA_HOME", fakeJava().toString());
    Scripts.Result r = run(env, "ledger", "show");
    assertEquals(0, r.exitCode(), r.stderr());
    return Scripts.nulSeparated(argvFile);
  }

  /**
   * A fake JDK whose java records its argv in $ARGV_FILE (the check of a class archive, with
   * -version, in $ARGV_FILE.version), writes the class archive that -XX:ArchiveClassesAtExit asks
   * for, and exits with $FAKE_EXIT (the check with $FAKE_VERIFY_EXIT).
   */
  private Path fakeJava() throws Exception {
    Path jobsTarget = Scripts.submitDir().getParent().resolve("jobs/target");
    // Without the built jobs jar the wrapper would build it first (mvn package).
    assumeTrue(Files.exists(jobsTarget.resolve("embedded-classpath.txt")), "jobs not packaged");
    try (var jars = Files.list(jobsTarget)) {
      assumeTrue(
          jars.anyMatch(p -> p.getFileName().toString().matches("verdant-jobs-.*\\.jar")),
          "jobs not packaged");
    }
    Path home = tmp.resolve("jdk");
    Scripts.executable(
        home.resolve("bin/java"),
        "#!/usr/bin/env bash",
        "if [[ \" $* \" == *' -version '* ]]; then",
        "  printf '%s\\0' \"$@\" > \"$ARGV_FILE.version\"; exit \"${FAKE_VERIFY_EXIT:-0}\"",
        "fi",
        "printf '%s\\0' \"$@\" > \"$ARGV_FILE\"",
        "for a in \"$@\"; do",
        "  [[ $a == -XX:ArchiveClassesAtExit=* ]] && echo archive > \"${a#*=}\"",
        "done",
        "exit \"${FAKE_EXIT:-0}\"");
    return home;
  }

  private List<String> classSharingFlags(Map<String, String> env, String job, String... args)
      throws Exception {
    Files.deleteIfExists(argvFile);
    List<String> argv = new ArrayList<>(List.of(job));
    argv.addAll(args.length == 0 ? List.of("show") : List.of(args));
    Scripts.Result r = run(env, argv.toArray(String[]::new));
    assertEquals(Integer.parseInt(env.getOrDefault("FAKE_EXIT", "0")), r.exitCode(), r.stderr());
    assertEquals("", r.stdout());
    return Scripts.nulSeparated(argvFile).stream()
        .filter(a -> a.startsWith("-XX:SharedArchiveFile") || a.contains("ArchiveClassesAtExit"))
        .toList();
  }

  private List<String> archives(Path dir, String suffix) throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).toList();
    }
  }

  @Test
  void aJobsSecondRunWritesItsClassArchiveAndLaterRunsStartFromIt() throws Exception {
    Map<String, String> env = env();
    env.put("JAVA_HOME", fakeJava().toString());
    Path cds = tmp.resolve("cache/cds");

    assertEquals(List.of(), classSharingFlags(env, "ledger"), "a first run pays nothing");
    List<String> dump = classSharingFlags(env, "ledger");
    assertEquals(1, dump.size(), dump.toString());
    String archive = archives(cds, ".jsa").get(0);
    assertTrue(archive.matches("ledger-\\d+\\.jsa"), archive);
    assertTrue(
        dump.get(0).startsWith("-XX:ArchiveClassesAtExit=" + cds.resolve(archive) + "."),
        "written to a temporary file: " + dump);
    assertEquals(
        "-XX:SharedArchiveFile=" + cds.resolve(archive),
        Scripts.nulSeparated(Path.of(argvFile + ".version")).stream()
            .filter(a -> a.startsWith("-XX:SharedArchiveFile"))
            .findFirst()
            .orElseThrow()
            .replaceFirst("\\.\\d+\\.tmp$", ""),
        "checked before it is kept");
    assertEquals(
        List.of("-XX:SharedArchiveFile=" + cds.resolve(archive)), classSharingFlags(env, "ledger"));
    assertEquals(List.of(), archives(cds, ".tmp"));

    assertEquals(List.of(), classSharingFlags(env, "--version"), "no archive for --version");
    assertEquals(List.of(), classSharingFlags(env, "train", "--help"), "nor for a job's help");
    classSharingFlags(env, "train", "--data", "d");
    assertEquals(List.of(), classSharingFlags(env, "train", "--dry-run"), "nor for a dry run");
    assertEquals(1, classSharingFlags(env, "train", "--data", "d").size(), "a real second run");
    env.put("VERDANT_JAVA_OPTS", "-Xss2m");
    assertEquals(List.of(), classSharingFlags(env, "ledger"), "other flags: a first run again");
    assertEquals(
        List.of(),
        archives(cds, ".jsa").stream().filter(a -> a.startsWith("ledger-")).toList(),
        "the archive of the earlier flags is gone");
    env.put("VERDANT_JAVA_OPTS", "-Xshare:off");
    classSharingFlags(env, "ledger");
    assertEquals(List.of(), classSharingFlags(env, "ledger"), "the operator's choice wins");
    env.remove("VERDANT_JAVA_OPTS");
    env.put("VERDANT_CDS", "off");
    assertEquals(List.of(), classSharingFlags(env, "ledger"));
  }

  @Test
  void aClassArchiveIsKeptOnlyFromASuccessfulRunThatAJvmCanMap() throws Exception {
    Map<String, String> env = env();
    env.put("JAVA_HOME", fakeJava().toString());
    Path cds = tmp.resolve("cache/cds");
    classSharingFlags(env, "models");

    env.put("FAKE_EXIT", "3");
    assertEquals(1, classSharingFlags(env, "models").size(), "the exit status passes through");
    assertEquals(List.of(), archives(cds, ".jsa"));
    assertEquals(List.of(), archives(cds, ".tmp"));

    env.remove("FAKE_EXIT");
    env.put("FAKE_VERIFY_EXIT", "134");
    assertEquals(1, classSharingFlags(env, "models").size());
    assertEquals(List.of(), archives(cds, ".jsa"), "an archive no JVM maps is dropped");

    env.remove("FAKE_VERIFY_EXIT");
    classSharingFlags(env, "models");
    assertEquals(1, archives(cds, ".jsa").size());
  }

  @Test
  void embeddedLocalModeRunsC1OnlyUnlessVerdantJavaOptsReplacesItsFlags() throws Exception {
    List<String> flags = new ArrayList<>();
    for (String line : Files.readAllLines(conf.resolve("java17-jvm-flags"))) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        flags.add(line);
      }
    }
    List<String> byDefault = embeddedJavaArgs(env());
    assertEquals(flags, byDefault.subList(0, flags.size()), "the Java 17 flags come first");
    assertEquals("-XX:TieredStopAtLevel=1", byDefault.get(flags.size()));
    assertTrue(byDefault.get(flags.size() + 1).startsWith("-Xmx"), byDefault.toString());

    Map<String, String> env = env();
    env.put("VERDANT_JAVA_OPTS", "-XX:+UseSerialGC -Xss2m");
    List<String> replaced = embeddedJavaArgs(env);
    assertEquals(
        List.of("-XX:+UseSerialGC", "-Xss2m"), replaced.subList(flags.size(), flags.size() + 2));
    assertFalse(replaced.contains("-XX:TieredStopAtLevel=1"), replaced.toString());

    env.put("VERDANT_JAVA_OPTS", "");
    List<String> none = embeddedJavaArgs(env);
    assertTrue(none.get(flags.size()).startsWith("-Xmx"), "no extra flags: " + none);
  }

  @Test
  void exitStatusPassesThrough() throws Exception {
    Map<String, String> env = env();
    env.put("FAKE_EXIT", "7");
    assertEquals(7, run(env, "--master", "spark://m:7077", "ingest").exitCode());
  }

  @Test
  void usageErrorsGoToStderrWithStatus2AndSubmitNothing() throws Exception {
    String[][] bad = {
      {},
      {"--master"},
      {"--master", "spark://m:7077"},
      {"--master", "mesos://m:5050", "ingest"},
      {"--master", "yarn", "--deploy-mode", "both", "ingest"},
      {"--properties-file", "/nonexistent.properties", "ingest"},
      {"--conf", "a=b", "ingest"},
    };
    for (String[] args : bad) {
      Scripts.Result r = run(env(), args);
      assertEquals(2, r.exitCode(), String.join(" ", args));
      assertTrue(
          r.stderr().contains("submit/verdant [--master URL]"),
          "usage on stderr for " + String.join(" ", args));
      assertEquals("", r.stdout());
      assertFalse(
          Files.exists(argvFile), "spark-submit must not run for " + String.join(" ", args));
    }
    assertTrue(
        run(env(), "--master", "mesos://m:5050", "ingest")
            .stderr()
            .contains("no default properties file for master 'mesos://m:5050'"));
  }

  @Test
  void missingApplicationJarIsAUsageError() throws Exception {
    Map<String, String> env = env();
    env.put("VERDANT_APP_JAR", tmp.resolve("nope.jar").toString());
    Scripts.Result r = run(env, "--master", "yarn", "ingest");
    assertEquals(2, r.exitCode());
    assertTrue(
        r.stderr().contains("application jar not found: " + tmp.resolve("nope.jar")), r.stderr());
  }
}
