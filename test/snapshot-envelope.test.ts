import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HandoffError } from '../src/errors.js';
import { openSnapshot, readableSnapshotSchemaVersions, sealSnapshot, snapshotSchemaVersion } from '../src/runtime/snapshot-envelope.js';
import type { JsonValue } from '../src/runtime/store/store.js';

function failure(stored: JsonValue, parse?: (state: JsonValue) => unknown): { code: string; message: string; issues: unknown } {
  try {
    openSnapshot('c7', stored, { parse });
  } catch (error) {
    if (!(error instanceof HandoffError)) throw error;
    return { code: error.code, message: error.message, issues: error.issues };
  }
  throw new Error('expected openSnapshot to throw');
}

describe('snapshot envelope', () => {
  it('round-trips a state through seal and open at the current schema version', () => {
    const sealed = sealSnapshot({ machine: { value: 'queued' }, recentEventIds: ['e1'] });
    expect(sealed.schemaVersion).toBe(snapshotSchemaVersion);
    expect(openSnapshot('c1', JSON.parse(JSON.stringify(sealed)) as JsonValue)).toEqual({ machine: { value: 'queued' }, recentEventIds: ['e1'] });
  });

  it('writes schema 3 and reads schemas 2 and 3, telling parse which one it read', () => {
    expect(snapshotSchemaVersion).toBe(3);
    expect(readableSnapshotSchemaVersions).toEqual([2, 3]);
    const read = (schemaVersion: number) => openSnapshot('c1', { schemaVersion, state: { n: 1 } }, { parse: (state, version) => ({ state, version }) });
    expect(read(2)).toEqual({ state: { n: 1 }, version: 2 });
    expect(read(3)).toEqual({ state: { n: 1 }, version: 3 });
  });

  it('reports another schema version as UNSUPPORTED_SNAPSHOT_VERSION, whatever its shape', () => {
    expect(failure({ schemaVersion: 4, machine: {} })).toMatchInlineSnapshot(`
      {
        "code": "UNSUPPORTED_SNAPSHOT_VERSION",
        "issues": [
          {
            "code": "unsupported_version",
            "message": "schema version 4 is not supported; this library reads versions 2 and 3",
            "path": [
              "schemaVersion",
            ],
          },
        ],
        "message": "Stored snapshot of conversation "c7" cannot be read: schema version 4 is not supported; this library reads versions 2 and 3",
      }
    `);
    expect(failure({ schemaVersion: 1, state: {} }).code).toBe('UNSUPPORTED_SNAPSHOT_VERSION');
  });

  it('reports non-envelopes, bad versions and missing states as CORRUPT_SNAPSHOT naming the conversation', () => {
    expect(failure(null).message).toBe('Stored snapshot of conversation "c7" is corrupt: expected an object { schemaVersion, state }');
    expect(failure([1]).code).toBe('CORRUPT_SNAPSHOT');
    expect(failure({ state: {} }).message).toBe('Stored snapshot of conversation "c7" is corrupt: expected schemaVersion to be an integer >= 1, got null');
    expect(failure({ schemaVersion: '1', state: {} }).code).toBe('CORRUPT_SNAPSHOT');
    expect(failure({ schemaVersion: snapshotSchemaVersion }).message).toBe('Stored snapshot of conversation "c7" is corrupt: expected a state beside the schemaVersion');
  });

  it('validates the state with parse and keeps zod issues unchanged on failure', () => {
    const schema = z.object({ machine: z.object({ value: z.string() }) });
    expect(openSnapshot('c1', sealSnapshot({ machine: { value: 'idle' } }), { parse: (state) => schema.parse(state) })).toEqual({ machine: { value: 'idle' } });
    const problem = failure(sealSnapshot({ machine: { value: 3 } }), (state) => schema.parse(state));
    expect(problem.code).toBe('CORRUPT_SNAPSHOT');
    expect(problem.issues).toMatchObject([{ code: 'invalid_type', path: ['machine', 'value'] }]);
  });
});
