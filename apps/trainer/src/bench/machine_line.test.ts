import { describe, expect, it } from 'vitest';
import { cpuinfoField, machineLine } from './machine_line.js';

const cpuinfo = `processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 167
model name\t: Intel(R) Xeon(R) Processor
processor\t: 1
model\t\t: 167
model name\t: Intel(R) Xeon(R) Processor
`;

describe('cpuinfoField', () => {
  it("reads the first processor's field, telling 'model' from 'model name'", () => {
    expect(cpuinfoField(cpuinfo, 'model')).toBe('167');
    expect(cpuinfoField(cpuinfo, 'model name')).toBe('Intel(R) Xeon(R) Processor');
    expect(cpuinfoField(cpuinfo, 'flags')).toBeUndefined();
  });
});

describe('machineLine', () => {
  it('names the CPU and its model number, the cores, the load and the date', () => {
    const line = machineLine(cpuinfo);
    expect(line).toMatchObject({ case: 'machine', cpu: 'Intel(R) Xeon(R) Processor', cpuModelNumber: 167, node: process.version });
    expect(line.cores).toBeGreaterThan(0);
    expect(line.loadAverage).toHaveLength(3);
    expect(Date.parse(line.date)).not.toBeNaN();
  });

  it("says the OpenMP wait policy the references run with: the environment's, or null where unset", () => {
    expect(machineLine(cpuinfo, {}).ompWaitPolicy).toBeNull();
    expect(machineLine(cpuinfo, { OMP_WAIT_POLICY: 'active' }).ompWaitPolicy).toBe('active');
  });

  it('leaves the model number out where there is none (an ARM cpuinfo, or none at all)', () => {
    expect(machineLine('processor\t: 0\nBogoMIPS\t: 50.00\n').cpuModelNumber).toBeUndefined();
    expect(machineLine(undefined).cpu.length).toBeGreaterThan(0);
  });
});
