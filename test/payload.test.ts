import { describe, expect, it } from 'vitest';
import { defaultHandoffConfig } from '../src/config/default-config.js';
import { loadHandoffConfig } from '../src/config/load-config.js';
import { HandoffError } from '../src/errors.js';
import { buildHandoffPayload, type HandoffEventProcessor } from '../src/payload/build-payload.js';
import { resolveHandoffMessage } from '../src/payload/handoff-message.js';
import { handoffPayloadSchema, type ConversationInput } from '../src/payload/payload-schema.js';
import { errorShape, rejectedHandoffError } from './support/catch-handoff-error.js';
import { enabledConfigInput } from './support/handoff-config.js';

const now = () => new Date('2026-03-02T09:30:00.000Z');

const conversation = (): ConversationInput => ({
  sessionId: 'sess-1',
  userId: 'user-42',
  channel: 'chat',
  language: 'en',
  memory: { userProfile: { firstName: 'Ada', tier: 'gold', email: 'ada@example.com' } },
  context: { session: { locale: 'en-GB', cartTotal: 129.5 } },
  transcript: [
    { role: 'user', text: 'I was charged twice on card 4111 1111 1111 1111', at: '2026-03-02T09:29:00Z' },
    { role: 'ai', text: 'I can see two charges. Let me get a colleague.' },
    { role: 'user', text: 'Call me on +44 20 7946 0958 or mail ada@example.com' },
  ],
});

const declared = { interactionSummary: 'Double charge on a card; refund needed.', sentiment: 'frustrated' };

