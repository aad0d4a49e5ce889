import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import './register_gradients.browser.js';
import { describeWithBackends, expectTensorsClose } from '@unet/test-utils';
import { expect, it } from 'vitest';
import { frugalVariableGrads } from './frugal_gradients.js';

/** A small net with what a U-Net has: convolutions, ReLU, a skip joined by concat, a tensor used
 * twice (x + x: one gradient object for two inputs), a custom-gradient op, a crop. */
function makeNet() {
  const kernel1 = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 0.3, 'float32', 1), true);
  const kernel2 = tf.variable(tf.randomNormal([3, 3, 8, 3], 0, 0.3, 'float32', 2), true);
  const scale = tf.variable(tf.tensor1d([0.5, -1, 2]), true);
  const unused = tf.variable(tf.ones([2]), true);
  const doubled = tf.customGrad((...args) => {
    const [x] = args as [tf.Tensor];
    return { value: tf.mul(x, 2), gradFunc: (dy) => tf.mul(dy as tf.Tensor, 2) };
  });
  // A chain of same-size layers, as in a U-Net level: tfjs keeps the gradient of each.
  const chain = Array.from({ length: 8 }, (_, index) => tf.variable(tf.randomNormal([3, 3, 4, 4], 0, 0.25, 'float32', 10 + index), true));
  const input = tf.randomNormal([2, 12, 12, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
  const target = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 4);
  // An identity whose gradient notes the live bytes: it runs after every later layer's gradient.
  const probe = { bytes: 0 };
  const probed = tf.customGrad((...args) => {
    const [x] = args as [tf.Tensor];
    return {
      value: tf.mul(x, 1),
      gradFunc: (dy) => {
        probe.bytes = tf.memory().numBytes;
        return dy as tf.Tensor;
      },
    };
  });
  const loss = () => {
    let a = probed(tf.relu(tf.conv2d(input, kernel1 as tf.Tensor4D, 1, 'same'))) as tf.Tensor4D;
    for (const kernel of chain) a = tf.relu(tf.conv2d(a, kernel as tf.Tensor4D, 1, 'same'));
    const b = tf.add(a, a);
    const joined = tf.concat([doubled(b) as tf.Tensor4D, a], 3);
    const c = tf.mul(tf.conv2d(joined, kernel2 as tf.Tensor4D, 1, 'valid'), scale);
    const cropped = tf.slice(c, [0, 1, 1, 0], [2, 8, 8, 3]);
    return tf.mean(tf.square(tf.sub(cropped, target))) as tf.Scalar;
  };
  return {
    variables: [kernel1, kernel2, scale, unused, ...chain],
    loss,
    probe,
    dispose: () => tf.dispose([kernel1, kernel2, scale, unused, ...chain, input, target]),
  };
}

// The engine logic is the same on every backend; the test net's conv2d gradient needs the
// Conv2DBackpropFilter kernel, which wasm lacks.
describeWithBackends('frugalVariableGrads', () => {
  it("gives tf.variableGrads' value and gradients, and none for an unused variable", () => {
    const net = makeNet();
    const expected = tf.variableGrads(net.loss, net.variables);
    const actual = frugalVariableGrads(net.loss, net.variables);
    expect(Object.keys(actual.grads).sort()).toEqual(Object.keys(expected.grads).sort());
    expect(Object.keys(actual.grads)).not.toContain(net.variables[3]!.name);
    expectTensorsClose(actual.value, expected.value, 0, 0);
    for (const name of Object.keys(expected.grads)) expectTensorsClose(actual.grads[name]!, expected.grads[name]!, 0, 0);
    tf.dispose([actual.value, expected.value, ...Object.values(actual.grads), ...Object.values(expected.grads)]);
    net.dispose();
  });

  it('leaks no tensor, and has let go of the later layers by the time it reaches the first', () => {
    const net = makeNet();
    const before = tf.memory().numTensors;
    const frugal = frugalVariableGrads(net.loss, net.variables);
    const frugalBytes = net.probe.bytes;
    expect(tf.memory().numTensors).toBe(before + 1 + Object.keys(frugal.grads).length);
    tf.dispose([frugal.value, ...Object.values(frugal.grads)]);
    const stock = tf.variableGrads(net.loss, net.variables);
    const stockBytes = net.probe.bytes;
    tf.dispose([stock.value, ...Object.values(stock.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // tfjs still holds every saved activation and every intermediate gradient there.
    expect(frugalBytes).toBeLessThan(stockBytes * 0.5);
    net.dispose();
  });

  it('refuses a function that does not return a scalar', () => {
    const variable = tf.variable(tf.ones([2]), true);
    expect(() => frugalVariableGrads(() => tf.mul(variable, 2) as unknown as tf.Scalar, [variable])).toThrow(/must return a scalar/);
    variable.dispose();
  });
}, ['cpu']);
