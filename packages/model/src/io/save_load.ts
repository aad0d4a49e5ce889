import * as tf from '@tensorflow/tfjs-core';
import { ModelFormatError } from '../errors.js';
import type { UNet } from '../unet.js';
import { fromModelArtifacts, toModelArtifacts } from './model_artifacts.js';

/**
 * Where a model is saved or loaded: a tfjs IO handler (tf.io.browserFiles, tf.io.http, ...) or
 * a URL that tfjs routes: 'indexeddb://name', 'localstorage://name', 'http(s)://.../model.json',
 * and in Node, after importing '@unet/model/node', 'file://path/to/folder'.
 */
export type ModelLocation = string | tf.io.IOHandler;

function describe(location: ModelLocation): string {
  return typeof location === 'string' ? location : 'the model';
}

function resolveHandler(location: ModelLocation, purpose: 'save' | 'load'): tf.io.IOHandler {
  if (typeof location !== 'string') return location;
  const handlers = purpose === 'save' ? tf.io.getSaveHandlers(location) : tf.io.getLoadHandlers(location);
  if (handlers.length === 0) {
    throw new ModelFormatError(
      `No handler can ${purpose} '${location}': use an 'indexeddb://', 'localstorage://' or 'http(s)://' URL in a browser, or in Node import '@unet/model/node' and use 'file://' or fileSystem(path)`,
    );
  }
  return handlers[0];
}

/**
 * Saves the weights (model.json + a .bin file in tfjs's format) with the config and `extra`
 * (class names, label mapping, measures, ...) in model.json's userDefinedMetadata.
 */
export async function saveUNet(
  model: UNet,
  location: ModelLocation,
  extra: Record<string, unknown> = model.metadata,
): Promise<tf.io.SaveResult> {
  const handler = resolveHandler(location, 'save');
  if (handler.save === undefined) {
    throw new ModelFormatError(`${describe(location)} cannot be saved to: its handler only loads`);
  }
  return handler.save(await toModelArtifacts(model, extra));
}

/** Loads a model saved by saveUNet: the network is rebuilt from its config, then its weights set. */
export async function loadUNet(location: ModelLocation): Promise<UNet> {
  const handler = resolveHandler(location, 'load');
  if (handler.load === undefined) {
    throw new ModelFormatError(`${describe(location)} cannot be loaded from: its handler only saves`);
  }
  return fromModelArtifacts(await handler.load(), describe(location));
}
