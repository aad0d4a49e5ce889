export type { TrainingBatch } from './batch.js';
