import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '@unet/data/node';
import { segmentImage } from '@unet/inference';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { instanceMethodOf } from '../evaluate/object_instances.js';
import { recordMeasures } from '../evaluate/record_measures.js';
import { datasetOptions } from '../evaluate/dataset_options.js';
import {
  createMeasureAccumulator,
  foregroundKindOf,
  type SegmentationMeasures,
  type EvaluatedImage,
  measureImages,
} from '../evaluate/segmentation_measures.js';
import { measureOnQueue } from '../jobs/eval_on_queue.js';
import { engineFlags, engineHelp, parseEngine } from '../onnx/segmentation_engine.js';
import { modelFile } from '../prediction/model_files.js';
import { ensembleNetwork, modelFolders, modelListHelp } from '../prediction/model_ensemble.js';
import { openEnsembleMembers } from '../prediction/open_ensemble_members.js';
import { decisionThreshold, parseThreshold, thresholdHelp } from '../prediction/threshold_flag.js';
import { pickDecisionThreshold } from '../evaluate/decision_threshold.js';
import { tilingFlags, tilingHelp, tilingOptions } from '../prediction/tiling_flags.js';
import { UsageError } from '../usage_error.js';

export const evalHelp = `unet eval: measure a trained model on a data set it did not train on

Usage: unet eval --model DIR[,DIR...] --data DIR --format isbi|ctc|voc|folder [options]

${modelListHelp}
  --data DIR        the data set's root folder
  --format NAME     isbi, ctc, voc or folder (docs/data-formats.md)
  --samples A-B,C   which samples, by position in the data set's order (ISBI: 20-24 are
                    slices 20 to 24); default: all
  --split NAME      voc: the split file (default val); folder: a subfolder
  --tta             average the 8 flips and quarter turns
${thresholdHelp}
  --pick-threshold MEASURE  pick the decision threshold that serves MEASURE (randError,
                    variationOfInformation, pixelError, iou, dice, seg) best on these images
                    and report the measures at it; with --record it is saved in the model (as
                    unet train does on its validation images: pick on validation images only,
                    never on the images you report as a test)
${tilingHelp}
  --backend NAME    tensorflow-gpu, tensorflow, webgpu, native, wasm or cpu (default: first that loads)
${engineHelp}
  --instance-method NAME  how SEG's objects are cut out: components (of the cell class) or seeded
                    (sure cores grown over the cell pixels; parts cells a weak bridge joins);
                    default: the model's own (metadata instanceMethod), else seeded
  --queue URL       measure each image as a job of a queue on Redis (redis://HOST:PORT/DB), run
                    by unet worker processes, and merge their measures: the numbers of one
                    process (not with --pick-threshold)
  --record          write these measures and how they were made into the model's model.json
                    (metadata: validation, evaluation), as the shipped models carry them (one model)
  --json            print one JSON object: threshold, pixelError, randError,
                    variationOfInformation, iou, dice, seg (where the data has instances),
                    atBestThreshold, images, seconds, backend

The measures are those of the masks unet predict writes: class 1 where its probability reaches
the model's decision threshold (or --threshold), else the most probable class. Beside them,
atBestThreshold scores pixel and Rand error as the ISBI 2012 challenge's script does: the one
threshold of the probability map that scores best over all the images (pixelThreshold on the
foreground's probability, randThreshold on class 1's). The pixel F-score is that of the labels'
foreground (the cells, not the membranes), pooled over the images; the Rand error counts the
true foreground only, and predicted boundary pixels join no region. IoU and Dice are summed over
all images, void pixels (VOC's 255) left out; SEG is the Cell Tracking Challenge's, over all
true objects.
`;

/** "20-24,27" -> [20, 21, 22, 23, 24, 27] */
export function parseSampleList(text: string): number[] {
  const result: number[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) throw new UsageError(`--samples: '${part}' is not a number or a range like 20-24`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new UsageError(`--samples: the range ${part} runs backwards`);
    for (let index = from; index <= to; index++) result.push(index);
  }
  return result;
}

const pickableMeasures = ['randError', 'variationOfInformation', 'pixelError', 'iou', 'dice', 'seg'];

