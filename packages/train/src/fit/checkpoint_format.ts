import { CheckpointError } from '../errors.js';
import type { NamedArray } from '../optim/optimizer_state.js';
import type { TrainingCheckpoint } from './checkpoint.js';

/** Written into every manifest, so that a reader can tell a checkpoint from other JSON. */
export const checkpointFormat = 'unet-ts/train-checkpoint';
const formatVersion = 1;

/** Where one tensor lies in the checkpoint's binary data. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Byte offset in the data. */
  offset: number;
  /** Number of values (4 bytes each). */
  length: number;
}

/**
 * A checkpoint as stored: this JSON manifest (checkpoint.json) and one binary blob
 * (tensors.bin) holding every tensor's values back to back, little-endian float32 or int32.
 */
export interface CheckpointManifest {
  format: typeof checkpointFormat;
  formatVersion: number;
  step: number;
  model: { config: TrainingCheckpoint['model']['config']; metadata: Record<string, unknown>; weights: TensorEntry[] };
  optimizer: { className: string; iterations: number; extra: Record<string, number>; weights: TensorEntry[] };
  schedule: TrainingCheckpoint['schedule'];
  progress: TrainingCheckpoint['progress'];
  config: Record<string, unknown>;
  /** The data's length, checked on reading. */
  byteLength: number;
}

/** The manifest and the binary data of a checkpoint. */
export function encodeCheckpoint(checkpoint: TrainingCheckpoint): { manifest: CheckpointManifest; data: Uint8Array } {
  const arrays = [...checkpoint.model.weights, ...checkpoint.optimizer.weights];
  const byteLength = arrays.reduce((sum, array) => sum + array.data.length * 4, 0);
  const data = new Uint8Array(byteLength);
  let offset = 0;
  const place = (array: NamedArray): TensorEntry => {
    const entry = { name: array.name, shape: [...array.shape], dtype: array.dtype, offset, length: array.data.length };
    data.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), offset);
    offset += array.data.byteLength;
    return entry;
  };
  const manifest: CheckpointManifest = {
    format: checkpointFormat,
    formatVersion,
    step: checkpoint.step,
    model: {
      config: checkpoint.model.config,
      metadata: checkpoint.model.metadata,
      weights: checkpoint.model.weights.map(place),
    },
    optimizer: {
      className: checkpoint.optimizer.className,
      iterations: checkpoint.optimizer.iterations,
      extra: checkpoint.optimizer.extra,
      weights: checkpoint.optimizer.weights.map(place),
    },
    schedule: checkpoint.schedule,
    progress: checkpoint.progress,
    config: checkpoint.config,
    byteLength,
  };
  return { manifest, data };
}

/** The checkpoint that `manifest` and `data` describe; `source` names the files in errors. */
export function decodeCheckpoint(manifest: CheckpointManifest, data: Uint8Array, source: string): TrainingCheckpoint {
  if (manifest?.format !== checkpointFormat) {
    throw new CheckpointError(`${source} is not a unet-ts training checkpoint (its format is ${JSON.stringify(manifest?.format)})`);
  }
  if (manifest.formatVersion > formatVersion) {
    throw new CheckpointError(
      `${source} is checkpoint format ${manifest.formatVersion}; this @unet/train reads up to ${formatVersion}: update @unet/train`,
    );
  }
  if (data.byteLength !== manifest.byteLength) {
    throw new CheckpointError(
      `${source}: the tensor data has ${data.byteLength} bytes but the manifest says ${manifest.byteLength}: ` +
        'the checkpoint is incomplete; resume from an earlier one',
    );
  }
  const read = (entry: TensorEntry): NamedArray => {
    // A copy, so that the values are aligned whatever the offset of `data` in its buffer (and
    // not Buffer.slice, which would return a view into Node's shared pool).
    const bytes = new Uint8Array(entry.length * 4);
    bytes.set(data.subarray(entry.offset, entry.offset + entry.length * 4));
    const values = entry.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    return { name: entry.name, shape: entry.shape, dtype: entry.dtype, data: values };
  };
  return {
    step: manifest.step,
    model: { config: manifest.model.config, metadata: manifest.model.metadata, weights: manifest.model.weights.map(read) },
    optimizer: {
      className: manifest.optimizer.className,
      iterations: manifest.optimizer.iterations,
      extra: manifest.optimizer.extra,
      weights: manifest.optimizer.weights.map(read),
    },
    schedule: manifest.schedule,
    progress: manifest.progress,
    config: manifest.config,
  };
}
