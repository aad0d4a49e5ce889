import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyntheticDataset } from '@unet/data';
import { decodePng, encodePng, encodeTiffStack, readLabelImage } from '@unet/data/node';
import { sharedDatasetsRoot } from '@unet/test-utils';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli.js');
const work = mkdtempSync(path.join(tmpdir(), 'unet-workflow-'));
const run = path.join(work, 'run');

function unet(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 240_000, cwd: work, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

/** A few fast steps on tiny tiles: enough to run every part of a training run. */
const quickRun = [
  '--steps',
  '4',
  '--tile',
  '32',
  '--batch',
  '2',
  '--val-every',
  '2',
  '--checkpoint-every',
  '2',
  '--workers',
  '1',
  '--backend',
  'wasm',
];

describe('unet train, predict and eval', () => {
  beforeAll(async () => {
    const result = await unet('train', ...quickRun, '--out', run);
    if (result.code !== 0) throw new Error(`unet train failed:\n${result.stderr}\n${result.stdout}`);
  }, 240_000);

  it('trains on the synthetic default and leaves a complete run folder', () => {
    for (const file of [
      'config.json',
      'log.jsonl',
      'model/model.json',
      'model/weights.bin',
      'loss.png',
      'measures.png',
      'predictions.png',
    ]) {
      expect(existsSync(path.join(run, file)), file).toBe(true);
    }
    const records = readFileSync(path.join(run, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.filter((record) => record.type === 'step').map((record) => record.step)).toEqual([1, 2, 3, 4]);
    expect(records.filter((record) => record.type === 'validation').map((record) => record.step)).toEqual([2, 4]);
    const model = JSON.parse(readFileSync(path.join(run, 'model', 'model.json'), 'utf8'));
    expect(model.userDefinedMetadata.unet.extra).toMatchObject({ classNames: ['cell', 'membrane'], labelMapping: { values: [0, 255] } });
  });

  it('saves the decision threshold it picked on the validation images, and predict cuts masks at it', async () => {
    const extra = JSON.parse(readFileSync(path.join(run, 'model', 'model.json'), 'utf8')).userDefinedMetadata.unet.extra;
    expect(extra.thresholdPicked).toMatchObject({ measure: 'randError' });
    expect(extra.threshold).toBeGreaterThanOrEqual(0);
    expect(extra.threshold).toBeLessThanOrEqual(1);
    expect(extra.validation.threshold).toBe(extra.threshold);
    const image = path.join(work, 'threshold', 'slice.png');
    const sample = await createSyntheticDataset({ seed: 5, size: 1, height: 48, width: 48 }).get(0);
    mkdirSync(path.dirname(image), { recursive: true });
    writeFileSync(
      image,
      encodePng({ width: 48, height: 48, channels: 1, data: Uint8Array.from(sample.image.data, (value) => Math.round(value * 255)) }),
    );
    const masks: Record<string, Buffer> = {};
    const cases = [
      ['own', []],
      ['same', ['--threshold', String(extra.threshold)]],
      ['zero', ['--threshold', '0']],
      ['one', ['--threshold', '1']],
    ] as const;
    for (const [name, extraArgs] of cases) {
      const out = path.join(work, 'threshold', name);
      const result = await unet('predict', '--model', path.join(run, 'model'), image, '--out', out, '--backend', 'wasm', ...extraArgs);
      expect(result.code, result.stderr).toBe(0);
      if (name === 'own') expect(result.stdout).toContain(`class 1 at probability >= ${extra.threshold} (the model's)`);
      masks[name] = readFileSync(path.join(out, 'slice.png'));
    }
    expect(masks.own.equals(masks.same)).toBe(true);
    // The thresholds 0 and 1 give other masks (all membrane, almost all cell): the flag is used too.
    expect(masks.zero.equals(masks.one)).toBe(false);
  }, 120_000);

  it('reruns to the same weights: the same command and seed give a byte-identical model, another seed does not', async () => {
    // Before the resume test below changes `run`. The backend and its thread count are part of
    // "the same command": float sums in another order round differently (docs/backends.md, Reproducibility).
    const again = path.join(work, 'run-again');
    const otherSeed = path.join(work, 'run-seed-2');
    const results = await Promise.all([
      unet('train', ...quickRun, '--seed', '1', '--out', again),
      unet('train', ...quickRun, '--seed', '2', '--out', otherSeed),
    ]);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const weights = (folder: string) => readFileSync(path.join(folder, 'model', 'weights.bin'));
    const losses = (folder: string) =>
      readFileSync(path.join(folder, 'log.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((record) => record.type === 'step')
        .map((record) => record.loss);
    expect(weights(again).equals(weights(run))).toBe(true);
    expect(losses(again)).toEqual(losses(run));
    expect(weights(otherSeed).equals(weights(run))).toBe(false);
  }, 240_000);

  it("exports a kept checkpoint as a model folder with the run's metadata, and names the kept steps otherwise", async () => {
    const exported = path.join(work, 'exported-step-2');
    const result = await unet('export', '--run', run, '--checkpoint', '2', '--out', exported);
    expect(result.code, result.stderr).toBe(0);
    const model = JSON.parse(readFileSync(path.join(exported, 'model.json'), 'utf8'));
    expect(model.userDefinedMetadata.unet.extra).toMatchObject({ classNames: ['cell', 'membrane'], trainingStep: 2 });
    expect(existsSync(path.join(exported, 'weights.bin'))).toBe(true);
    const missing = await unet('export', '--run', run, '--checkpoint', '3', '--out', path.join(work, 'nothing-3'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such checkpoint; it keeps steps 2.*4/);
  });

  it('refuses to overwrite a run, and resumes one to more steps', async () => {
    const again = await unet('train', ...quickRun, '--out', run);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds a run: continue it with --resume/);
    const changed = await unet('train', '--resume', '--out', run, '--lr', '0.1', '--seed', '9');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/these cannot change: --lr 0.1 \(the run has 0.001\), --seed 9 \(the run has 1\)/);
    // The command that started the run, rerun with --resume (and more steps), is accepted, and
    // continues to the same weights as the bare `--resume --out RUN`.
    const bare = `${run}-bare-resume`;
    cpSync(run, bare, { recursive: true });
    const original = quickRun.map((value, index) => (quickRun[index - 1] === '--steps' ? '6' : value));
    const resumed = await unet('train', ...original, '--out', run, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    const bareResumed = await unet('train', '--resume', '--out', bare, '--steps', '6', '--backend', 'wasm');
    expect(bareResumed.code, bareResumed.stderr).toBe(0);
    expect(readFileSync(path.join(run, 'model', 'weights.bin')).equals(readFileSync(path.join(bare, 'model', 'weights.bin')))).toBe(true);
    const records = readFileSync(path.join(run, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(records.filter((record) => record.type === 'start').map((record) => record.step)).toEqual([0, 4]);
    expect(records.filter((record) => record.type === 'step').map((record) => record.step)).toEqual([1, 2, 3, 4, 5, 6]);
  }, 240_000);

  it('segments a 1000x1500 image; tiled and untiled predictions agree where both exist', async () => {
    const [height, width] = [1000, 1500];
    const sample = await createSyntheticDataset({ seed: 7, size: 1, height, width }).get(0);
    const pixels8 = Uint8Array.from(sample.image.data, (value) => Math.round(value * 255));
    writeFileSync(path.join(work, 'big.png'), encodePng({ width, height, channels: 1, data: pixels8 }));
    // The untiled prediction: a 512 x 512 crop in one tile (the whole image in one pass does not
    // fit wasm's 4 GiB heap), compared away from the crop's own borders. The crop starts on the
    // 16-pixel grid of the network's four poolings: off it, a U-Net's output shifts with it.
    const [top, left, size, border] = [304, 704, 512, 128];
    const crop = new Uint8Array(size * size);
    for (let row = 0; row < size; row++)
      crop.set(pixels8.subarray((top + row) * width + left, (top + row) * width + left + size), row * size);
    writeFileSync(path.join(work, 'crop.png'), encodePng({ width: size, height: size, channels: 1, data: crop }));
    const model = path.join(run, 'model');
    const tiled = await unet(
      'predict',
      '--model',
      model,
      path.join(work, 'big.png'),
      '--out',
      path.join(work, 'tiled'),
      '--tile',
      '128',
      '--probabilities',
      '--backend',
      'wasm',
    );
    expect(tiled.code, tiled.stderr).toBe(0);
    const whole = await unet(
      'predict',
      '--model',
      model,
      path.join(work, 'crop.png'),
      '--out',
      path.join(work, 'whole'),
      '--tile',
      '512',
      '--probabilities',
      '--backend',
      'wasm',
    );
    expect(whole.code, whole.stderr).toBe(0);
    const read = (folder: string, name: string) => decodePng(readFileSync(path.join(work, folder, name)));
    const [tiledMask, tiledProbability] = [read('tiled', 'big.png'), read('tiled', 'big_probability.png')];
    const [wholeMask, wholeProbability] = [read('whole', 'crop.png'), read('whole', 'crop_probability.png')];
    expect([tiledMask.width, tiledMask.height]).toEqual([1500, 1000]);
    expect(new Set(tiledMask.samples)).toEqual(new Set([0, 255]));
    let [compared, equal, sum, far] = [0, 0, 0, 0];
    for (let row = border; row < size - border; row++) {
      for (let column = border; column < size - border; column++) {
        const inBig = (top + row) * width + left + column;
        const inCrop = row * size + column;
        compared++;
        if (tiledMask.samples[inBig] === wholeMask.samples[inCrop]) equal++;
        const difference = Math.abs(tiledProbability.samples[inBig] - wholeProbability.samples[inCrop]) / 65535;
        sum += difference;
        if (difference > 0.1) far++;
      }
    }
    console.log(
      `tiled vs untiled on ${compared} pixels: masks equal ${(equal / compared).toFixed(5)}, mean |dp| ${(sum / compared).toFixed(5)}, |dp| > 0.1 ${(far / compared).toFixed(5)}`,
    );
    // A padded network's receptive field (~120 px) is wider than the tiles' 64 px of context, so
    // probabilities near tile borders move a little; an unpadded one would agree exactly.
    expect(sum / compared).toBeLessThan(0.01);
    expect(far / compared).toBeLessThan(0.005);
    expect(equal / compared).toBeGreaterThan(0.98);
  }, 240_000);

  it('writes the masks of a TIFF stack as a TIFF stack, one page per slice', async () => {
    const dataset = createSyntheticDataset({ seed: 9, size: 2, height: 64, width: 80 });
    const pages = await Promise.all(
      [0, 1].map(async (index) => {
        const sample = await dataset.get(index);
        return { width: 80, height: 64, data: Uint8Array.from(sample.image.data, (value) => Math.round(value * 255)) };
      }),
    );
    writeFileSync(path.join(work, 'stack.tif'), encodeTiffStack(pages));
    const result = await unet(
      'predict',
      '--model',
      path.join(run, 'model'),
      path.join(work, 'stack.tif'),
      '--out',
      path.join(work, 'stack'),
      '--overlay',
      '--backend',
      'wasm',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/2 pages -> .*stack\.tif/);
    for (const page of [0, 1]) {
      const mask = await readLabelImage(path.join(work, 'stack', 'stack.tif'), { page });
      expect([mask.width, mask.height]).toEqual([80, 64]);
      expect(new Set(mask.data).size).toBeGreaterThan(0);
      for (const value of new Set(mask.data)) expect([0, 255]).toContain(value);
      expect(existsSync(path.join(work, 'stack', `stack_p00${page}_overlay.png`))).toBe(true);
    }
  }, 120_000);

  it('lowers the loss clearly over a few dozen steps of the small preset on the synthetic data', async () => {
    const folder = path.join(work, 'falls');
    const result = await unet(
      'train',
      '--steps',
      '36',
      '--tile',
      '48',
      '--batch',
      '2',
      '--val-split',
      '1',
      '--val-every',
      '1000',
      '--checkpoint-every',
      '1000',
      '--workers',
      '1',
      '--out',
      folder,
    );
    expect(result.code, result.stderr).toBe(0);
    const losses = readFileSync(path.join(folder, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((record) => record.type === 'step')
      .map((record) => record.loss);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    console.log(`loss: first 6 steps ${mean(losses.slice(0, 6)).toFixed(3)}, last 6 ${mean(losses.slice(-6)).toFixed(3)}`);
    expect(mean(losses.slice(-6))).toBeLessThan(0.7 * mean(losses.slice(0, 6)));
  }, 240_000);

  it('evaluates as JSON on the ISBI slices 20-24 (skips without ../shared)', async (context) => {
    if (sharedDatasetsRoot === undefined) context.skip('../shared/datasets is absent (a fresh clone has none)');
    const result = await unet(
      'eval',
      '--model',
      path.join(run, 'model'),
      '--data',
      path.join(sharedDatasetsRoot!, 'isbi2012-em'),
      '--format',
      'isbi',
      '--samples',
      '23-24',
      '--json',
      '--backend',
      'wasm',
    );
    expect(result.code, result.stderr).toBe(0);
    const measures = JSON.parse(result.stdout);
    expect(Object.keys(measures)).toEqual(expect.arrayContaining(['pixelError', 'randError', 'variationOfInformation', 'iou', 'dice']));
    expect(measures.samples).toBe(2);
    expect(measures.instanceMethod).toBeUndefined(); // no objects are cut out for boundary data
    // Without --tile, the tile the model says it predicts with.
    const metadata = JSON.parse(readFileSync(path.join(run, 'model', 'model.json'), 'utf8')).userDefinedMetadata.unet.extra;
    expect(measures).toMatchObject({ outputTileSize: metadata.inferenceTile, blend: 'none' });
    expect(measures.pixelError).toBeGreaterThanOrEqual(0);
    expect(measures.pixelError).toBeLessThanOrEqual(1);
  }, 240_000);

  it('evaluates SEG on the HeLa frames (skips without ../shared)', async (context) => {
    if (sharedDatasetsRoot === undefined) context.skip('../shared/datasets is absent (a fresh clone has none)');
    // A model for 1-channel two-class data: the synthetic one fits the HeLa frames' shape.
    const result = await unet(
      'eval',
      '--model',
      path.join(run, 'model'),
      '--data',
      path.join(sharedDatasetsRoot!, 'dic-c2dh-hela'),
      '--format',
      'ctc',
      '--samples',
      '29',
      '--json',
      '--backend',
      'wasm',
    );
    expect(result.code, result.stderr).toBe(0);
    const measures = JSON.parse(result.stdout);
    expect(measures.seg).toBeGreaterThanOrEqual(0);
    expect(measures.seg).toBeLessThanOrEqual(1);
    expect(measures.instanceMethod).toBe('seeded');
  }, 240_000);

  it('ends user mistakes with one line and exit code 2', async () => {
    // An image of its own, so that the cases do not depend on what the tests before left in `work`.
    const image = path.join(work, 'mistakes', 'one.png');
    mkdirSync(path.dirname(image), { recursive: true });
    writeFileSync(image, encodePng({ width: 4, height: 4, channels: 1, data: new Uint8Array(16) }));
    const cases: Array<[string[], RegExp]> = [
      [['predict', '--model', path.join(work, 'nothing'), 'x.png', '--out', 'o'], /x\.png: no such file/],
      [['predict', '--model', path.join(work, 'nothing'), image, '--out', 'o'], /--model .*no model\.json there/],
      [['train', '--format', 'isbi'], /needs --data DIR/],
      [['train', '--tile', 'big'], /--tile: expected a number/],
      [['eval', '--model', path.join(run, 'model'), '--data', work, '--format', 'vco'], /--format: must be one of/],
      [
        ['predict', '--model', path.join(run, 'model'), image, '--out', 'o', '--context-margin=-16'],
        /--context-margin: expected a whole number >= 0, got '-16'/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await unet(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    // A failed predict leaves no output folder behind.
    const corrupt = path.join(work, 'mistakes', 'corrupt.png');
    writeFileSync(corrupt, Buffer.from('not a png at all'));
    const never = path.join(work, 'mistakes', 'never-written');
    const failed = await unet('predict', '--model', path.join(run, 'model'), corrupt, '--out', never, '--backend', 'wasm');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/corrupt\.png: cannot be decoded/);
    expect(existsSync(never)).toBe(false);
  }, 120_000);
});
