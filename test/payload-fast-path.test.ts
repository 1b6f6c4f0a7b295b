import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defaultHandoffConfig } from '../src/config/default-config.js';
import { buildHandoffPayload } from '../src/payload/build-payload.js';
import { readConversation, readInvocation, readParameters } from '../src/payload/fast-parse.js';
import { fourDigitIsoTimestamp } from '../src/payload/iso-timestamp.js';
import { conversationSchema, handoffInvocationSchema, handoffPayloadSchema, type ConversationInput } from '../src/payload/payload-schema.js';
import { arbitraryConversation } from '../src/testing/arbitraries/conversation.arbitrary.js';
import { arbitraryJsonObject } from '../src/testing/arbitraries/json.arbitrary.js';
import { errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';

/**
 * Everything a caller could tell apart in a value: prototypes, own keys in order with their
 * attributes, and which objects are the same object (numbered in order of first appearance).
 */
function structure(value: unknown, ids = new Map<object, number>()): unknown {
  if (typeof value !== 'object' || value === null) return Object.is(value, -0) ? '-0' : value;
  const id = ids.get(value);
  if (id !== undefined) return { same: id };
  ids.set(value, ids.size);
  const proto: unknown = Object.getPrototypeOf(value);
  const kind = proto === Object.prototype ? 'object' : proto === Array.prototype ? 'array' : proto === null ? 'null-prototype' : 'other';
  return [kind, ...Reflect.ownKeys(value).map((key) => [String(key), structure(Reflect.get(value, key), ids), Object.getOwnPropertyDescriptor(value, key)?.enumerable])];
}

/** Asserts that a fast reader agrees with its schema: the same output, or "not sure". */
function expectAgreement(read: (input: unknown) => unknown, schema: z.ZodType, input: () => unknown): void {
  const fast = read(input());
  const parsed = schema.safeParse(input());
  if (fast === undefined) return;
  expect(parsed.success).toBe(true);
  expect(structure(fast)).toEqual(structure(parsed.data));
}

const symbolKey = Symbol('host');
const shared = { firstName: 'Ada' };
// Inputs a host could pass that a JSON-shaped test would never produce.
const awkwardRecords: readonly (() => unknown)[] = [
  () => JSON.parse('{"__proto__":{"x":1},"a":1}') as unknown,
  () => ({ a: JSON.parse('{"__proto__":{"x":1},"b":2}') as unknown }),
  () => ({ [symbolKey]: 1, a: 1 }),
  () => Object.defineProperty({ a: 1 }, symbolKey, { value: 1, enumerable: false }),
  () => Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
  () => Object.assign(Object.create(null) as object, { a: { b: 1 } }),
  () => ({ a: Object.assign(Object.create(null) as object, { b: 1 }) }),
  () => Object.assign(Object.create({ inherited: 1 }) as object, { a: 1 }),
  () => ({ when: new Date(0) }),
  () => ({ list: Object.assign([1, 2], { extra: 3 }) }),
  () => ({ x: shared, y: shared, z: [shared, shared] }),
  () => {
    const list = [1, 2];
    return { a: list, b: [list] };
  },
  () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    return { cycle };
  },
  () => ({ deep: Array.from({ length: 70 }).reduce<unknown>((inner) => ({ inner }), 'bottom') }),
  () => ({ n: Number.NaN, m: Number.POSITIVE_INFINITY }),
  () => ({ zero: -0, u: undefined }),
  () => ({ f: () => 1 }),
  () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    return { sparse };
  },
  () => Object.defineProperty({}, 'g', { get: () => 'from a getter', enumerable: true }),
  () => ({ constructor: 'not a function', toString: 'neither' }),
  () => ({ constructor: () => 1 }),
  () => ({ 2: 'two', b: 1, 1: 'one' }),
  () => [1],
  () => null,
  () => 'text',
];

