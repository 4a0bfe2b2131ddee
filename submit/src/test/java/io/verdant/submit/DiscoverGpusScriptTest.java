package io.verdant.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/gpu/discover-gpus.sh against fake nvidia-smi commands; its output is parsed as Spark
 * parses it.
 */
class DiscoverGpusScriptTest {
  @TempDir Path tmp;

  private Scripts.Result discover(String... smiLines) throws Exception {
    Path bin = tmp.resolve("bin");
    if (smiLines.length > 0) {
      String[] script = new String[smiLines.length + 2];
      script[0] = "#!/usr/bin/env bash";
      script[1] =
          "[[ \"$*\" == '--query-gpu=index --format=csv,noheader' ]] || { echo \"bad args: $*\" >&2; exit 9; }";
      System.arraycopy(smiLines, 0, script, 2, smiLines.length);
      Scripts.executable(bin.resolve("nvidia-smi"), script);
    }
    return Scripts.run(
        Map.of("PATH", bin + ":/usr/bin:/bin"),
        List.of(Scripts.submitDir().resolve("gpu/discover-gpus.sh").toString()));
  }

  private static ResourceInformation parse(String json) {
    // Spark's own parser of discovery script output.
    return ResourceInformation.parseJson(json.trim());
  }

  @Test
  void listsEveryGpuIndex() throws Exception {
    Scripts.Result r = discover("echo 0", "echo 1", "echo 2", "echo 3");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"2\",\"3\"]}", r.stdout().trim());
    ResourceInformation info = parse(r.stdout());
    assertEquals("gpu", info.name());
    assertEquals(List.of("0", "1", "2", "3"), List.of(info.addresses()));
  }

  /** What nvidia-smi 580.159.04 printed on an H100 for the script's query (testdata/nvidia-smi). */
  @Test
  void realH100Output() throws Exception {
    String testdata =
        System.getProperty(
            "verdant.testdata", Scripts.submitDir().resolve("../testdata").toString());
    Path fixture = Paths.get(testdata, "nvidia-smi", "h100-index.csv").toAbsolutePath().normalize();
    Scripts.Result r = discover("cat '" + fixture + "'");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\"]}\n", r.stdout());
    assertEquals("", r.stderr());
    assertEquals(List.of("0"), List.of(parse(r.stdout()).addresses()));
  }

  @Test
  void oneGpuWithCarriageReturnsAndSpaces() throws Exception {
    Scripts.Result r = discover("printf ' 0 \\r\\n'");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(List.of("0"), List.of(parse(r.stdout()).addresses()));
  }

  @Test
  void noNvidiaSmiMeansNoGpus() throws Exception {
    Scripts.Result r = discover();
    assertEquals(0, r.exitCode(), r.stderr());
    JsonNode json = new ObjectMapper().readTree(r.stdout());
    assertEquals("gpu", json.get("name").asText());
    assertEquals(0, json.get("addresses").size());
    assertTrue(r.stderr().contains("nvidia-smi not found"), r.stderr());
  }

  @Test
  void failingNvidiaSmiMeansNoGpus() throws Exception {
    Scripts.Result r =
        discover(
            "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'",
            "exit 9");
    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals(0, parse(r.stdout()).addresses().length);
    assertTrue(r.stderr().contains("nvidia-smi failed"), r.stderr());
  }

  @Test
  void unexpectedOutputIsAnError() throws Exception {
    Scripts.Result r = discover("echo 'No devices were found'");
    assertEquals(1, r.exitCode());
    assertTrue(
        r.stderr().contains("unexpected line from nvidia-smi: Nodeviceswerefound"), r.stderr());
  }
}
