package io.verdant.jobs.model;

/**
 * A weight array under weight sharing: the codebook (entry 0 = 0.0) and, per position of the array,
 * its codebook index.
 */
public record SharedWeights(float[] codebook, int[] assignment) {
  public float[] values() {
    float[] v = new float[assignment.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = codebook[assignment[i]];
    }
    return v;
  }
}
