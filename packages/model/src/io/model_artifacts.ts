import * as tf from '@tensorflow/tfjs-core';
import { resolveUNetConfig, type UNetConfig } from '../config.js';
import { ModelFormatError, UNetConfigError } from '../errors.js';
import { UNet } from '../unet.js';

/** Written into model.json's `format`, so that a loader can tell our files from others. */
export const unetModelFormat = 'unet-ts';
const formatVersion = 1;

/** What `userDefinedMetadata.unet` of a saved model holds. */
export interface SavedUNetMetadata {
  formatVersion: number;
  config: UNetConfig;
  /** Anything the saver added: class names, label mappings, measures, the training command. */
  extra: Record<string, unknown>;
}

/** The model as tfjs's IO handlers take it: the weights and, in its metadata, the config. */
export async function toModelArtifacts(model: UNet, extra: Record<string, unknown> = {}): Promise<tf.io.ModelArtifacts> {
  const named = model.namedWeights().map(({ name, variable }) => ({ name, tensor: variable as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const metadata: SavedUNetMetadata = { formatVersion, config: model.config, extra };
  return {
    format: unetModelFormat,
    generatedBy: '@unet/model',
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
    userDefinedMetadata: { unet: metadata as unknown as object },
  };
}

/** Builds the network that `artifacts` describe and loads its weights; `source` names the file in errors. */
export function fromModelArtifacts(artifacts: tf.io.ModelArtifacts, source: string): UNet {
  const metadata = (artifacts.userDefinedMetadata as { unet?: SavedUNetMetadata } | undefined)?.unet;
  if (metadata === undefined || typeof metadata.config !== 'object') {
    throw new ModelFormatError(
      `${source} is not a unet-ts model: its userDefinedMetadata has no 'unet' entry with the network's config. Save models with saveUNet.`,
    );
  }
  if (metadata.formatVersion > formatVersion) {
    throw new ModelFormatError(
      `${source} was saved in unet-ts model format ${metadata.formatVersion}; this @unet/model reads up to ${formatVersion}: update @unet/model`,
    );
  }
  if (artifacts.weightSpecs === undefined || artifacts.weightData === undefined) {
    throw new ModelFormatError(`${source} has no weights (no weightsManifest or no weight data)`);
  }
  let config: UNetConfig;
  try {
    config = resolveUNetConfig(metadata.config);
  } catch (error) {
    if (error instanceof UNetConfigError) {
      throw new ModelFormatError(`${source}: its saved config is invalid: ${error.message}`);
    }
    throw error;
  }
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  const model = new UNet(config);
  try {
    model.setWeights(weights, source);
    model.metadata = { ...(metadata.extra ?? {}) };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(weights));
  }
  return model;
}
