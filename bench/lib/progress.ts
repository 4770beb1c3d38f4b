// The progress display: one line per step, with the seconds since the suite started and the
// step's own duration when it ends. Plain lines (no cursor tricks) so it reads the same in a
// terminal, a CI log or a test's captured output.

const suiteStarted = performance.now();

function stamp(): string {
  return `[${((performance.now() - suiteStarted) / 1000).toFixed(1).padStart(6)} s]`;
}

export function log(message: string): void {
  console.log(`${stamp()} ${message}`);
}

/** Runs one step, printing when it starts and how long it took (or how it failed). */
export async function step<T>(name: string, run: () => Promise<T>, describe?: (result: T) => string): Promise<T> {
  const started = performance.now();
  log(`${name} …`);
  try {
    const result = await run();
    const took = ((performance.now() - started) / 1000).toFixed(1);
    const detail = describe ? `  ${describe(result)}` : '';
    log(`${name} done in ${took} s${detail}`);
    return result;
  } catch (error) {
    log(`${name} FAILED after ${((performance.now() - started) / 1000).toFixed(1)} s: ${(error as Error).message}`);
    throw error;
  }
}

export function elapsedSeconds(): number {
  return (performance.now() - suiteStarted) / 1000;
}
