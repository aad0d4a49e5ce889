// Crops the bundled samples from the ISBI 2012 EM slices in ../shared/datasets (public challenge
// data: Cardona et al. 2010; Arganda-Carreras et al. 2015) and takes one DIC-HeLa frame (Cell
// Tracking Challenge, Ulman et al. 2017). Run once from apps/demo:
//   node scripts/make_samples.mjs
// The crops are committed, so the app and its tests need no ../shared.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = path.dirname(fileURLToPath(import.meta.url));
const datasets = path.resolve(here, '..', '..', '..', '..', 'shared', 'datasets');
const isbi = path.join(datasets, 'isbi2012-em');
const out = path.resolve(here, '..', 'public', 'samples');
mkdirSync(out, { recursive: true });

// [source slice, left, top, size, file name]
const crops = [
  ['train/image/00.png', 128, 128, 256, 'isbi-train-00.png'],
  ['test/image/07.png', 200, 64, 256, 'isbi-test-07.png'],
  // Small, so that the browser test on SwiftShader's software WebGL stays quick.
  ['train/image/03.png', 192, 192, 128, 'isbi-train-03-small.png'],
];
for (const [source, left, top, size, name] of crops) {
  await sharp(path.join(isbi, source))
    .extract({ left, top, width: size, height: size })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toFile(path.join(out, name));
}
// The small crop again as a 16-bit LZW TIFF (v * 257, so the same values in [0, 1]): the TIFF path.
const { data, info } = await sharp(path.join(isbi, 'train/image/03.png'))
  .extract({ left: 192, top: 192, width: 128, height: 128 })
  .toColourspace('b-w')
  .raw()
  .toBuffer({ resolveWithObject: true });
const wide = new Uint16Array(info.width * info.height);
for (let index = 0; index < wide.length; index++) wide[index] = data[index] * 257;
await sharp(wide, { raw: { width: info.width, height: info.height, channels: 1 } })
  .toColourspace('grey16')
  .tiff({ compression: 'lzw' })
  .toFile(path.join(out, 'isbi-train-03-small-16bit.tif'));

// DIC-HeLa frame 027, whole: one of the frames models/dic-hela was validated on, never trained on.
await sharp(path.join(datasets, 'dic-c2dh-hela', '01', 't027.tif'))
  .toColourspace('b-w')
  .png({ compressionLevel: 9 })
  .toFile(path.join(out, 'hela-t027.png'));

const manifest = crops.map(([source, , , size, name]) => ({
  file: name,
  label: `ISBI 2012 ${source.split('/')[0]} slice ${path.basename(source, '.png')}, ${size} x ${size}`,
}));
manifest.push({ file: 'isbi-train-03-small-16bit.tif', label: 'ISBI 2012 train slice 03, 128 x 128, 16-bit TIFF' });
manifest.push({
  file: 'hela-t027.png',
  label: 'DIC-HeLa frame 027 (Cell Tracking Challenge, Ulman et al. 2017), 512 x 512; held out from training of models/dic-hela',
});
writeFileSync(path.join(out, 'samples.json'), `${JSON.stringify(manifest, null, 2)}\n`);
