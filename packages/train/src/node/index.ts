// Node-only parts (checkpoints on disk, the JSONL log) live under this entry so that they never reach a browser bundle.
export {};