describe('buildHandoffPayload', () => {
  it('builds the payload: conversation fields, reason, masked parameters and transcript, and the context.steps view', async () => {
    const payload = await buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'capability_gap', parameters: declared }, { now });
    expect(handoffPayloadSchema.parse(payload)).toEqual(payload);
    expect(payload).toMatchInlineSnapshot(`
      {
        "automationNode": "LiveAgentHandoff",
        "channel": "chat",
        "context": {
          "steps": {
            "LiveAgentHandoff": {
              "customerTier": "gold",
              "firstName": "Ada",
              "interactionSummary": "Double charge on a card; refund needed.",
              "locale": "en-GB",
              "sentiment": "frustrated",
              "source": "agentic-app",
            },
          },
        },
        "firedAt": "2026-03-02T09:30:00.000Z",
        "language": "en",
        "parameters": {
          "customerTier": "gold",
          "firstName": "Ada",
          "interactionSummary": "Double charge on a card; refund needed.",
          "locale": "en-GB",
          "sentiment": "frustrated",
          "source": "agentic-app",
        },
        "reason": "capability_gap",
        "sessionId": "sess-1",
        "transcript": [
          {
            "at": "2026-03-02T09:29:00Z",
            "role": "user",
            "text": "I was charged twice on card [card]",
          },
          {
            "role": "ai",
            "text": "I can see two charges. Let me get a colleague.",
          },
          {
            "role": "user",
            "text": "Call me on [phone] or mail [email]",
          },
        ],
        "userId": "user-42",
      }
    `);
  });

  it('fails with MISSING_PARAMETERS naming every missing required parameter at once, null counting as missing', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'user_requested', parameters: { sentiment: null } }),
    );
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "MISSING_PARAMETERS",
        "issues": [
          {
            "code": "missing_parameter",
            "message": "Expected the required parameter 'interactionSummary': Two or three sentences on what the user wants and what has been tried so far, for the human agent.",
            "path": "parameters.interactionSummary",
          },
          {
            "code": "missing_parameter",
            "message": "Expected the required parameter 'sentiment': The user's sentiment at the moment of handoff.",
            "path": "parameters.sentiment",
          },
        ],
        "message": "Missing required parameter(s) interactionSummary, sentiment: collect them and fire the event again.",
      }
    `);
  });

  it('reports wrong types and values with the missing ones, so the model can fix everything in one turn', async () => {
    const config = loadHandoffConfig(
      enabledConfigInput({
        llmParameters: [
          { name: 'summary', description: 'What the user wants' },
          { name: 'sentiment', description: 'How the user feels', enum: ['calm', 'upset'] },
          { name: 'attempts', description: 'How often the AI failed', type: 'integer' },
          { name: 'details', description: 'Order details', type: 'object', required: false },
        ],
      }),
    );
    const error = await rejectedHandoffError(
      buildHandoffPayload(config, conversation(), { reason: 'repeated_failure', parameters: { sentiment: 'angry', attempts: 2.5, details: [] } }),
    );
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "MISSING_PARAMETERS",
        "issues": [
          {
            "code": "missing_parameter",
            "message": "Expected the required parameter 'summary': What the user wants",
            "path": "parameters.summary",
          },
          {
            "code": "invalid_value",
            "message": "Expected 'sentiment' to be one of "calm" | "upset", received "angry"",
            "path": "parameters.sentiment",
          },
          {
            "code": "invalid_type",
            "message": "Expected 'attempts' to be an integer, received number",
            "path": "parameters.attempts",
          },
          {
            "code": "invalid_type",
            "message": "Expected 'details' to be an object, received array",
            "path": "parameters.details",
          },
        ],
        "message": "Missing required parameter(s) summary: collect them and fire the event again. Also 3 other parameter problem(s), listed in issues.",
      }
    `);
  });

  it('fails with INVALID_PARAMETERS when nothing is missing but something is wrong', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'user_requested', parameters: { ...declared, sentiment: 3 } }),
    );
    expect(error.code).toBe('INVALID_PARAMETERS');
    expect(error.issues.map((i) => i.code)).toEqual(['invalid_type']);
  });

  it('leaves an absent optional parameter out of the payload', async () => {
    const payload = await buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'user_requested', parameters: { ...declared, topic: null } });
    expect(payload.parameters).not.toHaveProperty('topic');
  });

  it('rejects undeclared parameters by default and keeps them when configured to', async () => {
    const invocation = { reason: 'other' as const, parameters: { ...declared, orderId: 'A-1009' } };
    const rejected = await rejectedHandoffError(buildHandoffPayload(defaultHandoffConfig(), conversation(), invocation));
    expect(errorShape(rejected)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PARAMETERS",
        "issues": [
          {
            "code": "undeclared_parameter",
            "message": "Expected only declared parameters, received 'orderId' (declare it, or set event.undeclaredParameters to 'keep')",
            "path": "parameters.orderId",
          },
        ],
        "message": "Invalid parameters: Expected only declared parameters, received 'orderId' (declare it, or set event.undeclaredParameters to 'keep').",
      }
    `);

    const keep = defaultHandoffConfig();
    keep.event.undeclaredParameters = 'keep';
    const payload = await buildHandoffPayload(keep, conversation(), invocation);
    expect(payload.parameters.orderId).toBe('A-1009');
  });

  it('refuses parameters that contain themselves with a typed error, where zod would let them through', async () => {
    const keep = defaultHandoffConfig();
    keep.event.undeclaredParameters = 'keep';
    const order: Record<string, unknown> = { id: 'A-1009' };
    order.self = order;
    const error = await rejectedHandoffError(buildHandoffPayload(keep, conversation(), { reason: 'policy', parameters: { ...declared, order } as never }));
    expect(errorShape(error)).toMatchObject({ code: 'INVALID_PARAMETERS', message: 'Invalid handoff invocation: $.parameters.order.self: expected JSON, got an object that contains itself' });
  });

  it('never lets the model set a system parameter, even when undeclared parameters are kept', async () => {
    const keep = defaultHandoffConfig();
    keep.event.undeclaredParameters = 'keep';
    const error = await rejectedHandoffError(buildHandoffPayload(keep, conversation(), { reason: 'policy', parameters: { ...declared, firstName: 'Mallory' } }));
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PARAMETERS",
        "issues": [
          {
            "code": "reserved_parameter",
            "message": "Expected no LLM parameter named 'firstName': it is a system parameter, which the model cannot set",
            "path": "parameters.firstName",
          },
        ],
        "message": "Invalid parameters: Expected no LLM parameter named 'firstName': it is a system parameter, which the model cannot set.",
      }
    `);
  });

  it('reports a parameter named __proto__ instead of losing it', async () => {
    const parameters = JSON.parse('{"__proto__": {"isAdmin": true}}') as Record<string, never>;
    const error = await rejectedHandoffError(buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'other', parameters: { ...declared, ...parameters } }));
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_PARAMETERS",
        "issues": [
          {
            "code": "reserved_parameter",
            "message": "Expected a parameter name other than '__proto__'",
            "path": "parameters.__proto__",
          },
        ],
        "message": "Invalid parameters: Expected a parameter name other than '__proto__'.",
      }
    `);
    expect(Object.prototype).not.toHaveProperty('isAdmin');
  });

  it('resolves system parameters: a lone reference keeps its JSON type, text renders, literals stay', async () => {
    const config = loadHandoffConfig(
      enabledConfigInput({
        systemParameters: [
          { key: 'cartTotal', value: '{{context.session.cartTotal}}' },
          { key: 'profile', value: '{{memory.userProfile}}' },
          { key: 'greeting', value: 'Customer {{memory.userProfile.firstName}} ({{memory.userProfile.tier}})' },
          { key: 'priority', value: 3 },
          { key: 'vip', value: true },
        ],
        masking: { enabled: false },
      }),
    );
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'user_requested' });
    expect(payload.parameters).toEqual({
      cartTotal: 129.5,
      profile: { firstName: 'Ada', tier: 'gold', email: 'ada@example.com' },
      greeting: 'Customer Ada (gold)',
      priority: 3,
      vip: true,
    });
  });

  it('fails with TEMPLATE_UNRESOLVED naming every unresolved path by default', async () => {
    const config = loadHandoffConfig(
      enabledConfigInput({
        systemParameters: [
          { key: 'lastName', value: '{{memory.userProfile.lastName}}' },
          { key: 'greeting', value: 'Hi {{memory.userProfile.firstName}} from {{context.session.city}}' },
        ],
      }),
    );
    const error = await rejectedHandoffError(buildHandoffPayload(config, conversation(), { reason: 'user_requested' }));
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "TEMPLATE_UNRESOLVED",
        "issues": [
          {
            "code": "unresolved_template",
            "message": "System parameter 'lastName': {{memory.userProfile.lastName}} resolved to nothing: expected a JSON value at $.memory.userProfile.lastName in the conversation (or set its onMissing to 'empty' or 'omit')",
            "path": "memory.userProfile.lastName",
          },
          {
            "code": "unresolved_template",
            "message": "System parameter 'greeting': {{context.session.city}} resolved to nothing: expected a JSON value at $.context.session.city in the conversation (or set its onMissing to 'empty' or 'omit')",
            "path": "context.session.city",
          },
        ],
        "message": "System parameter(s) lastName, greeting resolved to nothing: no value at $.memory.userProfile.lastName, $.context.session.city in the conversation. Provide the values, or set onMissing to 'empty' or 'omit'.",
      }
    `);
  });

  it("sends an empty value with onMissing 'empty' and leaves the key out with 'omit'", async () => {
    const config = loadHandoffConfig(
      enabledConfigInput({
        systemParameters: [
          { key: 'lastName', value: '{{memory.userProfile.lastName}}', onMissing: 'empty' },
          { key: 'greeting', value: 'Hi {{memory.userProfile.firstName}} from {{context.session.city}}', onMissing: 'empty' },
          { key: 'city', value: '{{context.session.city}}', onMissing: 'omit' },
        ],
      }),
    );
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'user_requested' });
    expect(payload.parameters).toEqual({ lastName: '', greeting: 'Hi Ada from ' });
  });

  it('resolves prototype names in memory to nothing', async () => {
    const config = loadHandoffConfig(
      enabledConfigInput({ systemParameters: [{ key: 'x', value: '{{memory.userProfile.toString}}', onMissing: 'omit' }] }),
    );
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'user_requested' });
    expect(payload.parameters).toEqual({});
  });

  it('sends parameters listed in masking.unmaskedParameters as they are, and masks nothing when masking is off', async () => {
    const config = defaultHandoffConfig();
    config.event.systemParameters.push({ key: 'email', value: '{{memory.userProfile.email}}', onMissing: 'error' });
    config.event.masking.unmaskedParameters = ['email'];
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'user_requested', parameters: { ...declared, interactionSummary: 'Mail ada@example.com' } });
    expect(payload.parameters.email).toBe('ada@example.com');
    expect(payload.parameters.interactionSummary).toBe('Mail [email]');

    config.event.masking.enabled = false;
    const plain = await buildHandoffPayload(config, conversation(), { reason: 'user_requested', parameters: declared });
    expect(plain.transcript?.[0]?.text).toBe('I was charged twice on card 4111 1111 1111 1111');
  });

  it('omits the transcript when the conversation has none, and stamps firedAt from the clock', async () => {
    const withoutTranscript = { ...conversation(), transcript: undefined };
    const payload = await buildHandoffPayload(defaultHandoffConfig(), withoutTranscript, { reason: 'user_requested', parameters: declared }, { now });
    expect(payload).not.toHaveProperty('transcript');
    expect(payload.firedAt).toBe('2026-03-02T09:30:00.000Z');
  });
});

