import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { createSyntheticDataset } from '../synthetic/synthetic_dataset.js';
import { createBatchPlan } from './batch_plan.js';
import { BatchSourceError } from './batch_source_options.js';

const dataset = createSyntheticDataset({ size: 5, height: 32, width: 32 });
const options = { dataset, batchSize: 2, inputSize: 16, outputSize: 16, seed: 3 };

describe('createBatchPlan', () => {
  it('deals each epoch one permutation of the samples, across step boundaries (5 samples, batches of 2)', async () => {
    const plan = createBatchPlan(options);
    expect(plan.stepsPerEpoch).toBe(3);
    const order: number[] = [];
    for (let step = 0; step < 5; step++) order.push(...(await plan.plan(step)).map((tile) => tile.sampleIndex));
    expect([...order.slice(0, 5)].sort()).toEqual([0, 1, 2, 3, 4]);
    expect([...order.slice(5, 10)].sort()).toEqual([0, 1, 2, 3, 4]);
    plan.dispose();
  });

  it("gives slot b of step s the stream createRandom(seed, 'tile', s, b), the sample it names, and its weight map", async () => {
    const plan = createBatchPlan(options);
    const tiles = await plan.plan(4);
    for (const [slot, tile] of tiles.entries()) {
      expect(tile.random.uniform()).toBe(createRandom(3, 'tile', 4, slot).uniform());
      expect(tile.sample.id).toBe((await dataset.get(tile.sampleIndex)).id);
      expect(tile.weights?.length).toBe(32 * 32);
    }
    plan.dispose();
  });

  it('leaves the weight maps out with weightMap false, and refuses plans after dispose', async () => {
    const plan = createBatchPlan({ ...options, weightMap: false });
    expect((await plan.plan(0))[0].weights).toBeUndefined();
    plan.dispose();
    await expect(plan.plan(0)).rejects.toThrow(BatchSourceError);
  });
});
