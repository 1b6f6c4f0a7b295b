import { HandoffError, type HandoffIssue } from '../errors.js';
import type { JsonValue } from './store/store.js';

/**
 * The snapshot schema version this library writes. Version 3 keeps a fingerprint with each recent
 * event id; version 2 kept the ids alone.
 */
export const snapshotSchemaVersion = 3;

/** The snapshot schema versions this library reads: its own, and version 2 written before it. */
export const readableSnapshotSchemaVersions: readonly number[] = Object.freeze([2, snapshotSchemaVersion]);

/**
 * What a store holds for a conversation: the runtime's state tagged with the schema that wrote it.
 * A type alias, not an interface, so it stays assignable to `JsonValue`.
 */
export type SnapshotEnvelope<T extends JsonValue = JsonValue> = {
  readonly schemaVersion: number;
  readonly state: T;
};

/** Options of `openSnapshot`: the versions to accept and an optional check of the state's shape. */
export interface OpenSnapshotOptions<T> {
  /** The versions accepted; defaults to `readableSnapshotSchemaVersions`. */
  readonly schemaVersions?: readonly number[];
  /** Validates (and may convert) the state of the version read; a throw makes the snapshot `CORRUPT_SNAPSHOT`. */
  readonly parse?: (state: JsonValue, schemaVersion: number) => T;
}

/** Wraps a state in an envelope tagged with the current schema version, ready for `store.save`. */
export function sealSnapshot<T extends JsonValue>(state: T, schemaVersion: number = snapshotSchemaVersion): SnapshotEnvelope<T> {
  return { schemaVersion, state };
}

/**
 * Unwraps a stored snapshot: `UNSUPPORTED_SNAPSHOT_VERSION` for a well-formed envelope of another
 * schema version, `CORRUPT_SNAPSHOT` for anything else that is not an envelope or fails `parse`.
 * The error names the conversation, so a runtime reports it for that conversation alone.
 */
export function openSnapshot<T = JsonValue>(conversationId: string, stored: JsonValue, options: OpenSnapshotOptions<T> = {}): T {
  const readable = options.schemaVersions ?? readableSnapshotSchemaVersions;
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw snapshotError('CORRUPT_SNAPSHOT', conversationId, [], 'expected an object { schemaVersion, state }');
  }
  const envelope = stored as { readonly schemaVersion?: JsonValue; readonly state?: JsonValue };
  const version = envelope.schemaVersion;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    throw snapshotError('CORRUPT_SNAPSHOT', conversationId, ['schemaVersion'], `expected schemaVersion to be an integer >= 1, got ${JSON.stringify(version ?? null)}`);
  }
  if (!readable.includes(version)) {
    throw snapshotError(
      'UNSUPPORTED_SNAPSHOT_VERSION',
      conversationId,
      ['schemaVersion'],
      `schema version ${version} is not supported; this library reads ${versionList(readable)}`,
    );
  }
  // Checked after the version: another schema version may have another shape.
  const state = envelope.state;
  if (state === undefined) throw snapshotError('CORRUPT_SNAPSHOT', conversationId, ['state'], 'expected a state beside the schemaVersion');
  if (!options.parse) return state as T;
  try {
    return options.parse(state, version);
  } catch (error) {
    // HandoffError and ZodError both carry `issues` in the shape HandoffError attaches unchanged.
    const issues = hasIssues(error) ? error.issues : [];
    const detail = error instanceof Error ? error.message : String(error);
    throw new HandoffError('CORRUPT_SNAPSHOT', `Stored snapshot of conversation "${conversationId}" is corrupt: ${detail}`, issues, { cause: error });
  }
}

/** `version 3`, `versions 2 and 3`, `versions 1, 2 and 3`. */
function versionList(versions: readonly number[]): string {
  if (versions.length < 2) return `version ${versions.join('')}`;
  return `versions ${versions.slice(0, -1).join(', ')} and ${versions.slice(-1).join('')}`;
}

function snapshotError(
  code: 'CORRUPT_SNAPSHOT' | 'UNSUPPORTED_SNAPSHOT_VERSION',
  conversationId: string,
  path: readonly PropertyKey[],
  detail: string,
): HandoffError {
  const what = code === 'CORRUPT_SNAPSHOT' ? 'is corrupt' : 'cannot be read';
  return new HandoffError(code, `Stored snapshot of conversation "${conversationId}" ${what}: ${detail}`, [
    { code: code === 'CORRUPT_SNAPSHOT' ? 'corrupt_snapshot' : 'unsupported_version', path, message: detail },
  ]);
}

function hasIssues(error: unknown): error is { readonly issues: readonly HandoffIssue[] } {
  return typeof error === 'object' && error !== null && 'issues' in error && Array.isArray(error.issues);
}
