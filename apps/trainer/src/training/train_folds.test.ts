import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unet, writeTinyDataset, writeTinyImages } from '../jobs/__fixtures__/tiny_segmentation.js';
import type { FoldSplit } from './fold_split.js';
import { foldState } from './train_folds.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-folds-'));
const data = path.join(work, 'data');
const out = path.join(work, 'folds');
/** Two fast steps of 32 px tiles a fold, a checkpoint at each, on the pure-JS wasm backend (the same in every process). */
const quick = [
  '--steps',
  '2',
  '--tile',
  '32',
  '--batch',
  '1',
  '--val-every',
  '2',
  '--checkpoint-every',
  '1',
  '--workers',
  '0',
  '--backend',
  'wasm',
];
const folds = ['--data', data, '--format', 'folder', '--folds', '2', '--seed', '5'];

const weights = (folder: string) => readFileSync(path.join(folder, 'model', 'weights.bin'));
const split = (folder: string) => JSON.parse(readFileSync(path.join(folder, 'folds.json'), 'utf8')) as FoldSplit;

beforeAll(() => writeTinyDataset(data));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('unet train --folds', () => {
  it('trains fold i on the other folds and validates it on fold i, into OUT/fold-i, the folds disjoint and covering the images', async () => {
    const result = await unet(['train', ...folds, ...quick, '--out', out], 240_000);
    expect(result.code, result.stderr).toBe(0);
    const [first, second] = [split(path.join(out, 'fold-0')), split(path.join(out, 'fold-1'))];
    expect(first.folds).toEqual(second.folds);
    expect(first.folds.flat().sort()).toEqual(['img_000', 'img_001', 'img_002', 'img_003', 'img_004']);
    expect(first.folds[0]!.filter((id) => first.folds[1]!.includes(id))).toEqual([]);
    for (const [fold, record] of [first, second].entries()) {
      expect(record).toMatchObject({ count: 2, fold, seed: 5, validation: record.folds[fold] });
      expect(record.training).toEqual(record.folds[1 - fold]);
      const config = JSON.parse(readFileSync(path.join(out, `fold-${fold}`, 'config.json'), 'utf8'));
      expect(config.trainOptions).toMatchObject({ folds: 2, fold });
      expect(existsSync(path.join(out, `fold-${fold}`, 'model', 'model.json'))).toBe(true);
    }
    expect(result.stdout).toMatch(
      /fold 0: data: .* 3 training and 2 validation images|fold 0: data: .* 2 training and 3 validation images/,
    );
    expect(result.stdout).toContain(`predict --model ${path.relative(process.cwd(), out)} IMAGE`);
    // Not the same model twice: each fold trained on other images.
    expect(weights(path.join(out, 'fold-0')).equals(weights(path.join(out, 'fold-1')))).toBe(false);
  }, 240_000);

  it('skips the folds whose model exists, and continues a started fold from its last checkpoint to the same weights', async () => {
    const before = statSync(path.join(out, 'fold-0', 'model', 'weights.bin')).mtimeMs;
    const again = await unet(['train', ...folds, ...quick, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/fold 0: .*fold-0\/model exists: skipped/);
    expect(again.stdout).toMatch(/fold 1: .*fold-1\/model exists: skipped/);
    expect(statSync(path.join(out, 'fold-0', 'model', 'weights.bin')).mtimeMs).toBe(before);

    // Fold 1 stopped after 1 of its 2 steps (its model not yet saved), then the command is run again.
    const partial = path.join(work, 'partial');
    const stopped = await unet(['train', ...folds, ...quick, '--steps', '1', '--fold', '1', '--out', partial]);
    expect(stopped.code, stopped.stderr).toBe(0);
    rmSync(path.join(partial, 'fold-1', 'model'), { recursive: true });
    const resumed = await unet(['train', ...folds, ...quick, '--fold', '1', '--out', partial]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/fold 1: model \(step 2, resumed\)/);
    expect(weights(path.join(partial, 'fold-1')).equals(weights(path.join(out, 'fold-1')))).toBe(true);

    // A started fold continues only the run it began.
    rmSync(path.join(partial, 'fold-1', 'model'), { recursive: true });
    const changed = await unet(['train', ...folds, ...quick, '--fold', '1', '--lr', '0.5', '--out', partial]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/fold-1 was started with other options .*--lr 0.001 there, 0.5 now/);
  }, 240_000);

  it('gives unet predict --model OUT the ensemble of its folds', async () => {
    const [image] = await writeTinyImages(path.join(work, 'predict'), 1);
    const predicted = await unet(['predict', '--model', out, image!, '--out', path.join(work, 'masks'), '--backend', 'wasm']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout).toContain(`the mean of 2 models' probabilities (${out}/fold-0/model, ${out}/fold-1/model)`);
    expect(existsSync(path.join(work, 'masks', 'img_000.png'))).toBe(true);
  }, 120_000);

  it('refuses folds of the synthetic data and --fold without --folds, saying what to pass', async () => {
    const synthetic = await unet(['train', '--folds', '3', '--out', path.join(work, 'nothing')]);
    expect(synthetic.code).toBe(2);
    expect(synthetic.stderr).toMatch(/the synthetic data is drawn afresh.*--data DIR/);
    const alone = await unet(['train', '--data', data, '--format', 'folder', '--fold', '1']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--fold 1: say how many folds with --folds K/);
  });
});

describe('foldState', () => {
  it('is done with a model saved at the end, started with checkpoints and no model or a model of a stopped run, else new', () => {
    const folder = path.join(work, 'state');
    expect(foldState(folder)).toBe('new');
    mkdirSync(path.join(folder, 'checkpoints', 'step-000002'), { recursive: true });
    expect(foldState(folder)).toBe('started');
    mkdirSync(path.join(folder, 'model'));
    writeFileSync(path.join(folder, 'model', 'model.json'), '{}');
    const stop = (reason: string) =>
      `${JSON.stringify({ type: 'start', step: 0 })}\n${JSON.stringify({ type: 'stop', step: 2, reason })}\n`;
    writeFileSync(path.join(folder, 'log.jsonl'), stop('aborted'));
    expect(foldState(folder)).toBe('started');
    writeFileSync(path.join(folder, 'log.jsonl'), stop('completed'));
    expect(foldState(folder)).toBe('done');
    writeFileSync(path.join(folder, 'log.jsonl'), stop('early-stopping'));
    expect(foldState(folder)).toBe('done');
  });
});
