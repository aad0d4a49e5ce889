/** The page's elements (index.html), looked up once; a missing one is a broken index.html. */
const element = <T extends HTMLElement>(id: string) => {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`ui: index.html has no #${id}`);
  return found as T;
};

export const ui = {
  backendSelect: element<HTMLSelectElement>('backend-select'),
  backendName: element('backend-name'),
  backendSkipped: element('backend-skipped'),
  modelSelect: element<HTMLSelectElement>('model-select'),
  modelFiles: element<HTMLInputElement>('model-files'),
  modelInfo: element('model-info'),
  samples: element('samples'),
  imageFile: element<HTMLInputElement>('image-file'),
  progress: element<HTMLProgressElement>('progress'),
  segmentCancel: element<HTMLButtonElement>('segment-cancel'),
  status: element('status'),
  opacity: element<HTMLInputElement>('opacity'),
  overlayMode: element<HTMLSelectElement>('overlay-mode'),
  overlayCaption: element('overlay-caption'),
  downloadMask: element<HTMLButtonElement>('download-mask'),
  batchRow: element('batch-row'),
  batchList: element<HTMLOListElement>('batch-list'),
  batchZip: element<HTMLButtonElement>('batch-zip'),
  imageCanvas: element<HTMLCanvasElement>('image-canvas'),
  probabilityCanvas: element<HTMLCanvasElement>('probability-canvas'),
  probabilityCaption: element('probability-caption'),
  overlayCanvas: element<HTMLCanvasElement>('overlay-canvas'),
  trainKind: element<HTMLSelectElement>('train-kind'),
  trainSteps: element<HTMLInputElement>('train-steps'),
  trainTile: element<HTMLInputElement>('train-tile'),
  trainBatch: element<HTMLInputElement>('train-batch'),
  trainRate: element<HTMLInputElement>('train-rate'),
  pairRow: element('pair-row'),
  pairImage: element<HTMLInputElement>('pair-image'),
  pairMask: element<HTMLInputElement>('pair-mask'),
  pairInfo: element('pair-info'),
  trainStart: element<HTMLButtonElement>('train-start'),
  trainStop: element<HTMLButtonElement>('train-stop'),
  trainUse: element<HTMLButtonElement>('train-use'),
  trainDownload: element<HTMLButtonElement>('train-download'),
  trainStatus: element('train-status'),
  lossCanvas: element<HTMLCanvasElement>('loss-canvas'),
  trainImage: element<HTMLCanvasElement>('train-image'),
  trainTruth: element<HTMLCanvasElement>('train-truth'),
  trainPrediction: element<HTMLCanvasElement>('train-prediction'),
};
