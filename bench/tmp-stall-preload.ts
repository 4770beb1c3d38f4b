import { appendFileSync } from 'node:fs';
import { heapSize } from 'bun:jsc';
const file = `/tmp/stalls-${process.pid}.txt`;
let last = performance.now();
let lastHeap = heapSize();
const stalls: string[] = [];
let ticks = 0;
const a = setInterval(() => {
  const now = performance.now();
  const heap = heapSize();
  const lag = now - last - 1;
  ticks++;
  if (lag > 3) stalls.push(`${Date.now()} ${lag.toFixed(1)} heap ${(lastHeap / 1e6).toFixed(1)} -> ${(heap / 1e6).toFixed(1)}`);
  last = now;
  lastHeap = heap;
}, 1);
a.unref();
setInterval(() => { appendFileSync(file, `${Date.now()} tick ${ticks} heap ${(lastHeap / 1e6).toFixed(1)}\n` + (stalls.length ? stalls.join('\n') + '\n' : '')); stalls.length = 0; ticks = 0; }, 1000).unref();
