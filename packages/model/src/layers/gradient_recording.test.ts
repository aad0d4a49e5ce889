import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@unet/core/register-gradients';
import { describe, expect, it } from 'vitest';
import { recordingGradients } from './gradient_recording.js';

describe('recordingGradients', () => {
  it('is false outside a gradient and true inside tf.grad and tf.variableGrads', () => {
    expect(recordingGradients()).toBe(false);
    const seen: boolean[] = [];
    const x = tf.scalar(3);
    tf.grad((input: tf.Tensor) => {
      seen.push(recordingGradients());
      return tf.square(input);
    })(x).dispose();
    const variable = tf.variable(tf.scalar(2));
    const { value, grads } = tf.variableGrads(() => {
      seen.push(recordingGradients());
      return tf.square(variable) as tf.Scalar;
    });
    expect(seen).toEqual([true, true]);
    expect(recordingGradients()).toBe(false);
    tf.dispose([x, variable, value, ...Object.values(grads)]);
  });
});
