/** Bytes of a download so far, and in all where the server said (Content-Length); else null. */
export type ByteProgress = (bytes: number, totalBytes: number | null) => void;

/** A fetch that failed; the message names the URL and the answer. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';

  constructor(message: string) {
    super(message);
  }
}

/**
 * The bodies of `urls`, read as streams so that `onProgress` hears every chunk's bytes, summed over
 * all of them; the total comes from their Content-Length headers (all asked for first).
 */
export async function fetchWithProgress(urls: string[], onProgress?: ByteProgress): Promise<ArrayBuffer[]> {
  const responses = await Promise.all(urls.map((url) => fetch(url)));
  responses.forEach((response, index) => {
    if (!response.ok)
      throw new DownloadError(
        `fetch_with_progress: ${urls[index]} answered ${response.status} ${response.statusText}; check that the file is on the server`,
      );
  });
  const lengths = responses.map((response) => response.headers.get('Content-Length'));
  const totalBytes = lengths.every((length) => length !== null) ? lengths.reduce((sum, length) => sum + Number(length), 0) : null;
  let bytes = 0;
  onProgress?.(bytes, totalBytes);
  const bodies: ArrayBuffer[] = [];
  for (const response of responses) {
    const reader = response.body?.getReader();
    if (reader === undefined) {
      const body = await response.arrayBuffer();
      bytes += body.byteLength;
      onProgress?.(bytes, totalBytes);
      bodies.push(body);
      continue;
    }
    const chunks: Uint8Array[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
      onProgress?.(bytes, totalBytes);
    }
    const body = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    bodies.push(body.buffer);
  }
  return bodies;
}