describe('the fast readers agree with the schemas', () => {
  it('reads any valid conversation as conversationSchema parses it', () => {
    fc.assert(
      fc.property(arbitraryConversation(), (conversation) => {
        expect(readConversation(conversation)).toBeDefined();
        expectAgreement(readConversation, conversationSchema, () => structuredClone(conversation));
      }),
    );
  });

  it('reads an awkward conversation as the schema does, or leaves it to the schema', () => {
    const base = (): Record<string, unknown> => ({ sessionId: 's', userId: 'u', channel: 'chat', language: 'en' });
    const edits: readonly ((c: Record<string, unknown>) => void)[] = [
      ...awkwardRecords.flatMap((record) => [(c: Record<string, unknown>) => void (c.memory = record()), (c: Record<string, unknown>) => void (c.context = { session: record() })]),
      (c) => void (c.sessionId = ''),
      (c) => void (c.userId = 5),
      (c) => delete c.language,
      (c) => void (c.extra = 1),
      (c) => void Object.assign(c, { [symbolKey]: 1 }),
      (c) => void (c.memory = undefined),
      (c) => void (c.transcript = undefined),
      (c) => void (c.transcript = []),
      (c) => void (c.transcript = [{ role: 'user', text: 'hi', at: undefined }]),
      (c) => void (c.transcript = [{ text: 'hi', role: 'ai', at: '2026-01-01T00:00:00+02:00' }]),
      (c) => void (c.transcript = [{ role: 'user', text: 'hi', at: '2026-02-30T00:00:00Z' }]),
      (c) => void (c.transcript = [{ role: 'user', text: 'hi', at: '2026-01-01T00:00:00' }]),
      (c) => void (c.transcript = [{ role: 'bot', text: 'hi' }]),
      (c) => void (c.transcript = [{ role: 'user', text: 'hi', extra: 1 }]),
      (c) => void (c.transcript = [{ role: 'user', text: 'hi', [symbolKey]: 1 }]),
      (c) => {
        const entry = { role: 'user', text: 'twice' };
        c.transcript = [entry, entry];
      },
      (c) => void (c.memory = { back: c }),
    ];
    for (const edit of edits) {
      expectAgreement(readConversation, conversationSchema, () => {
        const conversation = base();
        edit(conversation);
        return conversation;
      });
    }
    expectAgreement(readConversation, conversationSchema, () => Object.assign(Object.create({ extra: 1 }) as object, base()));
    expectAgreement(readConversation, conversationSchema, () => [base()]);
  });

  it('reads an invocation and processor parameters as their schemas do, or leaves them to the schemas', () => {
    const parametersSchema = z.record(z.string(), z.json());
    fc.assert(
      fc.property(arbitraryJsonObject(3), (parameters) => {
        expect(readParameters(parameters)).toBeDefined();
        expectAgreement(readParameters, parametersSchema, () => structuredClone(parameters));
        expectAgreement(readInvocation, handoffInvocationSchema, () => ({ reason: 'other', parameters: structuredClone(parameters) }));
      }),
    );
    for (const record of awkwardRecords) {
      expectAgreement(readParameters, parametersSchema, record);
      expectAgreement(readInvocation, handoffInvocationSchema, () => ({ reason: 'policy', parameters: record() }));
    }
    for (const invocation of [{ reason: 'other' }, { reason: 'other', parameters: undefined }, { reason: 'bored' }, { reason: 'other', extra: 1 }, null]) {
      expectAgreement(readInvocation, handoffInvocationSchema, () => structuredClone(invocation));
    }
  });

  it('reads against the schemas as they were written: change a schema, then the reader beside it', () => {
    // A fingerprint of what the schemas accept. When it changes, make src/payload/fast-parse.ts
    // accept exactly what the changed schema accepts before updating the fingerprint.
    const fingerprint = (schema: z.ZodType): string => createHash('sha256').update(JSON.stringify(z.toJSONSchema(schema, { io: 'input' }))).digest('hex').slice(0, 16);
    expect({
      conversation: fingerprint(conversationSchema),
      invocation: fingerprint(handoffInvocationSchema),
      payload: fingerprint(handoffPayloadSchema),
    }).toMatchInlineSnapshot(`
      {
        "conversation": "63924a9438533748",
        "invocation": "e008bb6adf08ba69",
        "payload": "5c9d4b4f6f73e24b",
      }
    `);
  });
});

