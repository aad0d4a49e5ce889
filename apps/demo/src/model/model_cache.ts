import * as tf from '@tensorflow/tfjs-core';

/**
 * The shipped models kept in IndexedDB (tfjs's 'indexeddb://' store), so that a second visit
 * loads them without the network. A cached copy is named by the model and a hash of its
 * model.json text: `unet train` writes the training step and the validation figures there, so a
 * retrained model has another name and is downloaded again, and the older copies are dropped.
 */
const PREFIX = 'indexeddb://unet-demo/';

/** FNV-1a, 32 bits: a name for a model.json's text, not a security measure. */
function textHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export function cacheKey(name: string, modelJsonText: string): string {
  return `${PREFIX}${name}/${textHash(modelJsonText)}`;
}

/** The cached copies of `name`, newest key last in no particular order; none where IndexedDB is missing. */
async function cachedKeys(name: string): Promise<string[]> {
  if (typeof indexedDB === 'undefined') return [];
  try {
    const models = await tf.io.listModels();
    return Object.keys(models).filter((key) => key.startsWith(`${PREFIX}${name}/`));
  } catch {
    // A private window may refuse IndexedDB: then there is no cache, and no harm.
    return [];
  }
}

/** The copy under `key`, or null. With `key` null: any copy of `name` (offline, model.json unreachable). */
export async function readCachedModel(name: string, key: string | null): Promise<tf.io.ModelArtifacts | null> {
  const keys = await cachedKeys(name);
  const found = key === null ? keys[0] : keys.find((candidate) => candidate === key);
  if (found === undefined) return null;
  const [handler] = tf.io.getLoadHandlers(found);
  return (await handler?.load?.()) ?? null;
}

/** Keeps `artifacts` under `key` and drops the older copies of `name`; a refusal (quota, private window) only costs the cache. */
export async function writeCachedModel(name: string, key: string, artifacts: tf.io.ModelArtifacts): Promise<boolean> {
  if (typeof indexedDB === 'undefined') return false;
  try {
    const [handler] = tf.io.getSaveHandlers(key);
    if (handler?.save === undefined) return false;
    await handler.save(artifacts);
    for (const old of await cachedKeys(name)) if (old !== key) await tf.io.removeModel(old);
    return true;
  } catch (error) {
    console.warn(
      `model_cache: ${key} could not be kept in IndexedDB (${error instanceof Error ? error.message : String(error)}); it will be downloaded again next time`,
    );
    return false;
  }
}
