/**
 * When fit validates and checkpoints, by step number (steps completed): validation every
 * `validateEvery` steps and after the last; a checkpoint every `checkpointEvery` steps and at
 * each new best validation (the final state is saved after the loop). Kept apart so that the
 * cadence a resumed run follows is visibly the one it started with: it depends on the step alone.
 */
export interface Cadence {
  validateEvery?: number;
  checkpointEvery?: number;
  totalSteps: number;
}

export function validationDue(step: number, cadence: Cadence): boolean {
  return cadence.validateEvery !== undefined && (step % cadence.validateEvery === 0 || step === cadence.totalSteps);
}

export function checkpointDue(step: number, cadence: Cadence, newBest: boolean): boolean {
  return cadence.checkpointEvery !== undefined && (newBest || step % cadence.checkpointEvery === 0);
}
