package io.verdant.jobs.plan;

import java.util.Optional;

/** One way to know what a job will take; a plan uses the first that knows. */
public interface Estimator {
  Optional<Estimate> estimate(JobSpec job);
}