describe('the built payload', () => {
  const conversation = (): ConversationInput => ({ sessionId: 's-1', userId: 'u-1', channel: 'chat', language: 'en', memory: { userProfile: { firstName: 'Ada' } } });
  const invocation = { reason: 'user_requested', parameters: { interactionSummary: 'Wants a refund.', sentiment: 'negative' } } as const;
  const now = () => new Date('2026-03-02T09:30:00.000Z');

  it('is what the payload schema would return: the step view shares no object with the parameters', async () => {
    const config = defaultHandoffConfig();
    config.event.undeclaredParameters = 'keep';
    config.event.masking.unmaskedParameters = ['interactionSummary'];
    const order = { id: 'A-1', lines: [{ sku: 'x' }] };
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'other', parameters: { ...invocation.parameters, order, again: order } }, { now });
    expect(structure(payload)).toEqual(structure(handoffPayloadSchema.parse(payload)));
    const step = payload.context.steps.LiveAgentHandoff;
    expect(step).toEqual(payload.parameters);
    expect(step?.order).not.toBe(payload.parameters.order);
  });

  it('still fails with INVALID_PAYLOAD for what only the payload schema used to catch', async () => {
    const farFuture = await rejectedHandoffError(buildHandoffPayload(defaultHandoffConfig(), conversation(), invocation, { now: () => new Date('+010000-01-01T00:00:00.000Z') }));
    expect(errorShape(farFuture)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PAYLOAD",
        "issues": [
          {
            "code": "invalid_format",
            "message": "Invalid ISO datetime",
            "path": "firedAt",
          },
        ],
        "message": "Invalid handoff payload: $.firedAt: Invalid ISO datetime",
      }
    `);

    const edited = defaultHandoffConfig();
    Object.assign(edited.event.systemParameters[3] ?? {}, { value: Number.NaN });
    const notJson = await rejectedHandoffError(buildHandoffPayload(edited, conversation(), invocation, { now }));
    expect(errorShape(notJson)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PAYLOAD",
        "issues": [
          {
            "code": "invalid_union",
            "message": "Invalid input",
            "path": "parameters.source",
          },
          {
            "code": "invalid_union",
            "message": "Invalid input",
            "path": "context.steps.LiveAgentHandoff.source",
          },
        ],
        "message": "Invalid handoff payload: $.parameters.source: Invalid input (and 1 more)",
      }
    `);

    const transcript = [{ role: 'user' as const, text: 'hi' }];
    const rewritten = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), { ...conversation(), transcript }, invocation, {
        now,
        processor: (_parameters, context) => {
          Object.assign(context.conversation, { sessionId: '' });
          Object.assign(context.conversation.transcript?.[0] ?? {}, { at: 'yesterday' });
          return undefined;
        },
      }),
    );
    expect(errorShape(rewritten)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PAYLOAD",
        "issues": [
          {
            "code": "too_small",
            "message": "Too small: expected string to have >=1 characters",
            "path": "sessionId",
          },
          {
            "code": "invalid_format",
            "message": "Invalid ISO datetime",
            "path": "transcript.0.at",
          },
        ],
        "message": "Invalid handoff payload: $.sessionId: Too small: expected string to have >=1 characters (and 1 more)",
      }
    `);
  });

  it('stamps firedAt exactly as toISOString does, and uses a clock date that formats itself', async () => {
    class ShiftedDate extends Date {
      override toISOString(): string {
        return '2026-03-02T10:30:00+01:00';
      }
    }
    const payload = await buildHandoffPayload(defaultHandoffConfig(), conversation(), invocation, { now: () => new ShiftedDate(0) });
    expect(payload.firedAt).toBe('2026-03-02T10:30:00+01:00');
    fc.assert(
      fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
        const formatted = fourDigitIsoTimestamp(date);
        expect(formatted).toBe(date.toISOString());
        expect(handoffPayloadSchema.shape.firedAt.safeParse(formatted).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(fourDigitIsoTimestamp(new Date('+010000-01-01T00:00:00.000Z'))).toBeUndefined();
    expect(fourDigitIsoTimestamp(new Date('-000001-12-31T23:59:59.999Z'))).toBeUndefined();
  });
});
