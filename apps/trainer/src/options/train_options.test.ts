import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage_error.js';
import { readTrainConfigFile, resolveTrainOptions, trainDefaults } from './train_options.js';

function configFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'unet-config-')), 'train.json');
  writeFileSync(file, content);
  return file;
}

describe('resolveTrainOptions', () => {
  it('gives the defaults when nothing is said: synthetic data, small preset', () => {
    expect(resolveTrainOptions({})).toEqual(trainDefaults);
    expect(trainDefaults).toMatchObject({ format: 'synthetic', preset: 'small' });
  });

  it('parses flags into typed values', () => {
    const options = resolveTrainOptions({ lr: '0.01', steps: '20', 'val-split': '5', resume: true, optimizer: 'sgd' });
    expect(options).toMatchObject({ learningRate: 0.01, steps: 20, valSplit: 5, resume: true, optimizer: 'sgd' });
  });

  it('lets flags override the config file, and the file override the defaults', () => {
    const fromFile = readTrainConfigFile(configFile('{"preset": "paper", "steps": 100, "batch": 2}'));
    const options = resolveTrainOptions({ steps: '7' }, fromFile);
    expect(options).toMatchObject({ preset: 'paper', steps: 7, batch: 2 });
  });

  it('rejects unknown keys in the file, listing the known ones', () => {
    const file = configFile('{"preset": "small", "learning_rate": 0.1}');
    expect(() => readTrainConfigFile(file)).toThrow(UsageError);
    expect(() => readTrainConfigFile(file)).toThrow(/unknown key 'learning_rate'; the keys are .*learningRate/);
  });

  it('names the file and the problem for bad JSON, a missing file and wrong types', () => {
    expect(() => readTrainConfigFile(configFile('{"steps": '))).toThrow(/train\.json: not valid JSON/);
    expect(() => readTrainConfigFile('/nonexistent/train.json')).toThrow(/cannot read it \(ENOENT\)/);
    expect(() => readTrainConfigFile(configFile('{"steps": 2.5}'))).toThrow(/steps: expected a whole number, got 2.5/);
    expect(() => readTrainConfigFile(configFile('[1]'))).toThrow(/expected a JSON object/);
  });

  it('rejects bad flag values with the allowed choices', () => {
    expect(() => resolveTrainOptions({ optimizer: 'rmsprop' })).toThrow(/--optimizer: must be one of adam, sgd, got 'rmsprop'/);
    expect(() => resolveTrainOptions({ batch: '0' })).toThrow(/--batch: must be a positive integer, got 0/);
    expect(() => resolveTrainOptions({ lr: 'fast' })).toThrow(/--lr: expected a number/);
  });

  it('asks for --data with a real format, and for --format with --data', () => {
    expect(() => resolveTrainOptions({ format: 'isbi' })).toThrow(/--format isbi needs --data DIR/);
    expect(() => resolveTrainOptions({ data: 'somewhere' })).toThrow(/--format isbi\|ctc\|voc\|folder/);
  });
});
