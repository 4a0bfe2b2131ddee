package io.verdant.jobs.score;

/**
 * One task's forward pass of a decoded model over a batch of rows. Not thread-safe: each task makes
 * its own from the executor's {@link CompiledModel}.
 */
interface Scorer {
  /**
   * The outputs (probabilities, or the predicted value) of {@code n} rows.
   *
   * @param x the rows' normalized features, row-major: row {@code r}'s feature {@code i} at {@code
   *     r * features + i}
   * @return the outputs, row-major: row {@code r}'s output {@code j} at {@code r * outputs + j}
   */
  float[] forward(float[] x, int n);
}
