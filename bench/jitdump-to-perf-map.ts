// Names the router's JavaScript in a `perf` profile. Bun's JavaScriptCore writes its JIT code to a
// jitdump file when asked (BUN_JSC_useJITDump=1, BUN_JSC_jitDumpDirectory=DIR), but does not map it
// where `perf inject --jit` looks; this turns it into /tmp/perf-<pid>.map, which `perf report`
// reads by itself for the process's [JIT] frames. Unlike Bun's --cpu-prof (which samples wall
// time: a thread that waits for a core shows as busy), perf counts only time on a CPU.
//
//   BUN_JSC_useJITDump=1 BUN_JSC_jitDumpDirectory=/tmp/jd npm run bench:path -- --rounds 4 &
//   perf record -k 1 -F 2999 -g -p <bun pid> -o /tmp/jd/perf.data -- sleep 8
//   bun bench/jitdump-to-perf-map.ts /tmp/jd/jit-*.dump
//   perf report -i /tmp/jd/perf.data --no-children --sort comm,dso      (then --tid <pid> --sort sym)
//
// JSC reuses the memory of code it throws away, and a map has no times (perf inject would use the
// dump's): of the code loaded at one address the last is kept, but a range the map gives may still
// hold other code in an early sample. Record after the warm-up, briefly, and trust self time of the
// top frames more than call chains through JIT code.
// The format: https://github.com/torvalds/linux/blob/master/tools/perf/Documentation/jitdump-specification.txt
import { readFileSync, writeFileSync } from 'node:fs';

const JIT_CODE_LOAD = 0;

for (const path of process.argv.slice(2)) {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.toString('latin1', 0, 4) !== 'DTiJ') throw new Error(`${path}: not a jitdump file (no JiTD magic)`);
  const headerSize = view.getUint32(8, true);
  const pid = view.getUint32(20, true);
  // By address: the last code loaded there (see above).
  const loaded = new Map<bigint, string>();
  for (let at = headerSize; at + 16 <= bytes.length;) {
    const id = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    if (size === 0) break;
    if (id === JIT_CODE_LOAD) {
      // After the record header: pid, tid (u32 each), vma, code address, code size, code index (u64 each), then the name.
      const address = view.getBigUint64(at + 16 + 16, true);
      const codeSize = view.getBigUint64(at + 16 + 24, true);
      const nameStart = at + 16 + 40;
      const name = bytes.toString('utf8', nameStart, bytes.indexOf(0, nameStart)).replace(/\s+/g, ' ');
      loaded.set(address, `${address.toString(16)} ${codeSize.toString(16)} ${name}`);
    }
    at += size;
  }
  writeFileSync(`/tmp/perf-${pid}.map`, `${[...loaded.values()].join('\n')}\n`);
  console.log(`${path}: ${loaded.size} functions, written to /tmp/perf-${pid}.map`);
}
