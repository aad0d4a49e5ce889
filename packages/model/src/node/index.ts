// Node-only additions to @unet/model: a file-system IO handler, and the 'file://' scheme for
// saveUNet and loadUNet. Importing this module registers the scheme.
import * as tf from '@tensorflow/tfjs-core';
import { fileSystem } from './file_system_handler.js';

export { fileSystem, ModelFileError } from './file_system_handler.js';

// tfjs asks every router in turn and skips those that return null (its IORouter type says
// IOHandler, but its registry checks for null).
const fileRouter = ((url: string | string[]) =>
  typeof url === 'string' && url.startsWith('file://') ? fileSystem(url) : null) as Parameters<typeof tf.io.registerSaveRouter>[0];

tf.io.registerSaveRouter(fileRouter);
tf.io.registerLoadRouter(fileRouter);
