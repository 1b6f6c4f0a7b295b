// What a conversation remembers of an event beside its id: a short digest of the event as the host
// sent it. A redelivery digests the same; another event sent under the same id does not.
import { createHash } from 'node:crypto';
import type { HandoffEvent } from '../../machines/handoff.types.js';

/**
 * Characters of the base64url sha-256 kept (66 bits): stored with every recent id, so short, and
 * still far too long for two different events under one id to match by chance.
 */
export const eventFingerprintLength = 11;

/**
 * The fingerprint of a validated host event (before the runtime stamps `at`): a truncated sha-256
 * of its canonical JSON, so the key order of its `parameters` or `result` does not change it.
 */
export function eventFingerprint(event: HandoffEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('base64url').slice(0, eventFingerprintLength);
}

/**
 * JSON with every object's keys in sorted order and undefined members left out, as `JSON.stringify`
 * leaves them out. The value is a validated event: JSON data with finite numbers and no cycles.
 */
export function canonicalJson(value: unknown): string {
  // As in JSON.stringify's arrays; a validated event holds no undefined but its optional members.
  if (value === undefined) return 'null';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Readonly<Record<string, unknown>>;
  let members = '';
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members += `${members === '' ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `{${members}}`;
}
