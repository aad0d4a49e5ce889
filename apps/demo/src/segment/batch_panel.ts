import { zipSync } from 'fflate';
import { state, setStatus } from '../app/state.js';
import { ui } from '../app/ui.js';
import { download } from '../view/download.js';
import { currentMaskPng, maskFileName, openImage } from './segment_panel.js';

/** One image of a batch and, once segmented, its mask file. */
export interface BatchItem {
  name: string;
  /** The mask's file name, unique within the batch (`-2` etc. where names repeat). */
  maskName: string;
  status: 'waiting' | 'segmented' | 'cancelled' | 'error';
  mask?: Blob;
}

function uniqueMaskNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const base = maskFileName(name);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : base.replace(/-mask\.png$/, `-${count}-mask.png`);
  });
}

function drawBatchList(): void {
  ui.batchList.replaceChildren(
    ...state.batch.map((item) => {
      const row = document.createElement('li');
      row.dataset.status = item.status;
      row.append(`${item.name}: ${item.status}`);
      if (item.mask !== undefined) {
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = item.maskName;
        button.dataset.mask = item.name;
        const mask = item.mask;
        button.addEventListener('click', () => download(mask, item.maskName));
        row.append(' ', button);
      }
      return row;
    }),
  );
  ui.batchRow.hidden = state.batch.length === 0;
  ui.batchZip.disabled = !state.batch.some((item) => item.mask !== undefined);
}

/**
 * Several images dropped or opened at once: each is opened, segmented and shown in turn, and its
 * mask kept for a download of its own or in one zip. A cancelled image ends the batch.
 */
export async function segmentBatch(files: File[]): Promise<void> {
  const maskNames = uniqueMaskNames(files.map((file) => file.name));
  state.batch = files.map((file, index) => ({ name: file.name, maskName: maskNames[index], status: 'waiting' }));
  document.body.dataset.batch = 'running';
  drawBatchList();
  for (const [index, file] of files.entries()) {
    const item = state.batch[index];
    try {
      await openImage(file, file.name);
    } catch (error) {
      item.status = 'error';
      drawBatchList();
      throw error;
    }
    if (document.body.dataset.status === 'cancelled') {
      item.status = 'cancelled';
      break;
    }
    item.mask = (await currentMaskPng()) ?? undefined;
    item.status = item.mask === undefined ? 'error' : 'segmented';
    drawBatchList();
  }
  drawBatchList();
  const done = state.batch.filter((item) => item.status === 'segmented').length;
  document.body.dataset.batch = 'done';
  setStatus(`${done} of ${files.length} images segmented; their masks are listed below the bar.`);
}

/** The batch's masks in one zip (fflate, stored: PNGs are compressed already). */
export async function downloadBatchZip(): Promise<void> {
  const entries: Record<string, Uint8Array> = {};
  for (const item of state.batch) if (item.mask !== undefined) entries[item.maskName] = new Uint8Array(await item.mask.arrayBuffer());
  download(new Blob([zipSync(entries, { level: 0 })], { type: 'application/zip' }), 'masks.zip');
}
