import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createUNet, type PresetName, presetConfig, saveUNet, type UNetConfig } from '@unet/model';
import { fileSystem } from '@unet/model/node';
import sharp from 'sharp';
import { runWithPeakMemory } from './peak_memory.js';

/** The built command line beside this file (dist/cli.js): the run is a process of its own, as a user starts it. */
const cli = fileURLToPath(new URL('../cli.js', import.meta.url));

export interface HugeImageBenchOptions {
  /** The image's side in px: 50,000 for issue 14's whole-slide case. */
  side: number;
  /** unet predict's --tile (default 768: on two cores about as fast as 1024, with less memory). */
  tile?: number;
  /** unet predict's --backend (default native). */
  backend?: string;
  /** The untrained network's preset (default small, 16 base channels). */
  preset?: PresetName;
  /** Changes to the preset, for a quick run (a test's tiny network). */
  network?: Partial<UNetConfig>;
}

export interface HugeImageBenchLine {
  case: 'huge-image';
  side: number;
  megapixels: number;
  preset: PresetName;
  baseChannels: number;
  depth: number;
  /** The backend unet predict reports it ran on. */
  backend: string;
  tile: number;
  /** Writing the test image (libvips noise into a tiled BigTIFF), not part of the segmentation. */
  imageSeconds: number;
  /** unet predict --by-regions, from its start to its exit (loading the model included). */
  seconds: number;
  microsecondsPerPixel: number;
  /** unet predict's own peak resident memory (VmHWM). */
  peakRssMiB: number;
  maskBytes: number;
}

/**
 * `unet bench --huge SIDE`: segments a SIDE x SIDE 8-bit image region by region, as a user
 * does, and reports its time and peak memory. The image is libvips gaussian noise written a
 * band at a time into a tiled BigTIFF (so this process never holds it either); the network is
 * an untrained preset (its weights do not change the work). The mask is checked for its size,
 * then deleted with the image.
 */
export async function benchHugeImage(options: HugeImageBenchOptions, emit: (line: HugeImageBenchLine) => void): Promise<void> {
  const { side } = options;
  const tile = options.tile ?? 768;
  const preset = options.preset ?? 'small';
  const work = mkdtempSync(path.join(tmpdir(), 'unet-huge-bench-'));
  try {
    const image = path.join(work, 'huge.tif');
    const started = performance.now();
    // One band of noise, a third of the work of three (libvips makes 2.5 billion gaussian draws
    // for side 50,000); sharp's types list only 3 and 4 channels, but libvips takes 1.
    const grayChannels = 1 as 3;
    await sharp({
      create: { width: side, height: side, channels: grayChannels, background: 0, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
      limitInputPixels: false,
    })
      .toColourspace('b-w')
      .tiff({ tile: true, tileWidth: 256, tileHeight: 256, bigtiff: true })
      .toFile(image);
    const imageSeconds = (performance.now() - started) / 1000;

    await tf.setBackend('cpu');
    const config = presetConfig(preset, { seed: 4, ...options.network });
    const model = path.join(work, 'model');
    const network = createUNet(config);
    await saveUNet(network, fileSystem(model), { classNames: ['background', 'object'], labelMapping: { values: [0, 255] } });
    network.dispose();

    const out = path.join(work, 'out');
    const args = ['predict', '--model', model, image, '--out', out, '--by-regions', '--tile', String(tile)];
    const run = await runWithPeakMemory(cli, [...args, '--backend', options.backend ?? 'native']);
    if (run.code !== 0) throw new Error(`unet ${args.join(' ')} failed (exit ${run.code}):\n${run.output.slice(-2000)}`);
    const mask = path.join(out, 'huge.tif');
    const written = await sharp(mask, { limitInputPixels: false }).metadata();
    if (written.width !== side || written.height !== side) {
      throw new Error(`unet predict wrote a ${written.width} x ${written.height} mask for a ${side} x ${side} image: ${mask}`);
    }
    emit({
      case: 'huge-image',
      side,
      megapixels: Number(((side * side) / 1e6).toFixed(1)),
      preset,
      baseChannels: config.baseChannels,
      depth: config.depth,
      backend: /^backend: (\S+)/m.exec(run.output)?.[1] ?? 'unknown',
      tile,
      imageSeconds: Number(imageSeconds.toFixed(1)),
      seconds: Number(run.seconds.toFixed(1)),
      microsecondsPerPixel: Number(((run.seconds * 1e6) / (side * side)).toFixed(3)),
      peakRssMiB: Math.round(run.peakBytes / 2 ** 20),
      maskBytes: statSync(mask).size,
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
