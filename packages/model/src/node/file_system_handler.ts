import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '@unet/core/node';
import { ModelFormatError } from '../errors.js';

const modelFileName = 'model.json';
const weightsFileName = 'weights.bin';

/** A model folder that cannot be read; the message names the file. */
export class ModelFileError extends Error {
  override readonly name = 'ModelFileError';
}

function folderOf(location: string): string {
  const withoutScheme = location.startsWith('file://') ? location.slice('file://'.length) : location;
  return withoutScheme.endsWith(modelFileName) ? path.dirname(withoutScheme) : withoutScheme;
}

/**
 * tfjs-core has no file-system IO handler without tfjs-node; this is one. `location` is a
 * folder (or its model.json): saving writes model.json and weights.bin into it, loading reads
 * model.json and the weight files its manifest lists.
 */
export function fileSystem(location: string): tf.io.IOHandler {
  const folder = folderOf(location);
  const modelFile = path.join(folder, modelFileName);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ModelFormatError('fileSystem saves JSON models only (modelTopology is binary)');
      }
      const weightData = artifacts.weightData ?? new ArrayBuffer(0);
      const joined = tf.io.CompositeArrayBuffer.join(weightData);
      const manifest: tf.io.WeightsManifestConfig = [{ paths: [weightsFileName], weights: artifacts.weightSpecs ?? [] }];
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: manifest,
        userDefinedMetadata: artifacts.userDefinedMetadata,
      };
      await writeFileAtomically(path.join(folder, weightsFileName), new Uint8Array(joined));
      await writeFileAtomically(modelFile, JSON.stringify(json, null, 1));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: joined.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = await readFile(modelFile, 'utf8');
      } catch (error) {
        throw new ModelFileError(
          `Cannot read ${modelFile}: ${(error as Error).message}. Give the folder that unet train wrote (it holds model.json and weights.bin).`,
        );
      }
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new ModelFileError(`${modelFile} is not valid JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(json.weightsManifest)) {
        throw new ModelFileError(`${modelFile} has no weightsManifest: it is not a tfjs model file`);
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const relative of group.paths) {
            const file = path.resolve(folder, relative);
            if (path.relative(folder, file).startsWith('..')) {
              throw new ModelFileError(`${modelFile} lists a weight file outside its folder: ${relative}`);
            }
            let bytes: Buffer;
            try {
              bytes = await readFile(file);
            } catch (error) {
              throw new ModelFileError(`Cannot read ${file}, listed in ${modelFile}: ${(error as Error).message}`);
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        const weightData = tf.io.CompositeArrayBuffer.join(buffers);
        const expectedBytes = specs.reduce((sum, spec) => sum + byteSize(spec), 0);
        if (weightData.byteLength !== expectedBytes) {
          throw new ModelFileError(
            `${modelFile}: its weight files hold ${weightData.byteLength} bytes but its manifest needs ${expectedBytes}; the files are truncated or from another model`,
          );
        }
        return [specs, weightData];
      });
    },
  };
}

function byteSize(spec: tf.io.WeightsManifestEntry): number {
  if (spec.quantization !== undefined) {
    const bytes = spec.quantization.dtype === 'uint8' ? 1 : 2; // uint16 and float16
    return tf.util.sizeFromShape(spec.shape) * bytes;
  }
  const bytesPerElement = spec.dtype === 'bool' ? 1 : 4;
  return tf.util.sizeFromShape(spec.shape) * bytesPerElement;
}
