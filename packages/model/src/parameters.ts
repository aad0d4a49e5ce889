import * as tf from '@tensorflow/tfjs-core';

let nextStoreId = 0;

/**
 * The variables of one network, by their local name ('down0/conv1/kernel'). tfjs registers
 * variables by a global name, so each store prefixes its own id: two networks in one process
 * never collide, and the weights file uses the local names only.
 */
export class ParameterStore {
  private readonly variables = new Map<string, tf.Variable>();
  private readonly prefix = `unet${nextStoreId++}`;

  /** Creates a variable; `initialValue` is owned (and disposed) by the store. */
  add(name: string, initialValue: tf.Tensor, trainable = true): tf.Variable {
    if (this.variables.has(name)) throw new Error(`Parameter ${name} is defined twice`);
    const variable = tf.variable(initialValue, trainable, `${this.prefix}/${name}`);
    initialValue.dispose();
    this.variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (variable === undefined) throw new Error(`No parameter named ${name}`);
    return variable;
  }

  /** All variables in creation order (stable, so saved files list weights in network order). */
  entries(): [string, tf.Variable][] {
    return [...this.variables.entries()];
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
  }
}
