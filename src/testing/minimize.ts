import type { RoutingFacts } from './facts.arbitrary.js';
import { setOwn } from '../set-own.js';

/**
 * Removes what `keeps` does not need from a facts object: top-level facts first, then keys of
 * nested objects and items of arrays, one at a time, keeping each removal after which `keeps`
 * still holds. The result is minimal in that no single key or item can go; it costs one call of
 * `keeps` per key and item, where shrinking the generator's choices would cost hundreds of
 * generations on a large rule set.
 */
export async function minimizeFacts(facts: RoutingFacts, keeps: (facts: RoutingFacts) => Promise<boolean>): Promise<RoutingFacts> {
  let current: RoutingFacts = structuredClone(facts);
  const attempt = async (candidate: RoutingFacts): Promise<boolean> => {
    if (!(await keeps(candidate))) return false;
    current = candidate;
    return true;
  };
  for (const key of Object.keys(current)) {
    const without = { ...current };
    Reflect.deleteProperty(without, key);
    await attempt(without);
  }
  for (const key of Object.keys(current)) await minimizeInside(() => current, [key], attempt);
  return current;
}

type Step = string | number;

// Tries removing each key (or array item) below `path`, depth first.
async function minimizeInside(current: () => RoutingFacts, path: readonly Step[], attempt: (candidate: RoutingFacts) => Promise<boolean>): Promise<void> {
  const value = at(current(), path);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = value.length - 1; i >= 0; i--) {
      const items = at(current(), path) as unknown[];
      await attempt(replaced(current(), path, items.filter((_, k) => k !== i)));
    }
  } else {
    for (const key of Object.keys(value)) {
      const object = { ...(at(current(), path) as Record<string, unknown>) };
      Reflect.deleteProperty(object, key);
      await attempt(replaced(current(), path, object));
    }
  }
  const after = at(current(), path);
  if (after !== null && typeof after === 'object') for (const key of Object.keys(after)) await minimizeInside(current, [...path, Array.isArray(after) ? Number(key) : key], attempt);
}

function at(root: unknown, path: readonly Step[]): unknown {
  let value = root;
  for (const step of path) value = value !== null && typeof value === 'object' ? (value as Record<Step, unknown>)[step] : undefined;
  return value;
}

// A copy of `root` with the value at `path` replaced (copies along the path only).
function replaced(root: RoutingFacts, path: readonly Step[], value: unknown): RoutingFacts {
  const [head, ...rest] = path;
  if (head === undefined) return root;
  const copy = (node: unknown, steps: readonly Step[]): unknown => {
    const [step, ...more] = steps;
    if (step === undefined) return value;
    if (Array.isArray(node)) return (node as unknown[]).map((item, i) => (i === step ? copy(item, more) : item));
    const out: Record<string, unknown> = { ...(node as Record<string, unknown>) };
    setOwn(out, String(step), copy(out[String(step)], more));
    return out;
  };
  const out = { ...root };
  setOwn(out, String(head), copy(root[String(head)], rest));
  return out;
}
