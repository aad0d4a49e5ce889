// Node-only parts (sharp, fs, worker threads) live under this entry so that they never reach a browser bundle.
export {};
