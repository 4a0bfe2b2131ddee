package io.verdant.jobs.report;

import io.verdant.common.VerdantException;
import io.verdant.common.ledger.LedgerSummary.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which of the ledger's runs a report covers: given ids, the latest N, or those started since a
 * time.
 */
public interface RunSelection {
  /**
   * The chosen runs, oldest first.
   *
   * @throws VerdantException when nothing matches, naming the option and the ledger
   */
  List<Run> choose(List<Run> all, String root);

  /** The runs with these ids, in the order they started; every id must be in the ledger. */
  record ById(List<String> runIds) implements RunSelection {
    @Override
    public List<Run> choose(List<Run> all, String root) {
      Map<String, Run> byId =
          all.stream().collect(Collectors.toMap(Run::runId, Function.identity(), (a, b) -> a));
      List<Run> out = new ArrayList<>();
      for (String id : runIds) {
        Run r = byId.get(id);
        if (r == null) {
          throw VerdantException.of("--run %s is not in the ledger at %s", id, root);
        }
        if (!out.contains(r)) {
          out.add(r);
        }
      }
      return oldestFirst(out);
    }
  }

  /** The latest {@code count} runs. */
  record Last(int count) implements RunSelection {
    @Override
    public List<Run> choose(List<Run> all, String root) {
      List<Run> newest = new ArrayList<>(all);
      newest.sort(Comparator.comparingLong(Run::startMs).reversed());
      return oldestFirst(newest.subList(0, Math.min(count, newest.size())));
    }
  }

  /** The runs started at or after an instant. */
  record Since(Instant since, String given) implements RunSelection {
    @Override
    public List<Run> choose(List<Run> all, String root) {
      List<Run> out =
          all.stream()
              .filter(r -> r.startMs() >= since.toEpochMilli())
              .collect(Collectors.toList());
      if (out.isEmpty()) {
        throw VerdantException.of(
            "--since %s: no run in the ledger at %s started at or after it", given, root);
      }
      return oldestFirst(out);
    }
  }

  private static List<Run> oldestFirst(List<Run> runs) {
    List<Run> out = new ArrayList<>(runs);
    out.sort(Comparator.comparingLong(Run::startMs).thenComparing(Run::runId));
    return List.copyOf(out);
  }
}
