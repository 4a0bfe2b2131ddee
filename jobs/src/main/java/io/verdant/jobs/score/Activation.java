package io.verdant.jobs.score;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;

/** The activations the sparse forward pass applies itself, as DL4J defines them. */
enum Activation {
  IDENTITY,
  RELU,
  SIGMOID,
  TANH,
  SOFTMAX;

  /** The activation of a DL4J layer, or null when the sparse path does not implement it. */
  static Activation of(IActivation fn) {
    if (fn instanceof ActivationIdentity) {
      return IDENTITY;
    }
    if (fn instanceof ActivationReLU && fn.equals(new ActivationReLU())) {
      return RELU;
    }
    if (fn instanceof ActivationSigmoid) {
      return SIGMOID;
    }
    if (fn instanceof ActivationTanH) {
      return TANH;
    }
    return fn instanceof ActivationSoftmax ? SOFTMAX : null;
  }

  /**
   * Applies an element-wise activation to {@code v[from, to)}; softmax, which spans a row's
   * outputs, is applied by the caller.
   */
  void applyElementwise(float[] v, int from, int to) {
    switch (this) {
      case RELU -> {
        for (int i = from; i < to; i++) {
          v[i] = Math.max(v[i], 0f);
        }
      }
      case SIGMOID -> {
        for (int i = from; i < to; i++) {
          v[i] = (float) (1.0 / (1.0 + Math.exp(-v[i])));
        }
      }
      case TANH -> {
        for (int i = from; i < to; i++) {
          v[i] = (float) Math.tanh(v[i]);
        }
      }
      default -> {}
    }
  }

  /**
   * Softmax over one row's {@code n} outputs from {@code offset}, shifted by their maximum as
   * DL4J's is.
   */
  static void softmax(float[] v, int offset, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = offset; j < offset + n; j++) {
      max = Math.max(max, v[j]);
    }
    float sum = 0f;
    for (int j = offset; j < offset + n; j++) {
      v[j] = (float) Math.exp(v[j] - max);
      sum += v[j];
    }
    for (int j = offset; j < offset + n; j++) {
      v[j] /= sum;
    }
  }
}
