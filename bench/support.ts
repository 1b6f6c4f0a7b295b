import { performance } from 'node:perf_hooks';

/** One measured figure: throughput and latency percentiles in microseconds. */
export interface Measurement {
  readonly label: string;
  readonly opsPerSecond: number;
  readonly p50Micros: number;
  readonly p99Micros: number;
}

/**
 * Runs `op` in batches for about `millis` after a warm-up, timing each batch so that even
 * sub-microsecond operations get stable percentiles (per-op latency = batch time / batch size).
 */
export async function measure(label: string, op: () => unknown, { millis = 1000, batch = 100 } = {}): Promise<Measurement> {
  const isAsync = op() instanceof Promise;
  const runBatch = async (): Promise<void> => {
    if (isAsync) for (let i = 0; i < batch; i++) await op();
    else for (let i = 0; i < batch; i++) op();
  };
  const warmUntil = performance.now() + Math.min(300, millis / 3);
  while (performance.now() < warmUntil) await runBatch();
  const samples: number[] = [];
  const start = performance.now();
  while (performance.now() - start < millis) {
    const t0 = performance.now();
    await runBatch();
    samples.push(((performance.now() - t0) * 1000) / batch);
  }
  const elapsed = performance.now() - start;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { label, opsPerSecond: (samples.length * batch * 1000) / elapsed, p50Micros: at(0.5), p99Micros: at(0.99) };
}

const fmt = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(2);

/** Prints a figure beside its reference, with the ratio measured in the same run. */
export function printComparison(subject: Measurement, references: readonly Measurement[]): void {
  const row = (m: Measurement) =>
    `  ${m.label.padEnd(44)} ${fmt(m.opsPerSecond).padStart(14)} ops/s   p50 ${fmt(m.p50Micros).padStart(9)} µs   p99 ${fmt(m.p99Micros).padStart(9)} µs`;
  console.log(row(subject));
  for (const ref of references) {
    const ratio = ref.opsPerSecond / subject.opsPerSecond;
    console.log(`${row(ref)}   → subject is ${ratio >= 1 ? `${ratio.toFixed(2)}x slower` : `${(1 / ratio).toFixed(2)}x faster`}`);
  }
}

/** Prints a section heading. */
export function heading(title: string): void {
  console.log(`\n${title}\n${'─'.repeat(title.length)}`);
}

/** Heap used after a full collection (requires `node --expose-gc`, as `npm run bench` runs). */
export function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run the benchmarks with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
