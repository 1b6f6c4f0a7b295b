// Compares two builds of the runtime (copies of dist/) by CPU per full lifecycle, for throughput work:
//   cp -r dist dist-before   (inside the project, so the copy finds node_modules; then change, `npm run build`)
//   node --import tsx bench/compare-builds.ts dist-before dist [rounds] [--listener]
// `--listener` subscribes a notification listener to both runtimes (the path a listening host takes).
// Both builds run in one process with rounds alternated, so the machine's neighbours weigh on both
// alike. One process alone misleads, though: the build imported second runs 10-15 % slower, even
// against a copy of itself. So it runs twice, in both import orders, and reports the geometric mean of
// the two ratios, which cancels that (a build against a copy of itself: 1.00 ± 0.02).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchRuleSet, cpuMeter, endingWithTheAgent, instantDesk } from './runtime-workload.js';

type RuntimeModule = typeof import('../dist/src/runtime/runtime.js');
type StoreModule = typeof import('../dist/src/runtime/store/memory-store.js');
type ConfigModule = typeof import('../dist/src/config/default-config.js');
type RulesModule = typeof import('../dist/src/rules/load-rules.js');

const lifecyclesPerRound = 1280;

/** The bench's lifecycle (bench/runtime-workload.ts) on the build in `dist`: returns a function that runs `count` of them and gives CPU µs per lifecycle. */
async function runtimeOf(dist: string, listening: boolean): Promise<(count: number) => Promise<number>> {
  const load = async <T>(file: string): Promise<T> => (await import(path.resolve(dist, file))) as T;
  const { createHandoffRuntime } = await load<RuntimeModule>('src/runtime/runtime.js');
  const { createMemoryStore } = await load<StoreModule>('src/runtime/store/memory-store.js');
  const { defaultHandoffConfig } = await load<ConfigModule>('src/config/default-config.js');
  const { loadConnectionRules } = await load<RulesModule>('src/rules/load-rules.js');
  const rules = loadConnectionRules(benchRuleSet);
  const runtime = createHandoffRuntime({ config: endingWithTheAgent(defaultHandoffConfig()), rules, store: createMemoryStore(), liveAgents: instantDesk, deadlines: { pollIntervalMs: 60_000 } });
  if (listening) runtime.subscribe(() => undefined);
  return cpuMeter(runtime, 'c');
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** One import order in this process: the median over rounds of second/first CPU per lifecycle. */
async function oneOrder(first: string, second: string, rounds: number, listening: boolean): Promise<number> {
  const runFirst = await runtimeOf(first, listening);
  const runSecond = await runtimeOf(second, listening);
  for (let warm = 0; warm < 3; warm++) {
    await runFirst(lifecyclesPerRound);
    await runSecond(lifecyclesPerRound);
  }
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Which build goes first within a round alternates too.
    const a = round % 2 === 0 ? await runFirst(lifecyclesPerRound) : undefined;
    const b = await runSecond(lifecyclesPerRound);
    ratios.push(b / (a ?? (await runFirst(lifecyclesPerRound))));
  }
  return median(ratios);
}

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const [a, b, roundsArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (a === undefined || b === undefined) {
  console.error('usage: node --import tsx bench/compare-builds.ts <dist-a> <dist-b> [rounds] [--listener]');
  process.exit(2);
}
const rounds = roundsArg === undefined ? 20 : Number(roundsArg);
const listening = flags.includes('--listener');
if (flags.includes('--one-order')) {
  console.log(await oneOrder(a, b, rounds, listening));
  // The runtimes' timers (deadline polling) would keep this child alive.
  process.exit(0);
} else {
  const inChild = (first: string, second: string): number =>
    Number(execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), first, second, String(rounds), '--one-order', ...(listening ? ['--listener'] : [])], { encoding: 'utf8' }).trim());
  const bOverA = inChild(a, b);
  const aOverB = inChild(b, a);
  console.log(`CPU per lifecycle, ${b} / ${a}: ${Math.sqrt(bOverA / aOverB).toFixed(3)}   (imported second: ${bOverA.toFixed(3)}; imported first: ${(1 / aOverB).toFixed(3)})`);
}
