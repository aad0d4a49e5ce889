import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLabelImage } from '@unet/data/node';
import { describe, expect, it } from 'vitest';
import { saveTinyModel, writeTinyImages } from './__fixtures__/tiny_segmentation.js';
import { resolveAllowedRoots } from './allowed_roots.js';
import { JobRefusedError, PathNotAllowedError } from './job_errors.js';
import { createSegmentationJobHandler } from './run_segmentation_job.js';
import { segmentationJob } from './segmentation_job.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-job-'));
const options = {
  blend: 'none',
  tta: false,
  overlay: true,
  probabilities: true,
  instances: false,
  outputTileSize: 32,
  contextMargin: 16,
} as const;

describe('createSegmentationJobHandler', () => {
  it("writes the extras, then the mask in the model's label values, and skips a job whose mask exists", async () => {
    const model = await saveTinyModel(path.join(work, 'model'));
    const [image] = await writeTinyImages(path.join(work, 'images'), 1);
    const handler = createSegmentationJobHandler({ allowedRoots: resolveAllowedRoots([work]) });
    const job = segmentationJob(image!, model, path.join(work, 'out', 'a.png'), options);
    const result = await handler(job);
    expect(result.skipped).toBe(false);
    expect(result.written.map((file) => path.basename(file))).toEqual(['a_overlay.png', 'a_probability.png', 'a.png']);
    const mask = await readLabelImage(job.output);
    expect([mask.width, mask.height]).toEqual([32, 32]);
    for (const value of new Set(mask.data)) expect([0, 255]).toContain(value);

    const before = statSync(job.output).mtimeMs;
    const bytes = readFileSync(job.output);
    const again = await handler(job);
    expect(again).toMatchObject({ skipped: true, written: [] });
    expect(statSync(job.output).mtimeMs).toBe(before);
    expect(readFileSync(job.output).equals(bytes)).toBe(true);
    handler.dispose();
  });

  it('segments region by region into a tiled BigTIFF equal to the whole-image mask (byRegions)', async () => {
    const model = path.join(work, 'model');
    const [image] = await writeTinyImages(path.join(work, 'regions'), 1, 80);
    const handler = createSegmentationJobHandler();
    const plain = { ...options, overlay: false, probabilities: false };
    const whole = segmentationJob(image!, model, path.join(work, 'regions-out', 'a.png'), plain);
    const byRegions = segmentationJob(image!, model, path.join(work, 'regions-out', 'a.tif'), { ...plain, byRegions: true });
    await handler(whole);
    expect(await handler(byRegions)).toMatchObject({ skipped: false, written: [byRegions.output], width: 80, height: 80 });
    const [png, tiff] = [await readLabelImage(whole.output), await readLabelImage(byRegions.output)];
    expect(Array.from(tiff.data)).toEqual(Array.from(png.data));
    expect(readFileSync(byRegions.output).readUInt16LE(2)).toBe(43); // BigTIFF
    handler.dispose();
  });

  it('refuses a path outside the allowed roots, a missing input and a folder that is not a model, each as a JobRefusedError', async () => {
    const [image] = await writeTinyImages(path.join(work, 'more'), 1);
    const handler = createSegmentationJobHandler({ allowedRoots: resolveAllowedRoots([path.join(work, 'more')]) });
    const model = path.join(work, 'model');
    await expect(handler(segmentationJob(image!, model, path.join(work, 'more', 'a.png'), options))).rejects.toThrow(PathNotAllowedError);
    const open = createSegmentationJobHandler();
    await expect(open(segmentationJob(path.join(work, 'nothing.png'), model, path.join(work, 'x.png'), options))).rejects.toThrow(
      /nothing.png: no such file/,
    );
    const notAModel = open(segmentationJob(image!, path.join(work, 'more'), path.join(work, 'y.png'), options));
    await expect(notAModel).rejects.toThrow(JobRefusedError);
    await expect(notAModel).rejects.toThrow(/not a model folder unet can load \(--model .*more: no model.json there/);
  });
});
