// How compiled conditions read facts: one loader per distinct value (fact, path, params), so each
// value is read at most once per decision, whichever conditions share it.
import { agentsAvailableFact, withinBusinessHoursFact } from '../rules/dynamic-facts.js';
import { parsePropertyPath, type PathSegment } from '../rules/property-path.js';
import type { FactCondition } from '../rules/rule-schema.js';
import type { Loader } from './decision.js';
import { valueAtPath } from './facts.js';

/** Value slots of a compiled rule set: one per distinct fact, path and params the conditions read. */
export class SlotTable {
  readonly loaders: Loader[] = [];
  usesDynamicFacts = false;
  private readonly byKey = new Map<string, number>();

  /** The slot of the value `condition` reads, added with its loader on first use. */
  slotOf(condition: FactCondition): number {
    const segments = condition.path === undefined ? undefined : parsePropertyPath(condition.path);
    if (condition.path !== undefined && !segments) throw new Error(`agent-handoff: unvalidated path ${condition.path}`);
    const key = JSON.stringify([condition.fact, segments ?? null, condition.params ?? null]);
    let slot = this.byKey.get(key);
    if (slot === undefined) {
      slot = this.loaders.length;
      this.loaders.push(this.loader(condition, segments));
      this.byKey.set(key, slot);
    }
    return slot;
  }

  private loader(condition: FactCondition, segments: readonly PathSegment[] | undefined): Loader {
    const name = condition.fact;
    let read: Loader;
    // A fact given in the facts object wins over the computed one, as a runtime fact does in json-rules-engine.
    if (name === withinBusinessHoursFact) {
      this.usesDynamicFacts = true;
      read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.withinBusinessHours());
    } else if (name === agentsAvailableFact && condition.params) {
      this.usesDynamicFacts = true;
      const query = condition.params;
      const key = JSON.stringify(query);
      read = (f, s) => (Object.hasOwn(f, name) ? f[name] : s.agentsAvailable(key, query));
    } else {
      read = (f) => (Object.hasOwn(f, name) ? f[name] : undefined);
    }
    if (!segments) return read;
    const [only] = segments;
    if (segments.length === 1 && only !== undefined) {
      // The common `$.key`, unrolled: json-rules-engine follows the path only into objects.
      return (f, s) => {
        const value = read(f, s);
        if (value === null || typeof value !== 'object') return value;
        return Object.hasOwn(value, only) ? (value as Record<PathSegment, unknown>)[only] : undefined;
      };
    }
    return (f, s) => valueAtPath(read(f, s), segments);
  }
}
