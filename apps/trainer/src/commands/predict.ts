import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { vocColourMap } from '@unet/data';
import { encodePng, encodeTiffStack, readImage, readImageHeader } from '@unet/data/node';
import { classChannel, objectInstances } from '@unet/core';
import { modelMetadata } from '@unet/model';
import { labelsFromProbabilities, segmentImage } from '@unet/inference';
import { writeFileAtomically } from '@unet/core/node';
import { describeSelection, selectBackend, type BackendName } from '../backends/select_backend.js';
import { writeLabelPng, writeProbabilityPng, writeRgbaPng } from '../images/png_files.js';
import { imageToRgba, overlayMask } from '../plots/overlay.js';
import { engineFlags, engineHelp, parseEngine } from '../onnx/segmentation_engine.js';
import { modelFile, readModelDescription } from '../prediction/model_files.js';
import { checkEnsembleMembers, ensembleNetwork, modelFolders, modelListHelp } from '../prediction/model_ensemble.js';
import { openEnsembleMembers } from '../prediction/open_ensemble_members.js';
import { decisionThreshold, parseThreshold, thresholdHelp } from '../prediction/threshold_flag.js';
import { instanceMethodOf } from '../evaluate/object_instances.js';
import { tilingFlags, tilingHelp, tilingOptions } from '../prediction/tiling_flags.js';
import { removeTemporaryFilesOfKilledWriters } from '../prediction/stale_temporary_files.js';
import { UsageError } from '../usage_error.js';
import { predictOnQueue, queueFlags, queueHelp } from '../jobs/predict_on_queue.js';
import { goesByRegions, predictByRegions, regionFlags, regionHelp } from '../regions/predict_by_regions.js';
import { createRedrawnLine } from '../progress/redrawn_line.js';

export const predictHelp = `unet predict: segment images of any size with a trained model

Usage: unet predict --model DIR[,DIR...] INPUT... --out DIR [options]

  INPUT             image files (PNG, JPEG, TIFF; 8/16-bit; every page of a TIFF stack) or
                    folders of them
${modelListHelp}
  --out DIR         where the masks go: NAME.png in the training data's own label values
                    (ISBI: membrane 0, cell 255; VOC: palette indices); a TIFF stack gives
                    NAME.tif, one page per slice (and NAME_pPPP_*.png for the extras)
  --overlay         also NAME_overlay.png: the mask over the image
  --probabilities   also NAME_probability.png: class 1's probability as 16-bit gray
                    (one file per class, NAME_probability_CLASS.png, beyond two classes)
  --instances       also NAME_instances.png: the objects of class 1 as 16-bit ids
  --instance-method NAME  components (of class 1) or seeded (sure cores grown over class 1; parts
                    touching cells); default: the model's own (metadata instanceMethod), else seeded
  --tta             average the 8 flips and quarter turns (8x the work, a little better)
${thresholdHelp}
${tilingHelp}
  --backend NAME    tensorflow-gpu, tensorflow, webgpu, native, wasm or cpu (default: first that loads)
${engineHelp}
${regionHelp}
${queueHelp}
`;

const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff']);

/** The image files named on the command line, folders expanded (sorted, not recursive). */
export function expandInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new UsageError(`${input}: no such file or folder`);
    if (statSync(input).isDirectory()) {
      const found = readdirSync(input)
        .filter((name) => imageExtensions.has(path.extname(name).toLowerCase()))
        .sort()
        .map((name) => path.join(input, name));
      if (found.length === 0) throw new UsageError(`${input}: a folder without PNG, JPEG or TIFF images`);
      files.push(...found);
    } else {
      files.push(input);
    }
  }
  return files;
}

