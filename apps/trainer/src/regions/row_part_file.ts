import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { syncFolder, temporaryFileFor } from '@unet/core/node';

/**
 * One job's share of a huge image's mask: consecutive full-width rows of label values, raw,
 * after a header that says where they lie (so that the assembling job checks that the parts
 * cover the image once, in order). Written as the rows arrive, under a temporary name, fsynced
 * and renamed when complete: a part that exists is whole.
 */
const MAGIC = Buffer.from('UNETROWS');
const HEADER_BYTES = MAGIC.length + 16;

export class RowPartError extends Error {
  override readonly name = 'RowPartError';
}

export interface RowPartHeader {
  /** The image row of the part's first row. */
  firstRow: number;
  rows: number;
  width: number;
  bytesPerSample: 1 | 2;
}

export interface RowPartWriter {
  /** The next rows, starting at `top` (the first call's `top` is the part's first row) // [rows, width] */
  writeRows(samples: Uint8Array | Uint16Array, top: number, rows: number): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

export async function createRowPartWriter(file: string, width: number, bytesPerSample: 1 | 2): Promise<RowPartWriter> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = temporaryFileFor(file);
  const handle: FileHandle = await open(temporary, 'w');
  let position = HEADER_BYTES;
  let firstRow: number | undefined;
  let rows = 0;
  return {
    async writeRows(samples, top, count) {
      firstRow ??= top;
      if (top !== firstRow + rows)
        throw new RowPartError(`${file}: rows ${top}.. follow rows ${firstRow}..${firstRow + rows - 1}; write them in order`);
      const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      await handle.write(bytes, 0, bytes.length, position);
      position += bytes.length;
      rows += count;
    },
    async close() {
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header, 0);
      header.writeUInt32LE(firstRow ?? 0, 8);
      header.writeUInt32LE(rows, 12);
      header.writeUInt32LE(width, 16);
      header.writeUInt32LE(bytesPerSample, 20);
      await handle.write(header, 0, HEADER_BYTES, 0);
      await handle.sync();
      await handle.close();
      await rename(temporary, file);
      await syncFolder(path.dirname(file));
    },
    async abort() {
      await handle.close().catch(() => undefined);
      await rm(temporary, { force: true });
    },
  };
}

/** A part's header, and its rows read `chunkRows` at a time (so that a part is never held whole). */
export async function openRowPart(file: string): Promise<{
  header: RowPartHeader;
  readRows(first: number, count: number): Promise<Uint8Array | Uint16Array>;
  close(): Promise<void>;
}> {
  const handle = await open(file, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  await handle.read(header, 0, HEADER_BYTES, 0);
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) {
    await handle.close();
    throw new RowPartError(`${file}: not a part of a unet mask (no UNETROWS header); remove it and run its job again`);
  }
  const parsed: RowPartHeader = {
    firstRow: header.readUInt32LE(8),
    rows: header.readUInt32LE(12),
    width: header.readUInt32LE(16),
    bytesPerSample: header.readUInt32LE(20) as 1 | 2,
  };
  const rowBytes = parsed.width * parsed.bytesPerSample;
  return {
    header: parsed,
    async readRows(first, count) {
      const bytes = Buffer.alloc(count * rowBytes);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, HEADER_BYTES + first * rowBytes);
      if (bytesRead !== bytes.length)
        throw new RowPartError(`${file}: ends before row ${first + count} of its ${parsed.rows}; remove it and run its job again`);
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      return parsed.bytesPerSample === 1 ? new Uint8Array(copy) : new Uint16Array(copy);
    },
    close: () => handle.close(),
  };
}
