// The mark the memory store trusts. The runtime builds every snapshot it saves from JSON data and
// replaces, never changes, what it has saved (XState's context is immutable, and so is the direct
// path's once a step is done). A snapshot so marked can be kept as the object itself and turned into
// JSON text later, or never when it is overwritten first. Anything else a caller saves is copied at once.
import type { JsonValue } from '../json-value.js';

/** A snapshot envelope built by the runtime: JSON by construction, never changed once saved. */
export class RuntimeSnapshot {
  // Makes it a JSON object to the type checker, as it is to JSON.stringify.
  readonly [key: string]: JsonValue;

  constructor(
    readonly schemaVersion: number,
    readonly state: JsonValue,
  ) {}
}
