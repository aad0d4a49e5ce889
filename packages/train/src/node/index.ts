// Node-only parts (checkpoints on disk, the JSONL log) live under this entry so that they never reach a browser bundle.
export { checkpointFolderName, directoryCheckpointStore } from './checkpoint_directory.js';
export { type JsonlLog, jsonlLog, readJsonlLog } from './jsonl_log.js';
export { type RunFolder, openRunFolder, saveCheckpointModel } from './run_folder.js';
