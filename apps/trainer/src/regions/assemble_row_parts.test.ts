import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readLabelImage } from '@unet/data/node';
import { describe, expect, it } from 'vitest';
import { assembleRowParts } from './assemble_row_parts.js';
import { RowPartError, createRowPartWriter, openRowPart } from './row_part_file.js';

const work = mkdtempSync(path.join(tmpdir(), 'unet-row-parts-'));
const width = 40;

/** A part of rows [first, first + rows) whose pixels hold (row * 7 + column) % 256. */
async function writePart(name: string, first: number, rows: number, bands = 1): Promise<string> {
  const file = path.join(work, name);
  const writer = await createRowPartWriter(file, width, 1);
  const per = Math.ceil(rows / bands);
  for (let top = first; top < first + rows; top += per) {
    const count = Math.min(per, first + rows - top);
    await writer.writeRows(
      Uint8Array.from({ length: count * width }, (_, index) => ((top + Math.floor(index / width)) * 7 + (index % width)) % 256),
      top,
      count,
    );
  }
  await writer.close();
  return file;
}

describe('row parts', () => {
  it('hold their rows after a header that says where they lie, and join into a BigTIFF of the image', async () => {
    const parts = [await writePart('a.bin', 0, 30, 3), await writePart('empty.bin', 0, 0), await writePart('b.bin', 30, 20, 2)];
    const opened = await openRowPart(parts[2]!);
    expect(opened.header).toEqual({ firstRow: 30, rows: 20, width, bytesPerSample: 1 });
    await opened.close();
    const output = path.join(work, 'mask.tif');
    await assembleRowParts(parts, output, { width, height: 50 });
    const mask = await readLabelImage(output);
    expect([mask.width, mask.height]).toEqual([width, 50]);
    expect(Array.from(mask.data)).toEqual(
      Array.from({ length: 50 * width }, (_, index) => (Math.floor(index / width) * 7 + (index % width)) % 256),
    );
  });

  it('refuse parts that leave a gap, miss the end or are not parts, writing nothing', async () => {
    const [a, c] = [await writePart('gap-a.bin', 0, 10), await writePart('gap-c.bin', 20, 10)];
    await expect(assembleRowParts([a, c], path.join(work, 'gap.tif'), { width, height: 30 })).rejects.toThrow(
      /gap-c.bin: begins at row 20, but the parts before it end at row 10/,
    );
    await expect(assembleRowParts([a], path.join(work, 'short.tif'), { width, height: 30 })).rejects.toThrow(/cover rows 0 .. 9 of 30/);
    writeFileSync(path.join(work, 'junk.bin'), 'not a part at all, but long enough');
    await expect(assembleRowParts([path.join(work, 'junk.bin')], path.join(work, 'junk.tif'), { width, height: 1 })).rejects.toThrow(
      RowPartError,
    );
    for (const name of ['gap.tif', 'short.tif', 'junk.tif']) expect(existsSync(path.join(work, name))).toBe(false);
  });
});
