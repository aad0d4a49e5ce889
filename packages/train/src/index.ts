export type { BatchSource, TrainingBatch } from '@unet/core';
export {
  CheckpointError,
  LossArgumentError,
  NonFiniteLossError,
  TrainingBatchError,
  TrainingConfigError,
} from './errors.js';
export { type LossFunction, type LossTarget, DEFAULT_IGNORE_LABEL } from './losses/loss_function.js';
export {
  type CrossEntropyOptions,
  type LossNormalization,
  weightedCrossEntropy,
  weightedCrossEntropyLoss,
} from './losses/weighted_cross_entropy.js';
export { WEIGHTED_CROSS_ENTROPY_GRAD_KERNEL, WEIGHTED_CROSS_ENTROPY_KERNEL } from './losses/cross_entropy_kernels.js';
export { ADAM_UPDATE_KERNEL } from './optim/adam_kernels.js';
export { binaryCrossEntropyLoss, binaryCrossEntropyWithLogits } from './losses/binary_cross_entropy.js';
export { type SoftDiceOptions, softDice, softDiceLoss } from './losses/soft_dice.js';
export { type WeightedLossTerm, combineLosses } from './losses/combined_loss.js';
export {
  type AdamConfig,
  type MomentumConfig,
  type OptimizerConfig,
  type SgdConfig,
  createOptimizer,
  learningRateOf,
  resolveOptimizerConfig,
  setLearningRate,
} from './optim/optimizers.js';
export {
  type NamedArray,
  type OptimizerState,
  captureOptimizerState,
  restoreOptimizerState,
} from './optim/optimizer_state.js';
export { type ClippedGradients, clipByGlobalNorm, globalNorm } from './optim/clip_by_global_norm.js';
export {
  type LearningRateSchedule,
  type ReduceOnPlateauOptions,
  type ScheduleState,
  constantSchedule,
  cosineSchedule,
  polySchedule,
  reduceOnPlateau,
  stepSchedule,
} from './optim/schedules.js';
export {
  type FitProgress,
  type TrainingCheckpoint,
  captureCheckpoint,
  modelFromCheckpoint,
  restoreCheckpoint,
} from './fit/checkpoint.js';
export {
  type CheckpointManifest,
  type TensorEntry,
  checkpointFormat,
  decodeCheckpoint,
  encodeCheckpoint,
} from './fit/checkpoint_format.js';
export {
  type CheckpointInfo,
  type CheckpointStore,
  checkpointsToKeep,
  memoryCheckpointStore,
} from './fit/checkpoint_store.js';
export { type LogRecord, type StopReason, type TrainingLog, formatLogRecord, memoryLog } from './fit/training_log.js';
export {
  type LaunchedStep,
  type StepParts,
  type StepResult,
  launchTrainStep,
  stepSeed,
  trainStep,
  warmUpTrainStep,
} from './fit/train_step.js';
export { checkBatch } from './fit/check_batch.js';
export {
  type FitCallbacks,
  type FitOptions,
  type FitResult,
  type StepInfo,
  type ValidationInfo,
  type ValidationOptions,
  fit,
} from './fit/fit.js';
