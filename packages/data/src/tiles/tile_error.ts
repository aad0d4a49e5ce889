/** Tile sizes, samples or weight settings from which no training tile can be made; the message names the value and the fix. */
export class TrainingTileError extends Error {
  override readonly name = 'TrainingTileError';

  constructor(message: string) {
    super(message);
  }
}