describe('buildHandoffPayload at the edge', () => {
  it('fails with PREREQUISITE_FAILED before reading the parameters', async () => {
    const error = await rejectedHandoffError(buildHandoffPayload(defaultHandoffConfig(), { ...conversation(), channel: 'sms' }, { reason: 'user_requested' }));
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "PREREQUISITE_FAILED",
        "issues": [
          {
            "code": "no_channel_flow",
            "message": "Expected a channel flow for the conversation's channel 'sms' in the service app, found 'chat', 'voice'",
            "path": "integration.serviceApp.channelFlows",
          },
        ],
        "message": "The handoff cannot start: 1 unmet prerequisite(s): no_channel_flow at $.integration.serviceApp.channelFlows.",
      }
    `);
  });

  it('fails with INVALID_INPUT for a malformed conversation or invocation', async () => {
    const badConversation = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), { ...conversation(), sessionId: '', memory: { at: new Date() } } as unknown as ConversationInput, { reason: 'user_requested' }),
    );
    expect(errorShape(badConversation)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_INPUT",
        "issues": [
          {
            "code": "too_small",
            "message": "Too small: expected string to have >=1 characters",
            "path": "sessionId",
          },
          {
            "code": "invalid_union",
            "message": "Invalid input",
            "path": "memory.at",
          },
        ],
        "message": "Invalid conversation: $.sessionId: Too small: expected string to have >=1 characters (and 1 more)",
      }
    `);
    const badReason = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'bored' } as unknown as { reason: 'other' }),
    );
    expect(errorShape(badReason)).toMatchInlineSnapshot(`
      {
        "code": "INVALID_INPUT",
        "issues": [
          {
            "code": "invalid_value",
            "message": "Invalid option: expected one of "user_requested"|"capability_gap"|"negative_sentiment"|"repeated_failure"|"policy"|"other"",
            "path": "reason",
          },
        ],
        "message": "Invalid handoff invocation: $.reason: Invalid option: expected one of "user_requested"|"capability_gap"|"negative_sentiment"|"repeated_failure"|"policy"|"other"",
      }
    `);
  });

  it('fails with INVALID_PARAMETERS when a parameter is not JSON', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'other', parameters: { ...declared, topic: Number.NaN } }),
    );
    expect(error.code).toBe('INVALID_PARAMETERS');
    expect(error.issues[0]?.path).toEqual(['parameters', 'topic']);
  });

  it('fails with INVALID_INPUT for a clock that returns an invalid date', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'other', parameters: declared }, { now: () => new Date(Number.NaN) }),
    );
    expect(error.code).toBe('INVALID_INPUT');
  });
});

