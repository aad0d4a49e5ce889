import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveTinyModel } from '../jobs/__fixtures__/tiny_segmentation.js';
import { openEnsembleMembers } from './open_ensemble_members.js';

describe('openEnsembleMembers', () => {
  it('opens each folder in order on tfjs, with its own weights and metadata', async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'unet-open-members-'));
    const first = await saveTinyModel(path.join(work, 'a'), 3);
    const second = await saveTinyModel(path.join(work, 'b'), 4, { threshold: 0.7 });
    const members = await openEnsembleMembers([first, second], 'tfjs', undefined);
    try {
      expect(members.map((member) => member.folder)).toEqual([first, second]);
      expect(members.map((member) => member.opened.description)).toEqual(['tfjs', 'tfjs']);
      expect(members.every((member) => member.network === member.model)).toBe(true);
      expect(members.map((member) => member.labels.threshold)).toEqual([undefined, 0.7]);
      const [a, b] = members.map((member) => member.model.namedWeights()[0]!.variable.dataSync()[0]);
      expect(a).not.toBe(b);
    } finally {
      for (const member of members) {
        await member.opened.release();
        member.model.dispose();
      }
    }
  });
});
