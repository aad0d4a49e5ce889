import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readImage, readLabelImage } from '@unet/data/node';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictCommand } from '../commands/predict.js';
import { saveTinyModel, writeTinyImages } from '../jobs/__fixtures__/tiny_segmentation.js';
import { createSegmentationJobHandler } from '../jobs/run_segmentation_job.js';
import { segmentationJob } from '../jobs/segmentation_job.js';
import { UsageError } from '../usage_error.js';
import { modelFolders } from './model_ensemble.js';
import { openModel } from './model_files.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-ensemble-'));
const tiling = { outputTileSize: 32, contextMargin: 16 };
const flags = ['--tile', '32', '--context-margin', '16', '--backend', 'cpu'];

describe('modelFolders', () => {
  it('reads a comma-separated list, a run folder as its model/, and a folder of folds as each fold in order', async () => {
    for (const fold of [0, 1, 2, 10]) await saveTinyModel(path.join(work, 'folds', `fold-${fold}`, 'model'));
    await saveTinyModel(path.join(work, 'plain'));
    mkdirSync(path.join(work, 'folds', 'fold-notes'));
    expect(modelFolders(`${work}/plain, ${work}/folds/fold-1`)).toEqual([`${work}/plain`, `${work}/folds/fold-1/model`]);
    expect(modelFolders(`${work}/folds`)).toEqual([0, 1, 2, 10].map((fold) => `${work}/folds/fold-${fold}/model`));
    expect(modelFolders(`${work}/missing`)).toEqual([`${work}/missing`]);
    expect(() => modelFolders(' , ')).toThrow(UsageError);
  });
});

describe('unet predict --model A,B', () => {
  let image: string;
  let first: string;
  let second: string;
  /** The mean of A's and B's class probabilities, from each model's own segmentation. */
  let mean: Float32Array;
  let thresholds: [number, number];

  beforeAll(async () => {
    [image] = await writeTinyImages(path.join(work, 'images'), 1, 72);
    first = await saveTinyModel(path.join(work, 'a'), 3);
    second = await saveTinyModel(path.join(work, 'b'), 4);
    const picture = await readImage(image!, { channels: 1 });
    const [a, b] = [await openModel(first), await openModel(second)];
    const [pa, pb] = [await segmentImage(a, picture, tiling), await segmentImage(b, picture, tiling)];
    mean = pa.probabilities.map((value, index) => (value + pb.probabilities[index]!) / 2);
    a.dispose();
    b.dispose();
    // Decision thresholds inside the mean's range (an untrained net stays near 0.5), so that A's and B's cut differently.
    const objectProbabilities = Float32Array.from({ length: mean.length / 2 }, (_, pixel) => mean[2 * pixel + 1]!).sort();
    thresholds = [
      objectProbabilities[Math.floor(objectProbabilities.length * 0.4)]!,
      objectProbabilities[Math.floor(objectProbabilities.length * 0.7)]!,
    ];
    await saveTinyModel(first, 3, { threshold: thresholds[0] });
    await saveTinyModel(second, 4, { threshold: thresholds[1] });
  });

  /** The hand-made mask: class 1 (255) where the mean reaches `threshold`. */
  const handMask = (threshold: number) => Array.from(labelsFromProbabilities(mean, 72, 72, 2, { threshold }), (label) => [0, 255][label]);

  it("writes the mask of the mean probabilities cut at the first model's threshold, in-process and region by region", async () => {
    const lines: string[] = [];
    await predictCommand(['--model', `${first},${second}`, image, '--out', path.join(work, 'out'), ...flags], (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(
      /model: the mean of 2 models' probabilities .* class 1 at probability >= [\d.]+ \(the first model's\)/,
    );
    const mask = await readLabelImage(path.join(work, 'out', 'img_000.png'));
    expect(Array.from(mask.data)).toEqual(handMask(thresholds[0]));
    expect(Array.from(mask.data)).not.toEqual(handMask(thresholds[1]));

    await predictCommand(['--model', `${first},${second}`, image, '--out', path.join(work, 'regions'), '--by-regions', ...flags], () => {});
    expect(Array.from((await readLabelImage(path.join(work, 'regions', 'img_000.tif'))).data)).toEqual(handMask(thresholds[0]));

    await predictCommand(['--model', `${second},${first}`, image, '--out', path.join(work, 'swapped'), ...flags], () => {});
    expect(Array.from((await readLabelImage(path.join(work, 'swapped', 'img_000.png'))).data)).toEqual(handMask(thresholds[1]));
  });

  it('makes the same mask as a queue job that carries both models (the work a worker does)', async () => {
    const handler = createSegmentationJobHandler({ allowedRoots: [work] });
    const options = { ...tiling, blend: 'none', tta: false, overlay: false, probabilities: false, instances: false } as const;
    const job = segmentationJob(image, [first, second], path.join(work, 'queued', 'img_000.png'), options);
    await handler(job);
    expect(Array.from((await readLabelImage(job.output)).data)).toEqual(handMask(thresholds[0]));
    const outside = segmentationJob(image, [first, path.join(tmpdir(), 'elsewhere')], path.join(work, 'queued', 'x.png'), options);
    await expect(handler(outside)).rejects.toThrow(/model .*elsewhere/);
    handler.dispose();
  });

  it('refuses models that do not agree on label values or classes, saying which model, what differs and what to do', async () => {
    const otherLabels = await saveTinyModel(path.join(work, 'labels-0-1'), 5, { labelMapping: { values: [0, 1] } });
    const run = predictCommand(['--model', `${first},${otherLabels}`, image, '--out', path.join(work, 'refused'), ...flags], () => {});
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      predictCommand(['--model', `${first},${otherLabels}`, image, '--out', path.join(work, 'refused'), ...flags], () => {}),
    ).rejects.toThrow(
      /labels-0-1 cannot be averaged with .*\/a: it differs in label values \[0,1\] \(.*\/a has \[0,255\]\).*segment with them apart/,
    );
    // With --queue, from the model.json files, before any job is queued (no Redis is asked: port 1 answers nothing).
    await expect(
      predictCommand(
        ['--model', `${first},${otherLabels}`, image, '--out', path.join(work, 'refused'), '--queue', 'redis://127.0.0.1:1/0'],
        () => {},
      ),
    ).rejects.toThrow(/labels-0-1 cannot be averaged with .*: it differs in label values/);
    const job = segmentationJob(image, [first, otherLabels], path.join(work, 'refused', 'q.png'), {
      ...tiling,
      blend: 'none',
      tta: false,
      overlay: false,
      probabilities: false,
      instances: false,
    });
    const handler = createSegmentationJobHandler();
    await expect(handler(job)).rejects.toThrow(/differs in label values/);
    handler.dispose();
  });
});
