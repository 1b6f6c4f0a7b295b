import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid } from '../src/masking/detectors.js';
import { buildHandoffPayload } from '../src/payload/build-payload.js';
import { handoffPayloadSchema } from '../src/payload/payload-schema.js';
import { arbitraryHandoffConfig } from '../src/testing/arbitraries/config.arbitrary.js';
import { arbitraryHandoffCase, arbitraryHandoffPayload, arbitraryInvocation } from '../src/testing/arbitraries/handoff.arbitrary.js';
import { arbitraryConversation } from '../src/testing/arbitraries/conversation.arbitrary.js';
import { arbitraryCardNumber } from '../src/testing/arbitraries/masking.arbitrary.js';

const now = () => new Date('2026-01-01T00:00:00.000Z');

describe('payload properties', () => {
  it('builds, from any valid input, a payload that passes the payload schema and keeps every declared parameter supplied', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryHandoffCase(), async ({ config, conversation, invocation }) => {
        const payload = await buildHandoffPayload(config, conversation, invocation, { now });
        expect(handoffPayloadSchema.safeParse(payload).success).toBe(true);
        expect(handoffPayloadSchema.safeParse(JSON.parse(JSON.stringify(payload))).success).toBe(true);

        const supplied = invocation.parameters ?? {};
        for (const parameter of config.event.llmParameters) {
          const value = supplied[parameter.name];
          if (value !== undefined && value !== null) expect(payload.parameters).toHaveProperty([parameter.name]);
        }
        for (const parameter of config.event.systemParameters) {
          if (parameter.onMissing !== 'omit') expect(payload.parameters).toHaveProperty([parameter.key]);
        }
        if (config.event.undeclaredParameters === 'keep') {
          for (const name of Object.keys(supplied)) if (supplied[name] !== null) expect(payload.parameters).toHaveProperty([name]);
        }
        expect(payload.context.steps[config.event.automationNode]).toEqual(payload.parameters);
        expect(payload.automationNode).toBe(config.event.automationNode);
        expect(payload.reason).toBe(invocation.reason);
      }),
      { numRuns: 150 },
    );
  });

  it('sends declared parameters unchanged when masking is off', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryHandoffCase(), async ({ config, conversation, invocation }) => {
        config.event.masking.enabled = false;
        const payload = await buildHandoffPayload(config, conversation, invocation, { now });
        for (const parameter of config.event.llmParameters) {
          const value = invocation.parameters?.[parameter.name];
          if (value !== undefined && value !== null) expect(JSON.stringify(payload.parameters[parameter.name])).toBe(JSON.stringify(value));
        }
      }),
      { numRuns: 75 },
    );
  });

  it('never sends a card number from the transcript or a string parameter when masking is on', async () => {
    const config = arbitraryHandoffConfig({ prerequisites: 'met', channels: ['chat'] }).map((c) => {
      c.event.masking = { ...c.event.masking, enabled: true, cardNumbers: true, unmaskedParameters: [] };
      c.event.undeclaredParameters = 'keep';
      return c;
    });
    const textWithCard = fc.tuple(fc.string({ maxLength: 10 }), arbitraryCardNumber(), fc.string({ maxLength: 10 })).map(([a, card, b]) => `${a} ${card} ${b}`);
    await fc.assert(
      fc.asyncProperty(
        config.chain((c) => fc.record({ c: fc.constant(c), invocation: arbitraryInvocation(c), conversation: arbitraryConversation({ channels: ['chat'], text: textWithCard }), note: textWithCard })),
        async ({ c, invocation, conversation, note }) => {
          c.event.systemParameters = [];
          const payload = await buildHandoffPayload(c, conversation, { ...invocation, parameters: { ...invocation.parameters, zzNote: note } }, { now });
          const digitsRuns = JSON.stringify(payload).match(/\d(?:[ \-\u00a0]?\d)*/g) ?? [];
          for (const run of digitsRuns) {
            for (const group of run.split(/[ \-\u00a0]/)) if (group.length >= 13 && group.length <= 19) expect(luhnValid(group)).toBe(false);
          }
          expect(payload.parameters.zzNote).toContain('[card]');
        },
      ),
      { numRuns: 75 },
    );
  });
});

describe('payload arbitrary', () => {
  it('produces payloads that pass the payload schema, with or without a config', () => {
    fc.assert(
      fc.property(fc.option(arbitraryHandoffConfig(), { nil: undefined }).chain((config) => arbitraryHandoffPayload(config)), (payload) => {
        expect(handoffPayloadSchema.safeParse(payload).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
