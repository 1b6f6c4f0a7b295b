// A Mermaid `stateDiagram-v2` generated from a machine definition: state nodes, initial states,
// final states, and every transition with a target (events, timeouts, invoke done/error, always).
import type { AnyStateMachine } from 'xstate';

/** The parts of an XState state node the generator reads. */
interface NodeLike {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly initial?: { readonly target?: readonly NodeLike[] } | undefined;
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly always?: readonly TransitionLike[] | undefined;
  readonly invoke: readonly { readonly id: string; readonly src: unknown }[];
}

/** The parts of an XState transition definition the generator reads. */
interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly reenter?: boolean;
}

/** Options of `toMermaid`. */
export interface MermaidOptions {
  /**
   * The guard that marks a `clock.tick` transition as the expiry of a named timer, such as
   * `isDue` with params `{ timer }`: such transitions are labelled `after <timer>`.
   */
  readonly timerGuard?: string;
}

const mermaidId = (node: NodeLike, rootId: string): string =>
  node.id === rootId ? '[*]' : node.id.slice(rootId.length + 1).replace(/[^A-Za-z0-9_]/g, '_');

function paramsText(params: unknown): string {
  if (params === undefined || params === null) return '';
  if (typeof params === 'object') {
    const values = Object.values(params as Record<string, unknown>).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
    return `(${values.join(', ')})`;
  }
  return `(${JSON.stringify(params)})`;
}

interface GuardText {
  readonly timer?: string;
  readonly text?: string;
}

/** Describes a guard: a named guard, a parameterized one, `not`/`and`/`or` of those, or an inline function by its name. */
function describeGuard(guard: unknown, timerGuard: string | undefined): GuardText {
  if (guard === undefined) return {};
  if (typeof guard === 'string') return { text: guard };
  if (typeof guard === 'function') {
    const fn = guard as { name: string; guards?: unknown[] };
    if (Array.isArray(fn.guards) && ['not', 'and', 'or'].includes(fn.name)) {
      const parts = fn.guards.map((g) => describeGuard(g, timerGuard));
      const timer = parts.find((p) => p.timer !== undefined)?.timer;
      const texts = parts.flatMap((p) => (p.text === undefined ? [] : [p.text]));
      if (fn.name === 'not') return { ...(timer !== undefined ? { timer } : {}), text: `!${texts[0] ?? ''}` };
      const joined = texts.join(fn.name === 'and' ? ' && ' : ' || ');
      return { ...(timer !== undefined ? { timer } : {}), ...(joined ? { text: joined } : {}) };
    }
    return { text: fn.name || 'guard' };
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const { type, params } = guard as { type: string; params?: unknown };
    if (type === timerGuard && typeof params === 'object' && params !== null && 'timer' in params) {
      return { timer: String(params.timer) };
    }
    return { text: `${type}${paramsText(params)}` };
  }
  return { text: 'guard' };
}

/** True when two transitions answer the same timer (or neither is a timer transition). */
function sameTimer(a: TransitionLike, b: TransitionLike, timerGuard: string | undefined): boolean {
  return describeGuard(a.guard, timerGuard).timer === describeGuard(b.guard, timerGuard).timer;
}

const negate = (text: string): string => (text.startsWith('!') && !text.includes(' ') ? text.slice(1) : text.includes(' ') ? `!(${text})` : `!${text}`);

/**
 * The label of a transition: its event (timeouts and invoke results spelled out) and its guard. An
 * unguarded transition after guarded siblings is their `else`; when those siblings are all hidden
 * (targetless), it shows their negation instead, so the picture still says when it is taken.
 */
function label(transition: TransitionLike, timerGuard: string | undefined, always: boolean, before: readonly TransitionLike[], actorName: (id: string) => string): string {
  const described = describeGuard(transition.guard, timerGuard);
  let guard = described;
  if (described.text === undefined && before.length > 0) {
    const hidden = before.every((t) => (t.target ?? []).length === 0);
    const texts = before.flatMap((t) => {
      const text = describeGuard(t.guard, timerGuard).text;
      return text === undefined ? [] : [negate(text)];
    });
    guard = { ...described, text: hidden && texts.length > 0 ? texts.join(' && ') : 'else' };
  }
  let event = always ? 'always' : transition.eventType;
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  const done = /^xstate\.done\.actor\.(.+)$/.exec(event);
  const error = /^xstate\.error\.actor\.(.+)$/.exec(event);
  if (guard.timer !== undefined) event = `after ${guard.timer}`;
  else if (after) event = `after ${after[1] ?? ''}`;
  else if (done) event = `${actorName(done[1] ?? '')} done`;
  else if (error) event = `${actorName(error[1] ?? '')} error`;
  return guard.text === undefined ? event : `${event} [${guard.text}]`;
}

/**
 * Prints a machine as a Mermaid `stateDiagram-v2`, walking its definition: never hand-written, so
 * the picture cannot drift from the code. Targetless transitions (bookkeeping, ignored events) are left out.
 * @example
 * const text = toMermaid(handoffMachine, { timerGuard: 'isDue' });
 */
export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const root = machine.root as unknown as NodeLike;
  const lines: string[] = ['stateDiagram-v2'];
  const edges: string[] = [];
  const seen = new Set<string>();
  const id = (node: NodeLike) => mermaidId(node, root.id);

  const addEdges = (node: NodeLike): void => {
    // Invoke results are named after the invoked logic (`src`), not the generated invoke id.
    const actorName = (invokeId: string): string => {
      const src = node.invoke.find((inv) => inv.id === invokeId)?.src;
      return typeof src === 'string' ? src : invokeId;
    };
    const all: [TransitionLike, boolean][] = [
      ...[...node.transitions.values()].flat().map((t): [TransitionLike, boolean] => [t, false]),
      ...(node.always ?? []).map((t): [TransitionLike, boolean] => [t, true]),
    ];
    all.forEach(([transition, always], index) => {
      const before = all
        .slice(0, index)
        .filter(([t, a]) => a === always && t.eventType === transition.eventType && sameTimer(t, transition, options.timerGuard) && t.guard !== undefined)
        .map(([t]) => t);
      for (const target of transition.target ?? []) {
        const edge = `  ${id(node)} --> ${id(target)} : ${label(transition, options.timerGuard, always, before, actorName)}`;
        if (!seen.has(edge)) {
          seen.add(edge);
          edges.push(edge);
        }
      }
    });
  };

  const walk = (node: NodeLike, indent: string): void => {
    const children = Object.values(node.states);
    const initial = node.initial?.target?.[0];
    if (initial) lines.push(`${indent}[*] --> ${id(initial)}`);
    for (const child of children) {
      lines.push(`${indent}state "${child.key}" as ${id(child)}`);
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state ${id(child)} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      }
      if (child.type === 'final') lines.push(`${indent}${id(child)} --> [*]`);
      addEdges(child);
    }
  };

  walk(root, '  ');
  return [...lines, ...edges].join('\n') + '\n';
}
