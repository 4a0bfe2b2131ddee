package io.verdant.jobs.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * What a job is expected to take: its duration, its energy and the shape of its power over time.
 *
 * @param source {@code ledger} (comparable runs in the ledger) or {@code options}
 *     (--expected-duration and --expected-energy-wh)
 * @param detail in words: which runs, or which options
 * @param durationS expected wall time, seconds
 * @param energyWh expected IT energy (before PUE), Wh
 * @param runIds the ledger runs the figures come from (empty for {@code options})
 */
public record Estimate(
    String source,
    String detail,
    double durationS,
    double energyWh,
    List<String> runIds,
    @JsonIgnore PowerProfile profile) {}
