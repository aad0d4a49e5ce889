/**
 * Seeded, splittable randomness for everything in @unet/data that draws (augmentation, the
 * synthetic data set, the order of samples). Never Math.random: a training run must be a pure
 * function of its seed, so that a killed and resumed run draws exactly the batches it would have
 * drawn, and a worker thread draws exactly what the main thread would have.
 *
 * A `Random` is a key (four 32-bit words) and a sfc32 generator started from that key.
 * `fork(...keys)` derives a child key from the parent's *key*, not from its generator's state,
 * so `createRandom(seed).fork('sample', step, slot)` gives the same stream however many numbers
 * were drawn before. sfc32 (Chris Doty-Humphrey's small fast counting generator) passes
 * PractRand to 2^64 bytes and its counter guarantees a period of at least 2^32; keys are
 * mixed with the murmur3 finaliser, so neighbouring keys (step 7 and step 8) give unrelated streams.
 */

/** A seed or key that cannot be used. */
export class RandomSeedError extends Error {
  override readonly name = 'RandomSeedError';

  constructor(message: string) {
    super(message);
  }
}

/** A key of a derived stream: a whole number (step, slot, index) or a name ('epoch'). */
export type RandomKey = number | string;

/** The murmur3 32-bit finaliser: every input bit flips about half the output bits. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit words that stand for one key: two for a number (its high and low halves), a hash for a string. */
function keyWords(key: RandomKey): number[] {
  if (typeof key === 'string') {
    // FNV-1a over the UTF-16 code units, behind a tag word and followed by the length, so that a
    // string key does not stand for the same words as a small number key.
    let hash = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
    return [0x5f3759df, hash >>> 0, key.length];
  }
  if (!Number.isSafeInteger(key)) {
    throw new RandomSeedError(
      `random.ts: a seed or key must be a whole number within +-2^53 (or a string), got ${key}; pass an integer such as 42.`,
    );
  }
  const low = key % 0x100000000;
  const high = Math.floor(key / 0x100000000);
  return [low >>> 0, high >>> 0];
}

/** Mixes words into a key; each lane also depends on its neighbour so that no lane stays constant. */
function deriveKey(parent: Uint32Array, words: readonly number[]): Uint32Array {
  const key = new Uint32Array(parent);
  for (const word of words) {
    for (let lane = 0; lane < 4; lane++) {
      const salted = fmix32(word ^ Math.imul(lane + 1, 0x9e3779b9));
      key[lane] = fmix32(key[lane] + salted + Math.imul(key[(lane + 1) & 3], 0x27d4eb2f));
    }
  }
  return key;
}

const ROOT_KEY = new Uint32Array([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344]);

/** A seeded stream of random numbers; see the file comment. */
export class Random {
  readonly #key: Uint32Array;
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** The second value of the last Box-Muller pair, drawn on the next call to normal(). */
  #spareNormal: number | undefined;

  /** Use createRandom(seed) or fork(); the key is four 32-bit words. */
  constructor(key: Uint32Array) {
    this.#key = new Uint32Array(key);
    [this.#a, this.#b, this.#c, this.#d] = this.#key;
    // sfc32's first outputs from related states are correlated; a short warm-up removes that.
    for (let i = 0; i < 16; i++) this.nextUint32();
  }

  /** A child stream, a pure function of this stream's key and `keys` (not of what was drawn). */
  fork(...keys: RandomKey[]): Random {
    return new Random(deriveKey(this.#key, keys.flatMap(keyWords)));
  }

  /** A whole number in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A number in [low, high), 53 random bits. */
  uniform(low = 0, high = 1): number {
    const fraction = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
    return low + (high - low) * fraction;
  }

  /** A Gaussian number (Box-Muller), mean `mean` and standard deviation `std`. */
  normal(mean = 0, std = 1): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return mean + std * spare;
    }
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    return mean + std * radius * Math.cos(angle);
  }

  /** A whole number in [low, high); high - low must be between 1 and 2^32. */
  integer(low: number, high: number): number {
    const range = high - low;
    if (!Number.isInteger(low) || !Number.isInteger(high) || range < 1 || range > 0x100000000) {
      throw new RandomSeedError(`random.ts: integer(${low}, ${high}) needs whole bounds with 1 <= high - low <= 2^32; pass low < high.`);
    }
    // Rejection sampling removes the modulo bias of large ranges.
    const limit = 0x100000000 - (0x100000000 % range);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return low + (value % range);
  }

  /** True with probability p. */
  bernoulli(p = 0.5): boolean {
    return this.uniform() < p;
  }

  /** Shuffles `values` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = this.integer(0, i + 1);
      const held = values[i];
      values[i] = values[j];
      values[j] = held;
    }
    return values;
  }

  /** The numbers 0..size-1 in random order. */
  permutation(size: number): Int32Array {
    const order = new Int32Array(size);
    for (let i = 0; i < size; i++) order[i] = i;
    return this.shuffle(order);
  }
}

/** The stream of `seed`, optionally forked by `keys` (createRandom(s, 'a', 1) = createRandom(s).fork('a', 1)). */
export function createRandom(seed: number, ...keys: RandomKey[]): Random {
  return new Random(deriveKey(ROOT_KEY, [seed, ...keys].flatMap(keyWords)));
}
