package io.verdant.jobs.plan;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures given with --expected-duration and --expected-energy-wh: constant power over the
 * duration. Either may be null (not given); both are needed.
 */
public record GivenFigures(Long durationMs, Double energyWh) implements Estimator {
  @Override
  public Optional<Estimate> estimate(JobSpec job) {
    if (durationMs == null || energyWh == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Estimate(
            "options",
            String.format(
                Locale.ROOT,
                "--expected-duration %.0f s and --expected-energy-wh %s, constant power",
                durationMs / 1e3,
                energyWh),
            durationMs / 1e3,
            energyWh,
            List.of(),
            PowerProfile.flat(durationMs, energyWh)));
  }
}
