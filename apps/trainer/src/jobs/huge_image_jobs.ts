import path from 'node:path';
import { type AssemblyJob, assemblyJob } from './assembly_job.js';
import type { SegmentationJob } from './segmentation_job.js';

/** Rows of pixels per job of a huge image on a queue, by default: 4096 (at 20,000 px wide, 5 jobs for 400 Mpx). */
export const DEFAULT_ROWS_PER_JOB = 4096;

/** Where the parts of OUT/NAME.tif wait for their assembly: OUT/.NAME.tif.parts/ (hidden: they are not masks). */
export function partsFolder(output: string): string {
  return path.join(path.dirname(output), `.${path.basename(output)}.parts`);
}

/**
 * A region-by-region job of an image taller than `rowsPerJob`, as a flow: part jobs, each
 * segmenting the bands of tiles that begin in its `rowsPerJob` rows into a part file, and the
 * assembling job that joins them into the job's BigTIFF once they are all done. The bands are
 * the whole image's, so the mask equals that of the single job pixel for pixel, and several
 * workers share one image.
 */
export function splitHugeImageJob(
  job: SegmentationJob,
  size: { width: number; height: number },
  rowsPerJob: number,
): { parent: AssemblyJob; children: SegmentationJob[] } {
  const folder = partsFolder(job.output);
  const children: SegmentationJob[] = [];
  for (let start = 0; start < size.height; start += rowsPerJob) {
    const end = Math.min(start + rowsPerJob, size.height);
    const part = path.join(folder, `rows-${String(start).padStart(6, '0')}-${String(end).padStart(6, '0')}.bin`);
    children.push({ ...job, output: part, options: { ...job.options, byRegions: true, rows: { start, end } } });
  }
  return {
    parent: assemblyJob({ input: job.input, parts: children.map((child) => child.output), output: job.output, ...size }),
    children,
  };
}