export async function predictCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      out: { type: 'string' },
      overlay: { type: 'boolean', default: false },
      probabilities: { type: 'boolean', default: false },
      instances: { type: 'boolean', default: false },
      'instance-method': { type: 'string' },
      tta: { type: 'boolean', default: false },
      threshold: { type: 'string' },
      ...tilingFlags,
      backend: { type: 'string' },
      ...engineFlags,
      ...regionFlags,
      ...queueFlags,
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    print(predictHelp);
    return;
  }
  if (values.model === undefined) throw new UsageError('--model DIR is required: the model folder that unet train wrote (RUN/model)');
  if (values.out === undefined) throw new UsageError('--out DIR is required: the folder the masks go to');
  if (positionals.length === 0) throw new UsageError('name at least one image or folder of images to segment');
  const engine = parseEngine(values.engine);
  const files = expandInputs(positionals);
  // Read before the model loads, so that a wrong flag fails at once; without --tile, the model's tile.
  const tiling = tilingOptions(values, undefined);
  const thresholdFlag = parseThreshold(values.threshold);

  const folders = modelFolders(values.model);
  for (const folder of folders) modelFile(folder);
  if (values.queue !== undefined) {
    // Checked here, from the model.json files, so that a mismatched ensemble fails before any job is queued.
    const described = folders.filter((folder) => !folder.toLowerCase().endsWith('.onnx'));
    if (described.length > 1) {
      checkEnsembleMembers(
        described.map((folder) => {
          const model = readModelDescription(folder);
          return { folder, model, labels: modelMetadata(model, folder) };
        }),
        tiling,
      );
    }
    return predictOnQueue({ ...values, models: folders, out: values.out, thresholdFlag }, files, tiling, print);
  }
  const selection = await selectBackend(values.backend as BackendName | undefined);
  for (const line of describeSelection(selection)) print(line);
  const members = await openEnsembleMembers(folders, engine, values['ort-providers']);
  const network = ensembleNetwork(members, tiling);
  const { model, labels, opened } = members[0]!;
  if (engine !== 'tfjs') print(`engine: ${opened.description}`);
  const channels = model.config.inputChannels;
  const outputTileSize = tiling.outputTileSize ?? labels.inferenceTile;
  const instanceMethod = instanceMethodOf(values['instance-method'], labels.instanceMethod);
  const threshold = decisionThreshold(thresholdFlag, labels.threshold, model.config.classes);
  const decision =
    threshold === undefined
      ? 'the most probable class'
      : `class 1 at probability >= ${threshold}${thresholdFlag === undefined ? (folders.length > 1 ? " (the first model's)" : " (the model's)") : ''}`;
  const ensemble = folders.length > 1 ? `the mean of ${folders.length} models' probabilities (${folders.join(', ')})` : folders[0];
  print(`model: ${ensemble} (${labels.classNames.join(', ')}); ${decision}; ${files.length} file(s)`);

  // A run before this one killed mid-write may have left temporary files beside the outputs.
  await removeTemporaryFilesOfKilledWriters([values.out], print);
  const started = performance.now();
  let images = 0;
  for (const file of files) {
    if (await goesByRegions(file, { ...values, byRegions: values['by-regions'], blend: tiling.blend })) {
      const progress = createRedrawnLine(process.stderr, 30);
      print(await predictByRegions(network, labels, file, values.out, { ...tiling, outputTileSize, tta: values.tta, threshold }, progress));
      images++;
      continue;
    }
    const header = await readImageHeader(file);
    const stem = path.parse(file).name;
    const stackPages: Array<{ width: number; height: number; data: Int32Array }> = [];
    for (let page = 0; page < header.pages; page++) {
      const name = header.pages > 1 ? `${stem}_p${String(page).padStart(3, '0')}` : stem;
      // Gray and colour are converted to what the model takes (luminance, or gray repeated).
      const image = await readImage(file, { page, channels: channels as 1 | 3 | 4 });
      const imageStarted = performance.now();
      const result = await segmentImage(network, image, { ...tiling, outputTileSize, tta: values.tta });
      const mask = labelsFromProbabilities(result.probabilities, result.height, result.width, result.classes, { threshold });
      const target = path.join(values.out, `${name}.png`);
      const written: string[] = [];
      if (header.pages > 1) {
        stackPages.push({ width: image.width, height: image.height, data: mask.map((label) => labels.labelValues[label] ?? label) });
      } else if (labels.paletteMasks) {
        await writeFileAtomically(
          target,
          encodePng({ width: image.width, height: image.height, channels: 1, data: mask, palette: vocColourMap(256) }),
        );
      } else {
        await writeLabelPng(target, mask, image.height, image.width, labels.labelValues);
      }
      if (header.pages === 1) written.push(target);
      if (values.overlay) {
        const overlay = path.join(values.out, `${name}_overlay.png`);
        await writeRgbaPng(overlay, overlayMask(imageToRgba(image), mask, { colours: labels.classColours, opacity: 0.45 }));
        written.push(overlay);
      }
      if (values.probabilities) {
        const classes = result.classes === 2 ? [1] : Array.from({ length: result.classes }, (_, index) => index);
        for (const classId of classes) {
          const probability = classChannel(result.probabilities, image.height * image.width, result.classes, classId);
          const suffix = result.classes === 2 ? '' : `_${labels.classNames[classId] ?? classId}`;
          const probabilityFile = path.join(values.out, `${name}_probability${suffix}.png`);
          await writeProbabilityPng(probabilityFile, probability, image.height, image.width);
          written.push(probabilityFile);
        }
      }
      if (values.instances) {
        const objectProbability = classChannel(result.probabilities, image.height * image.width, result.classes, 1);
        const instances = objectInstances(objectProbability, image.height, image.width, instanceMethod);
        const instancesFile = path.join(values.out, `${name}_instances.png`);
        await writeLabelPng(instancesFile, instances, image.height, image.width);
        written.push(instancesFile);
      }
      images++;
      const wrote = written.length > 0 ? ` -> ${written.join(', ')}` : '';
      print(
        `${file}${header.pages > 1 ? ` page ${page}` : ''}: ${image.width}x${image.height} in ${((performance.now() - imageStarted) / 1000).toFixed(1)} s${wrote}`,
      );
    }
    if (stackPages.length > 0) {
      const stackFile = path.join(values.out, `${stem}.tif`);
      await writeFileAtomically(stackFile, encodeTiffStack(stackPages));
      print(`${file}: ${stackPages.length} pages -> ${stackFile}`);
    }
  }
  for (const member of members) {
    await member.opened.release();
    member.model.dispose();
  }
  print(
    `segmented ${images} image(s) in ${((performance.now() - started) / 1000).toFixed(1)} s on ${engine === 'tfjs' ? selection.chosen : opened.description}`,
  );
}
