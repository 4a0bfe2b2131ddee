package io.verdant.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.verdant.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium driven by its chromedriver (Selenium), headless, with a fresh profile and the
 * flags that keep it off the network; collects the console and the network events of the page it
 * opens.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");

  private final ChromeDriver driver;
  private final ChromeDriverService service;

  private HeadlessChromium(ChromeDriver driver, ChromeDriverService service) {
    this.driver = driver;
    this.service = service;
  }

  /**
   * Skips the calling test, saying why, when Chromium or chromedriver is not installed (.ci/run
   * installs both).
   */
  static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)");
  }

  static HeadlessChromium start(Path profile, int width, int height) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--user-data-dir=" + profile,
        "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    o.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new HeadlessChromium(new ChromeDriver(service, o), service);
  }

  /**
   * Opens a file, after a blank page whose console and network events (the browser's own start) are
   * dropped.
   */
  void open(Path file) {
    driver.get("about:blank");
    driver.manage().logs().get(LogType.BROWSER);
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.get(file.toUri().toString());
  }

  Object script(String js) {
    return driver.executeScript(js);
  }

  /** Console messages at level SEVERE (errors), as "level message". */
  List<String> consoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
        out.add(e.getLevel() + " " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * The network events since the page was opened: each request's URL, and each failed load as
   * "failed: reason URL".
   */
  List<String> requests() {
    List<String> out = new ArrayList<>();
    Map<String, String> urls = new HashMap<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode m = read(e.getMessage()).path("message");
      JsonNode p = m.path("params");
      switch (m.path("method").asText()) {
        case "Network.requestWillBeSent" -> {
          urls.put(p.path("requestId").asText(), p.path("request").path("url").asText());
          out.add(p.path("request").path("url").asText());
        }
        case "Network.loadingFailed" ->
            out.add(
                "failed: "
                    + p.path("errorText").asText()
                    + " "
                    + urls.get(p.path("requestId").asText()));
        default -> {}
      }
    }
    return out;
  }

  /** A PNG of the page's region (CSS pixels), beyond the window when the region is taller. */
  void screenshot(Path png, double x, double y, double width, double height) {
    Map<String, Object> clip = Map.of("x", x, "y", y, "width", width, "height", height, "scale", 1);
    Map<String, Object> shot =
        driver.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
    try {
      Files.createDirectories(png.getParent());
      Files.write(png, Base64.getDecoder().decode((String) shot.get("data")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
