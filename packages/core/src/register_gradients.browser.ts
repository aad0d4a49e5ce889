// Side effect: registers every gradient of tfjs-core with the engine.
//
// tfjs-core keeps its gradient functions out of its entry point; its ESM build has them in
// `dist/register_all_gradients.js`. Bundlers (Vite, webpack, esbuild) resolve that file's
// extensionless imports, so browsers use it directly. Node cannot, and gets
// `register_gradients.node.js` instead: the same file, bundled at build time
// (see scripts/bundle_gradients.mjs).
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
