package io.verdant.jobs.registry;

import io.verdant.common.VerdantException;
import io.verdant.jobs.model.ModelArtifact;
import io.verdant.jobs.model.ModelInfo;
import io.verdant.jobs.model.ModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;

/** The text {@code verdant models list} and {@code verdant models show} print. */
public final class RegistryReport {
  private RegistryReport() {}

  /** One line per model: its versions, its latest version's kind, and its aliases. */
  public static String names(ModelRegistry registry) {
    List<String> names = registry.names();
    if (names.isEmpty()) {
      return "No models in the registry at " + registry.root() + "\n";
    }
    StringBuilder sb =
        new StringBuilder(
            f("%-40s %8s %7s  %-10s  %s%n", "name", "versions", "latest", "kind", "aliases"));
    for (String n : names) {
      List<ModelVersion> versions = registry.list(n);
      ModelVersion latest = versions.get(versions.size() - 1);
      sb.append(
          f(
              "%-40s %8d %7d  %-10s  %s%n",
              n,
              versions.size(),
              latest.version(),
              latest.kind().label(),
              aliases(registry.aliases(n))));
    }
    return sb.toString();
  }

  /** One line per version of a model. */
  public static String versions(ModelRegistry registry, String name) {
    List<ModelVersion> versions = registry.list(name);
    Map<String, Integer> aliases = registry.aliases(name);
    StringBuilder sb = new StringBuilder(f("%s%s%n", ModelRef.SCHEME, name));
    sb.append(
        f(
            "  %7s  %-10s  %-24s  %-16s %12s  %-12s  %-24s  %s%n",
            "version", "kind", "registered", "test", "size_bytes", "sha256", "parent", "aliases"));
    for (ModelVersion v : versions) {
      sb.append(
          f(
              "  %7d  %-10s  %-24s  %-16s %,12d  %-12s  %-24s  %s%n",
              v.version(),
              v.kind().label(),
              v.createdAt(),
              headline(v.metrics()),
              v.sizeBytes(),
              v.sha256().substring(0, 12),
              v.parent() == null ? "-" : v.parent().uri(),
              aliasesOf(aliases, v.version())));
    }
    return sb.toString();
  }

  /** A version's details, its file's state, and its footprint in the ledger. */
  public static String show(
      ModelVersion v, Map<String, Integer> aliases, String fileState, ModelFootprint footprint) {
    StringBuilder sb =
        new StringBuilder(
            f("%s  %s  aliases: %s%n", v.uri(), v.kind().label(), aliasesOf(aliases, v.version())));
    field(sb, "path", v.path());
    field(sb, "file", fileState);
    field(sb, "sha256", v.sha256());
    field(sb, "size", f("%,d bytes", v.sizeBytes()));
    field(sb, "architecture", v.architecture());
    field(sb, "parent", v.parent() == null ? "-" : v.parent().uri());
    field(sb, "dataset", "manifest sha256 " + v.datasetManifestSha256());
    field(sb, "test metrics", metrics(v.metrics()));
    field(sb, "registered", v.createdAt() + " by run " + v.runId());
    lineage(sb, footprint);
    scoring(sb, footprint);
    return sb.toString();
  }

  /** Whether the version's file is still the registered one. */
  public static String fileState(ModelVersion v, Configuration conf) {
    try {
      ModelArtifact a = ModelStore.artifact(v.path(), "path", conf);
      return a.sha256().equals(v.sha256())
          ? "present, SHA-256 matches"
          : "REPLACED after registration: " + a.file() + " has SHA-256 " + a.sha256();
    } catch (VerdantException e) {
      return "not usable: " + e.getMessage();
    }
  }

  private static void lineage(StringBuilder sb, ModelFootprint fp) {
    sb.append(f("%nLineage (ledger at %s):%n", fp.ledgerRoot()));
    sb.append(f("  %-9s %-40s %-18s %12s %12s%n", "step", "run", "status", "energy_Wh", "co2e_g"));
    for (ModelFootprint.StepCost s : fp.lineage()) {
      if (s.inLedger()) {
        sb.append(
            f(
                "  %-9s %-40s %-18s %12.5f %12.4f%n",
                s.step(), s.runId(), s.status(), s.energyJ() / 3600, s.co2eG()));
      } else {
        sb.append(
            f(
                "  %-9s %-40s %-18s %12s %12s%n",
                s.step(), s.runId(), "not in the ledger", "-", "-"));
      }
    }
    sb.append(
        f(
            "  %-9s %-40s %-18s %12.5f %12.4f%n",
            "total",
            "",
            fp.missing() == 0 ? "" : f("(%d missing)", fp.missing()),
            fp.lineageEnergyJ() / 3600,
            fp.lineageCo2eG()));
  }

  private static void scoring(StringBuilder sb, ModelFootprint fp) {
    ModelFootprint.Scoring s = fp.scoring();
    if (s.predictions() == 0) {
      sb.append(
          f(
              "%nScoring: not scored yet (no succeeded %s run in the ledger records this %s)%n",
              RunAttributes.SCORE_JOB, RunAttributes.MODEL_SHA256));
      return;
    }
    sb.append(
        f(
            "%nScoring: %,d predictions in %d %s run(s), %.5f Wh, %.4f g CO2e%n",
            s.predictions(), s.runs(), RunAttributes.SCORE_JOB, s.energyJ() / 3600, s.co2eG()));
    double per = 1000.0 / s.predictions();
    sb.append(f("  %-34s %12s %12s%n", "per 1,000 predictions", "energy_J", "co2e_g"));
    sb.append(
        f(
            "  %-34s %12.4f %12.6f%n",
            "lineage, spread over predictions",
            fp.lineageEnergyJ() * per,
            fp.lineageCo2eG() * per));
    sb.append(f("  %-34s %12.4f %12.6f%n", "scoring", s.energyJ() * per, s.co2eG() * per));
    sb.append(
        f(
            "  %-34s %12.4f %12.6f%n",
            "total",
            (fp.lineageEnergyJ() + s.energyJ()) * per,
            (fp.lineageCo2eG() + s.co2eG()) * per));
  }

  private static String metrics(ModelInfo.TestMetrics m) {
    if (m == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    if (m.accuracy() != null) {
      parts.add(f("accuracy %.2f%%", 100 * m.accuracy()));
    }
    if (m.macroF1() != null) {
      parts.add(f("macro F1 %.4f", m.macroF1()));
    }
    if (m.rmse() != null) {
      parts.add(f("RMSE %.5g", m.rmse()));
    }
    if (m.r2() != null) {
      parts.add(f("R^2 %.4f", m.r2()));
    }
    if (m.examples() > 0) {
      parts.add(f("%,d examples", m.examples()));
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  /** The one figure of a version's list line: test accuracy, else RMSE. */
  private static String headline(ModelInfo.TestMetrics m) {
    if (m != null && m.accuracy() != null) {
      return f("acc %.2f%%", 100 * m.accuracy());
    }
    return m != null && m.rmse() != null ? f("rmse %.4g", m.rmse()) : "-";
  }

  private static String aliases(Map<String, Integer> aliases) {
    return aliases.isEmpty()
        ? "-"
        : aliases.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", "));
  }

  private static String aliasesOf(Map<String, Integer> aliases, int version) {
    String s =
        aliases.entrySet().stream()
            .filter(e -> e.getValue() == version)
            .map(Map.Entry::getKey)
            .collect(Collectors.joining(", "));
    return s.isEmpty() ? "-" : s;
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(f("  %-14s %s%n", name, value));
  }

  private static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
