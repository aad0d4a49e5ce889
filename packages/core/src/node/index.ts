// Node-only helpers (the file system); the package's main entry stays free of Node modules.
export { syncFolder, writeFileAtomically, writeFileSynced } from './durable_files.js';
export { removeStaleTemporaryFiles, type StaleTemporaryOptions, temporaryFileFor } from './temporary_files.js';
export { isProcessAlive } from './process_alive.js';
