import type sharpModule from 'sharp';
import { MissingDependencyError } from '../errors.js';

type Sharp = typeof sharpModule;

/**
 * A loader of sharp (libvips) that imports it on first use and keeps it. sharp is an optional
 * peer dependency of @unet/data, needed by the Node readers only, so that a browser app that
 * installs @unet/data installs no libvips; where it is missing, the error says how to install it.
 */
export function sharpLoader(importSharp: () => Promise<{ default: Sharp }>): () => Promise<Sharp> {
  let loaded: Promise<Sharp> | undefined;
  return () => {
    loaded ??= importSharp().then(
      (module) => module.default,
      (error: unknown) => {
        loaded = undefined;
        throw new MissingDependencyError(
          `reading images in Node needs sharp, which did not load (${String((error as Error).message).split('\n')[0]}): npm install sharp`,
        );
      },
    );
    return loaded;
  };
}

/** sharp, as the readers use it. */
export const loadSharp = sharpLoader(() => import('sharp'));
