import { describe, expect, it } from 'vitest';
import { AUTO_WORKERS_MIN_BATCH, autoWorkers } from '../../src/train/auto-workers.js';

describe('autoWorkers', () => {
  it('uses a second thread only for a CNF at a large batch on two or more cores', () => {
    expect(autoWorkers('cnf', AUTO_WORKERS_MIN_BATCH, 2)).toBe(2);
    expect(autoWorkers('cnf', 4096, 16)).toBe(2);
    expect(autoWorkers('cnf', AUTO_WORKERS_MIN_BATCH - 1, 2)).toBe(1);
    expect(autoWorkers('cnf', 100, 2)).toBe(1);
    expect(autoWorkers('cnf', 4096, 1)).toBe(1);
    expect(autoWorkers('flow-matching', 4096, 2)).toBe(1);
    expect(autoWorkers('realnvp', 4096, 2)).toBe(1);
  });
});
