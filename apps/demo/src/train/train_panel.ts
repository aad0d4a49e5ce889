import { type DecodedImage, decodeImageFile } from '@unet/data';
import { exclusive, reportError, state } from '../app/state.js';
import { ui } from '../app/ui.js';
import { addModelOption, useModel } from '../model/model_panel.js';
import { modelFiles } from '../model/model_files.js';
import { download } from '../view/download.js';
import { drawLossChart } from '../view/loss_chart.js';
import { drawImage, drawOverlay } from '../view/render.js';
import { TrainClient } from './train_client.js';
import type { TrainingPair } from './train_in_browser.js';
import { trainingPair } from './training_pair.js';

/** The training worker (train_worker.ts), one per run. */
const trainer = new TrainClient();

/** Trains with the panel's settings, showing the loss and a held-out prediction as it goes. */
async function train(): Promise<void> {
  const kind = ui.trainKind.value;
  let pair: TrainingPair | undefined;
  if (kind === 'pair') {
    if (state.pairImage === null || state.pairMask === null) throw new Error('train: pick an image and its mask first');
    pair = trainingPair(state.pairImage, state.pairMask);
  }
  const steps = Number(ui.trainSteps.value);
  state.losses = [];
  ui.trainStart.disabled = true;
  ui.trainStop.disabled = false;
  ui.trainUse.disabled = true;
  ui.trainDownload.disabled = true;
  document.body.dataset.training = 'running';
  const started = performance.now();
  let backend = state.backend?.name ?? 'wasm';
  /** The backend as the status says it: with whose kernels, where they are not tfjs's own. */
  let backendLabel: string = backend;
  try {
    const { artifacts, losses } = await trainer.train(
      {
        kind: kind === 'cells' ? 'cells' : 'em',
        steps,
        tileSize: Number(ui.trainTile.value),
        batchSize: Number(ui.trainBatch.value),
        learningRate: Number(ui.trainRate.value),
        seed: 1,
        previewEvery: 5,
        pair,
      },
      backend,
      new URL(`${__WASM_FOLDER__}/`, document.baseURI).href,
      {
        onStarted: (name, kernels) => {
          backend = name as typeof backend;
          backendLabel = kernels === undefined ? name : `${name} with ${kernels}'s kernels`;
        },
        onStep: (step, loss) => {
          state.losses.push(loss);
          drawLossChart(ui.lossCanvas, state.losses, steps);
          ui.trainStatus.textContent = `step ${step} of ${steps}: loss ${loss.toFixed(4)} (${((performance.now() - started) / 1000).toFixed(1)} s on ${backendLabel}, in a worker)`;
        },
        onPreview: (preview) => {
          const labels = new Int32Array(preview.size * preview.size);
          for (let pixel = 0; pixel < labels.length; pixel++) {
            let best = 0;
            for (let c = 1; c < preview.classes; c++)
              if (preview.probabilities[pixel * preview.classes + c] > preview.probabilities[pixel * preview.classes + best]) best = c;
            labels[pixel] = best;
          }
          drawImage(ui.trainImage, preview.image, preview.size, preview.size, 1);
          drawOverlay(ui.trainTruth, preview.image, preview.truth, preview.size, preview.size, 1, 0.6);
          drawOverlay(ui.trainPrediction, preview.image, labels, preview.size, preview.size, 1, 0.6);
        },
      },
    );
    state.trainedCount++;
    state.trained = { description: `the model trained here (run ${state.trainedCount})`, artifacts };
    ui.trainUse.disabled = false;
    ui.trainDownload.disabled = false;
    ui.trainStatus.textContent = `Trained ${losses.length} steps in ${((performance.now() - started) / 1000).toFixed(1)} s on ${backendLabel}, in a worker: loss ${losses[0]?.toFixed(4)} → ${losses.at(-1)?.toFixed(4)}.`;
    document.body.dataset.training = 'done';
  } catch (error) {
    document.body.dataset.training = 'error';
    ui.trainStatus.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  } finally {
    ui.trainStart.disabled = false;
    ui.trainStop.disabled = true;
  }
}

async function useTrainedModel(): Promise<void> {
  if (state.trained === null) return;
  const value = `trained-${state.trainedCount}`;
  if (!state.sources.has(value)) addModelOption(value, `Trained here (run ${state.trainedCount})`);
  await useModel(value, state.trained);
}

/** The trained model as a model folder's two files, model.json and weights.bin. */
function downloadTrainedModel(): void {
  if (state.trained === null) return;
  const { modelJson, weights } = modelFiles(state.trained.artifacts);
  download(modelJson, 'model.json');
  download(weights, 'weights.bin');
}

/** The training panel's controls. */
export function wireTrainPanel(): void {
  ui.trainKind.addEventListener('change', () => {
    ui.pairRow.hidden = ui.trainKind.value !== 'pair';
  });
  const readPairFile = (input: HTMLInputElement, assign: (image: DecodedImage) => void) => {
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file === undefined) return;
      void decodeImageFile(file, file.name)
        .then((image) => {
          assign(image);
          ui.pairInfo.textContent = `image: ${state.pairImage ? `${state.pairImage.width} x ${state.pairImage.height}` : 'none'}, mask: ${state.pairMask ? `${state.pairMask.width} x ${state.pairMask.height}` : 'none'}`;
        })
        .catch(reportError);
    });
  };
  readPairFile(ui.pairImage, (image) => {
    state.pairImage = image;
  });
  readPairFile(ui.pairMask, (image) => {
    state.pairMask = image;
  });
  ui.trainStart.addEventListener('click', () => void exclusive(train).catch(reportError));
  ui.trainStop.addEventListener('click', () => trainer.stop());
  ui.trainUse.addEventListener('click', () => void exclusive(useTrainedModel).catch(reportError));
  ui.trainDownload.addEventListener('click', downloadTrainedModel);
}
