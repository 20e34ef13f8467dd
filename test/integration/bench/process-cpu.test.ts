/** The benchmarks read a target process's CPU time from /proc: it must be real and move with work. */
import { describe, expect, it } from 'vitest';
import { processCpuSeconds } from '../../../harness/bench/target-server.js';

describe('processCpuSeconds', () => {
  it('reads this process and grows with CPU work, as process.cpuUsage() does', () => {
    const before = processCpuSeconds(process.pid);
    const usageBefore = process.cpuUsage();
    const until = performance.now() + 300;
    let spin = 0;
    while (performance.now() < until) spin += Math.sqrt(spin + 1);
    const after = processCpuSeconds(process.pid);
    const used = process.cpuUsage(usageBefore);
    expect(spin).toBeGreaterThan(0);
    expect(before).toBeTypeOf('number');
    // /proc counts in 10 ms ticks; 300 ms of spinning is ~30 of them, whatever else the process does.
    const delta = (after ?? 0) - (before ?? 0);
    expect(delta).toBeGreaterThan(0.2);
    expect(Math.abs(delta - (used.user + used.system) / 1e6)).toBeLessThan(0.1);
  });

  it('answers undefined for no pid and for a process that does not exist', () => {
    expect(processCpuSeconds(undefined)).toBeUndefined();
    expect(processCpuSeconds(2 ** 22 + 12345)).toBeUndefined(); // above Linux's pid_max
  });
});
