/** Set by vite.config.ts: the folder, relative to the page, that holds tfjs-backend-wasm's .wasm files. */
declare const __WASM_FOLDER__: string;
