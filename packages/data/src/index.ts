export type { ImageArray, LabelArray, Sample, LabelMapping, Dataset, TrainingBatch } from './sample.js';
