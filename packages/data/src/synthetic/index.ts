// The synthetic data set's entry; node/load_dataset.ts loads it by this path for format 'synthetic'.
export { type SyntheticDatasetOptions, SyntheticDatasetError, createSyntheticDataset } from './synthetic_dataset.js';