export async function evalCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      data: { type: 'string' },
      format: { type: 'string' },
      samples: { type: 'string' },
      split: { type: 'string' },
      tta: { type: 'boolean', default: false },
      threshold: { type: 'string' },
      'pick-threshold': { type: 'string' },
      ...tilingFlags,
      backend: { type: 'string' },
      ...engineFlags,
      json: { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      'instance-method': { type: 'string' },
      queue: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    print(evalHelp);
    return;
  }
  if (values.model === undefined) throw new UsageError('--model DIR is required: the model folder that unet train wrote (RUN/model)');
  if (values.data === undefined || values.format === undefined) {
    throw new UsageError('--data DIR and --format isbi|ctc|voc|folder are required: the data set to measure on');
  }
  // Read before the model loads, so that a wrong flag fails at once; without --tile, the model's tile.
  const tiling = tilingOptions(values, undefined);
  const thresholdFlag = parseThreshold(values.threshold);
  const pickFor = values['pick-threshold'];
  if (pickFor !== undefined && thresholdFlag !== undefined)
    throw new UsageError('--threshold and --pick-threshold: give one; --pick-threshold chooses the threshold itself');
  if (pickFor !== undefined && values.queue !== undefined)
    throw new UsageError('--pick-threshold measures the images twice in one process; run it without --queue');
  if (pickFor !== undefined && !pickableMeasures.includes(pickFor))
    throw new UsageError(`--pick-threshold: must be one of ${pickableMeasures.join(', ')}, got '${pickFor}'`);
  const options = datasetOptions(values.format, values.data, values.split);
  const log = values.json ? () => {} : print;

  const engine = parseEngine(values.engine);
  if (values.queue !== undefined && engine !== 'tfjs')
    throw new UsageError('--queue: unet worker runs the tfjs engine; drop --engine to measure on the queue');
  const folders = modelFolders(values.model);
  for (const folder of folders) modelFile(folder);
  if (values.record && folders.length > 1)
    throw new UsageError(`--record writes into one model's model.json; --model names ${folders.length}: record each model alone`);
  if (values.record && values.model.toLowerCase().endsWith('.onnx')) {
    throw new UsageError('--record writes into a model folder; import the .onnx first (unet import --onnx FILE --out DIR)');
  }
  const selection = await selectBackend(values.backend as BackendName | undefined);
  for (const line of describeSelection(selection)) log(line);
  const members = await openEnsembleMembers(folders, engine, values['ort-providers']);
  // The ensemble of unet predict --model A,B: the same checks, the mean of the probabilities, the first model's metadata.
  const network = ensembleNetwork(members, tiling);
  const { model, labels, opened } = members[0]!;
  const ranOn = engine === 'tfjs' ? selection.chosen : opened.description;
  if (engine !== 'tfjs') log(`engine: ${opened.description}`);
  if (folders.length > 1) log(`model: the mean of ${folders.length} models' probabilities (${folders.join(', ')}); the first's metadata`);
  // The folder layout maps mask values to classes by scanning; use the model's mapping instead,
  // so that class ids mean what they meant in training.
  const dataset = await loadDataset(
    options.format === 'folder' && model.metadata.trainedOn?.format === 'folder'
      ? { ...options, labelValues: labels.labelValues }
      : options,
  );
  if (dataset.channels !== model.config.inputChannels) {
    throw new UsageError(
      `--data ${values.data}: its images have ${dataset.channels} channel(s), the model takes ${model.config.inputChannels}`,
    );
  }
  if (dataset.classNames.length !== model.config.classes) {
    throw new UsageError(
      `--data ${values.data}: ${dataset.classNames.length} classes (${dataset.classNames.join(', ')}), the model predicts ${model.config.classes} (${labels.classNames.join(', ')})`,
    );
  }
  const indices =
    values.samples === undefined ? Array.from({ length: dataset.size }, (_, index) => index) : parseSampleList(values.samples);
  const outside = indices.filter((index) => index >= dataset.size);
  if (outside.length > 0)
    throw new UsageError(`--samples: ${outside.join(', ')} beyond the ${dataset.size} samples of ${dataset.name} (0-${dataset.size - 1})`);

  const outputTileSize = tiling.outputTileSize ?? labels.inferenceTile;
  const instanceMethod = instanceMethodOf(values['instance-method'], labels.instanceMethod);
  const modelThreshold = decisionThreshold(thresholdFlag, labels.threshold, model.config.classes);
  const measureOptions = { classNames: dataset.classNames, ignoreLabel: dataset.ignoreLabel, instanceMethod };
  const accumulator = createMeasureAccumulator({ ...measureOptions, threshold: pickFor === undefined ? modelThreshold : undefined });
  // --pick-threshold measures twice: once to find the best thresholds, once for the masks cut at the one picked.
  const kept: EvaluatedImage[] = [];
  const started = performance.now();
  let measures: SegmentationMeasures;
  if (values.queue !== undefined) {
    measures = await measureOnQueue(
      {
        queue: values.queue,
        models: folders,
        data: values.data,
        format: values.format,
        ...(values.split === undefined ? {} : { split: values.split }),
        indices,
        options: {
          ...tiling,
          blend: tiling.blend ?? 'none',
          outputTileSize,
          tta: values.tta,
          instanceMethod,
          ...(modelThreshold === undefined ? {} : { threshold: modelThreshold }),
        },
        measureOptions: { ...measureOptions, threshold: modelThreshold },
      },
      log,
    );
  } else {
    for (const [position, index] of indices.entries()) {
      const sample = await dataset.get(index);
      const result = await segmentImage(network, sample.image, { ...tiling, outputTileSize, tta: values.tta });
      const image: EvaluatedImage = {
        probabilities: result.probabilities,
        height: result.height,
        width: result.width,
        truth: sample.mask.data,
        instances: sample.instances?.data,
      };
      if (pickFor !== undefined) kept.push(image);
      const perImage = accumulator.add(image);
      const parts = Object.entries(perImage).map(([name, value]) => `${name} ${value.toFixed(4)}`);
      log(`[${position + 1}/${indices.length}] ${sample.id}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`);
    }
    measures = accumulator.result();
  }
  let threshold = modelThreshold;
  if (pickFor !== undefined) {
    threshold = pickDecisionThreshold(measures, pickFor, foregroundKindOf(dataset.classNames));
    if (threshold === undefined)
      throw new UsageError(
        `--pick-threshold: ${dataset.name} has ${dataset.classNames.length} classes; a threshold applies to two-class models`,
      );
    measures = measureImages(kept, { ...measureOptions, threshold });
    log(`decision threshold: ${threshold} (best ${pickFor} on these ${indices.length} image(s))`);
  }
  // Objects are cut out only for SEG (data with instances); elsewhere the method played no part.
  const instanceMethodUsed = measures.seg === undefined ? undefined : instanceMethod;
  const seconds = (performance.now() - started) / 1000;
  for (const member of members) {
    await member.opened.release();
    member.model.dispose();
  }
  if (values.record) {
    await recordMeasures(
      modelFile(folders[0]!),
      measures,
      {
        dataset: path.basename(path.resolve(values.data)),
        format: values.format,
        samples: values.samples ?? 'all',
        ...(values.split === undefined ? {} : { split: values.split }),
        tta: values.tta,
        ...(tiling.outputTileSize === undefined ? {} : { tile: tiling.outputTileSize }),
        ...(tiling.contextMargin === undefined ? {} : { contextMargin: tiling.contextMargin }),
        ...(tiling.blend === 'none' ? {} : { blend: tiling.blend }),
        ...(instanceMethodUsed === undefined ? {} : { instanceMethod: instanceMethodUsed }),
        ...(thresholdFlag === undefined ? {} : { threshold: thresholdFlag }),
        backend: ranOn,
        recordedAt: new Date().toISOString(),
      },
      pickFor === undefined || threshold === undefined
        ? {}
        : { threshold, thresholdPicked: { measure: pickFor, images: `${dataset.name}, samples ${values.samples ?? 'all'}` } },
    );
    log(`recorded in ${modelFile(folders[0]!)} (validation, evaluation)`);
  }
  if (values.json) {
    print(
      JSON.stringify({
        ...measures,
        threshold,
        model: values.model,
        data: values.data,
        format: values.format,
        samples: indices.length,
        tta: values.tta,
        ...tiling,
        outputTileSize,
        instanceMethod: instanceMethodUsed,
        backend: ranOn,
        seconds,
      }),
    );
    return;
  }
  const { atBestThreshold, ...atModelThreshold } = measures;
  print(
    threshold === undefined
      ? 'measures of the masks (the most probable class):'
      : `measures of the masks (class 1 at probability >= ${threshold}):`,
  );
  for (const [name, value] of Object.entries(atModelThreshold)) {
    if (typeof value === 'number') print(`  ${name.padEnd(24)} ${Number.isInteger(value) ? value : value.toFixed(4)}`);
    else
      print(
        `  ${name.padEnd(24)} mean ${value.mean.toFixed(4)}; ${Object.entries(value.perClass)
          .map(([label, score]) => `${label} ${(score as number).toFixed(4)}`)
          .join(', ')}`,
      );
  }
  if (atBestThreshold !== undefined) {
    print("at the best threshold for all images (the ISBI 2012 challenge's scoring):");
    for (const [name, value] of Object.entries(atBestThreshold)) if (value !== undefined) print(`  ${name.padEnd(24)} ${value.toFixed(4)}`);
  }
  print(`${indices.length} image(s) in ${seconds.toFixed(1)} s on ${ranOn}`);
}