describe('the event processor', () => {
  it('transforms the unmasked parameters, sync or async, before masking', async () => {
    const seen: unknown[] = [];
    const processor: HandoffEventProcessor = async (parameters) => {
      seen.push(parameters.interactionSummary);
      await Promise.resolve();
      const summary = typeof parameters.interactionSummary === 'string' ? parameters.interactionSummary : '';
      return { ...parameters, interactionSummary: `${summary} Card 4111111111111111.`, escalation: 'tier-2' };
    };
    const payload = await buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, { processor });
    expect(seen).toEqual([declared.interactionSummary]);
    expect(payload.parameters.interactionSummary).toBe('Double charge on a card; refund needed. Card [card].');
    expect(payload.parameters.escalation).toBe('tier-2');
    expect(payload.context.steps.LiveAgentHandoff?.escalation).toBe('tier-2');
  });

  it('keeps its in-place edits when it returns nothing, without touching the caller objects', async () => {
    const parameters = { ...declared };
    const payload = await buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters }, {
      processor: (p) => {
        p.sentiment = 'negative';
        return undefined;
      },
    });
    expect(payload.parameters.sentiment).toBe('negative');
    expect(parameters.sentiment).toBe('frustrated');
  });

  it('gets the conversation, the invocation and the event as context', async () => {
    let context: unknown;
    await buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, {
      processor: (_, c) => {
        context = { channel: c.conversation.channel, reason: c.invocation.reason, node: c.event.automationNode };
        return undefined;
      },
    });
    expect(context).toEqual({ channel: 'chat', reason: 'policy', node: 'LiveAgentHandoff' });
  });

  it('fails with PROCESSOR_FAILED when it throws or rejects, keeping the cause and any HandoffError issues', async () => {
    const cause = new Error('CRM lookup timed out');
    const thrown = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, { processor: () => { throw cause; } }),
    );
    expect(errorShape(thrown)).toMatchInlineSnapshot(`
      {
        "code": "PROCESSOR_FAILED",
        "issues": [],
        "message": "The event processor failed, so nothing was sent: CRM lookup timed out",
      }
    `);
    expect(thrown.cause).toBe(cause);

    const issue = { code: 'custom', path: ['parameters', 'sentiment'], message: 'Expected a sentiment the desk knows' };
    const rejected = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, {
        processor: () => Promise.reject(new HandoffError('INVALID_PARAMETERS', 'bad sentiment', [issue])),
      }),
    );
    expect(rejected.code).toBe('PROCESSOR_FAILED');
    expect(rejected.issues).toEqual([issue]);
  });

  it('fails with PROCESSOR_FAILED when it returns parameters that contain themselves', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, {
        processor: (p) => {
          const crm: Record<string, unknown> = { tier: 'gold' };
          crm.again = crm;
          return { ...p, crm } as never;
        },
      }),
    );
    expect(errorShape(error)).toMatchObject({ code: 'PROCESSOR_FAILED', message: 'Invalid parameters returned by the event processor: $.parameters.crm.again: expected JSON, got an object that contains itself' });
  });

  it('fails with PROCESSOR_FAILED when it returns something that is not JSON parameters', async () => {
    const error = await rejectedHandoffError(
      buildHandoffPayload(defaultHandoffConfig(), conversation(), { reason: 'policy', parameters: declared }, {
        processor: (p) => ({ ...p, when: new Date(0) as never }),
      }),
    );
    expect(errorShape(error)).toMatchInlineSnapshot(`
      {
        "code": "PROCESSOR_FAILED",
        "issues": [
          {
            "code": "invalid_union",
            "message": "Invalid input",
            "path": "parameters.when",
          },
        ],
        "message": "The event processor returned parameters that are not a JSON object of JSON values, so nothing was sent.",
      }
    `);
  });
});

describe('resolveHandoffMessage', () => {
  it('renders the custom text, gives the AI instructions, or nothing when off', async () => {
    const config = defaultHandoffConfig();
    const payload = await buildHandoffPayload(config, conversation(), { reason: 'user_requested', parameters: declared });
    expect(resolveHandoffMessage(config, conversation(), payload)).toEqual({
      mode: 'custom',
      text: 'Thanks Ada, I am connecting you with a member of our team now.',
    });
    config.event.message = { mode: 'custom', text: 'About "{{parameters.topic}}": please hold.' };
    expect(resolveHandoffMessage(config, conversation(), payload)).toEqual({ mode: 'custom', text: 'About "": please hold.' });
    config.event.message = { mode: 'aiGenerated', instructions: 'Say goodbye warmly.' };
    expect(resolveHandoffMessage(config, conversation(), payload)).toEqual({ mode: 'aiGenerated', instructions: 'Say goodbye warmly.' });
    config.event.message = { mode: 'off' };
    expect(resolveHandoffMessage(config, conversation(), payload)).toBeUndefined();
  });
});
