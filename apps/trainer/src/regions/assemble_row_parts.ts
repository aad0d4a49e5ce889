import { RowPartError, openRowPart } from './row_part_file.js';
import { createTiledTiffWriter } from './tiled_tiff_writer.js';

/** Rows copied at a time from a part into the BigTIFF: memory stays a few of them. */
const chunkRows = 256;

/**
 * The mask of a huge image from its parts (row_part_file.ts), in order, into one tiled
 * BigTIFF: the parts must cover rows 0 .. height-1 once each, at the image's width, with one
 * sample size, or nothing is written and the error names the part to make again.
 */
export async function assembleRowParts(parts: readonly string[], output: string, size: { width: number; height: number }): Promise<void> {
  const opened = [];
  try {
    for (const part of parts) opened.push({ file: part, ...(await openRowPart(part)) });
    let next = 0;
    const bytesPerSample = opened.find((part) => part.header.rows > 0)?.header.bytesPerSample ?? 1;
    for (const { file, header } of opened) {
      if (header.rows === 0) continue;
      if (header.width !== size.width || header.bytesPerSample !== bytesPerSample)
        throw new RowPartError(
          `${file}: ${header.width} px wide, ${header.bytesPerSample} byte(s) a sample, unlike the image's other parts; remove it and run its job again`,
        );
      if (header.firstRow !== next)
        throw new RowPartError(
          `${file}: begins at row ${header.firstRow}, but the parts before it end at row ${next}; remove the parts and run the image's jobs again`,
        );
      next += header.rows;
    }
    if (next !== size.height)
      throw new RowPartError(
        `${output}: its parts cover rows 0 .. ${next - 1} of ${size.height}; remove the parts and run the image's jobs again`,
      );
    const writer = await createTiledTiffWriter(output, { ...size, bitsPerSample: bytesPerSample === 1 ? 8 : 16 });
    try {
      for (const part of opened) {
        for (let first = 0; first < part.header.rows; first += chunkRows) {
          const rows = Math.min(chunkRows, part.header.rows - first);
          await writer.writeRows(await part.readRows(first, rows), rows);
        }
      }
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  } finally {
    for (const part of opened) await part.close();
  }
}
