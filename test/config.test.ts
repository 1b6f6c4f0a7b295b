import { describe, expect, it } from 'vitest';
import { defaultLifecycleSettings } from '../src/config/lifecycle-schema.js';
import { defaultEventDescription } from '../src/config/event-schema.js';
import { defaultHandoffConfig, defaultHandoffConfigInput } from '../src/config/default-config.js';
import { handoffConfigJsonSchema, loadHandoffConfig, safeLoadHandoffConfig } from '../src/config/load-config.js';
import { checkPrerequisites } from '../src/config/prerequisites.js';
import { formatPath } from '../src/errors.js';
import { catchHandoffError } from './support/catch-handoff-error.js';
import { minimalConfigInput } from './support/handoff-config.js';

/** The issues of loading the minimal config with `event` and `integration` fields replaced, one line each. */
function issuesWith(patch: { event?: Record<string, unknown>; integration?: Record<string, unknown>; top?: Record<string, unknown> }): string[] {
  const base = minimalConfigInput();
  const input = { ...base, ...patch.top, event: { ...base.event, ...patch.event }, integration: { ...base.integration, ...patch.integration } };
  const error = catchHandoffError(() => loadHandoffConfig(input));
  expect(error.code).toBe('INVALID_CONFIG');
  return error.issues.map((issue) => `${formatPath(issue.path)} (${issue.code}): ${issue.message}`);
}

describe('loadHandoffConfig defaults', () => {
  it('fills every event field with its default', () => {
    const { event } = loadHandoffConfig(minimalConfigInput());
    expect(event.description).toBe(defaultEventDescription);
    expect({ ...event, description: '<default>' }).toMatchInlineSnapshot(`
      {
        "automationNode": "LiveAgentHandoff",
        "description": "<default>",
        "enabled": false,
        "llmParameters": [],
        "masking": {
          "cardNumbers": true,
          "emails": true,
          "enabled": true,
          "patterns": [],
          "phoneNumbers": true,
          "unmaskedParameters": [],
        },
        "message": {
          "mode": "off",
        },
        "session": "keepAlive",
        "systemParameters": [],
        "undeclaredParameters": "reject",
      }
    `);
  });

  it('writes a default description that covers both triggers', () => {
    expect(defaultEventDescription).toMatch(/explicitly asks/);
    expect(defaultEventDescription).toMatch(/cannot fulfil/);
  });

  it('keeps the integration as written and applies every lifecycle default', () => {
    const config = loadHandoffConfig(minimalConfigInput());
    expect(config.integration).toEqual(minimalConfigInput().integration);
    expect(config.lifecycle).toEqual(defaultLifecycleSettings());
  });

  it('fills the defaults inside parameters, the message and masking', () => {
    const config = loadHandoffConfig({
      ...minimalConfigInput(),
      event: {
        automationNode: 'LiveAgentHandoff',
        llmParameters: [{ name: 'summary', description: '  What the user wants  ' }],
        systemParameters: [{ key: 'firstName', value: '{{memory.userProfile.firstName}}' }],
        message: { mode: 'aiGenerated' },
        masking: { patterns: [{ name: 'iban', pattern: '[A-Z]{2}\\d{2}[A-Z0-9]{11,30}' }] },
      },
    });
    expect({
      llmParameters: config.event.llmParameters,
      systemParameters: config.event.systemParameters,
      message: config.event.message,
      masking: config.event.masking,
    }).toMatchInlineSnapshot(`
      {
        "llmParameters": [
          {
            "description": "What the user wants",
            "name": "summary",
            "required": true,
            "type": "string",
          },
        ],
        "masking": {
          "cardNumbers": true,
          "emails": true,
          "enabled": true,
          "patterns": [
            {
              "flags": "",
              "name": "iban",
              "pattern": "[A-Z]{2}\\d{2}[A-Z0-9]{11,30}",
            },
          ],
          "phoneNumbers": true,
          "unmaskedParameters": [],
        },
        "message": {
          "instructions": "Tell the user in one short sentence, in their language, that you are connecting them with a member of our team.",
          "mode": "aiGenerated",
        },
        "systemParameters": [
          {
            "key": "firstName",
            "onMissing": "error",
            "value": "{{memory.userProfile.firstName}}",
          },
        ],
      }
    `);
  });

  it('accepts a $schema key so config files can point editors at the JSON Schema', () => {
    expect(loadHandoffConfig({ $schema: './handoff.schema.json', ...minimalConfigInput() }).$schema).toBe('./handoff.schema.json');
  });

  it('returns the same config when loading its own output again', () => {
    const config = loadHandoffConfig(defaultHandoffConfigInput);
    expect(loadHandoffConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });
});

describe('loadHandoffConfig errors', () => {
  it('throws INVALID_CONFIG carrying zod issues unchanged, the first named in the message', () => {
    const error = catchHandoffError(() => loadHandoffConfig({ event: { automationNode: '' }, integration: {} }));
    expect({ code: error.code, message: error.message, issues: error.issues }).toMatchInlineSnapshot(`
      {
        "code": "INVALID_CONFIG",
        "issues": [
          {
            "code": "too_small",
            "inclusive": true,
            "message": "Expected a non-empty name",
            "minimum": 1,
            "origin": "string",
            "path": [
              "event",
              "automationNode",
            ],
          },
          {
            "code": "invalid_type",
            "expected": "object",
            "message": "Invalid input: expected object, received undefined",
            "path": [
              "integration",
              "agenticApp",
            ],
          },
          {
            "code": "invalid_type",
            "expected": "object",
            "message": "Invalid input: expected object, received undefined",
            "path": [
              "integration",
              "serviceApp",
            ],
          },
        ],
        "message": "Invalid handoff config: $.event.automationNode: Expected a non-empty name (and 2 more)",
      }
    `);
  });

  it('rejects input that is not an object', () => {
    expect(catchHandoffError(() => loadHandoffConfig('config.json')).issues).toMatchInlineSnapshot(`
      [
        {
          "code": "invalid_type",
          "expected": "object",
          "message": "Invalid input: expected object, received string",
          "path": [],
        },
      ]
    `);
  });

  it('rejects unknown keys at every level', () => {
    expect(
      issuesWith({
        top: { events: {}, lifecycle: { delivery: { retries: 3 } } },
        event: { status: 'enabled' },
        integration: { serviceApp: { ...minimalConfigInput().integration.serviceApp, flows: [] } },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event (unrecognized_keys): Unrecognized key: "status"",
        "$.integration.serviceApp (unrecognized_keys): Unrecognized key: "flows"",
        "$.lifecycle.delivery (unrecognized_keys): Unrecognized key: "retries"",
        "$ (unrecognized_keys): Unrecognized key: "events"",
      ]
    `);
  });

  it('checks the event scalars: description, enabled, automation node, session, undeclared parameters', () => {
    expect(
      issuesWith({ event: { description: '   ', enabled: 'yes', automationNode: '__proto__', session: 'close', undeclaredParameters: 'drop' } }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.description (too_small): Expected a non-empty description: the model reads it to decide when to fire",
        "$.event.enabled (invalid_type): Invalid input: expected boolean, received string",
        "$.event.automationNode (custom): Expected a name other than __proto__, constructor, prototype",
        "$.event.undeclaredParameters (invalid_value): Invalid option: expected one of "reject"|"keep"",
        "$.event.session (invalid_value): Invalid option: expected one of "keepAlive"|"terminate"",
      ]
    `);
  });

  it('checks each LLM parameter: name, description, type, required and enum', () => {
    expect(
      issuesWith({
        event: {
          llmParameters: [
            { name: '1st', description: '' },
            { name: 'sentiment', description: 'How the user feels', type: 'text', required: 'no' },
            { name: 'x', description: 'd', enum: [] },
            { name: 'extra', description: 'd', foo: 1 },
          ],
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.llmParameters[0].name (invalid_format): Expected an identifier of at most 64 characters: a letter or _, then letters, digits or _",
        "$.event.llmParameters[0].description (too_small): Expected a non-empty description: the model reads it to know what to extract",
        "$.event.llmParameters[1].type (invalid_value): Invalid option: expected one of "string"|"number"|"integer"|"boolean"|"object"|"array"",
        "$.event.llmParameters[1].required (invalid_type): Invalid input: expected boolean, received string",
        "$.event.llmParameters[2].enum (too_small): Too small: expected array to have >=1 items",
        "$.event.llmParameters[3] (unrecognized_keys): Unrecognized key: "foo"",
      ]
    `);
  });

  it('checks that an enum matches its type and lists each value once', () => {
    expect(
      issuesWith({
        event: {
          llmParameters: [
            { name: 'sentiment', description: 'd', enum: ['calm', 'calm', 3] },
            { name: 'score', description: 'd', type: 'integer', enum: [1, 2.5] },
            { name: 'flag', description: 'd', type: 'boolean', enum: ['true'] },
          ],
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.llmParameters[0].enum[2] (custom): Expected a string like the parameter's type, received 3",
        "$.event.llmParameters[0].enum[1] (custom): Expected each enum value once",
        "$.event.llmParameters[1].enum[1] (custom): Expected an integer like the parameter's type, received 2.5",
        "$.event.llmParameters[2].enum (custom): Expected no enum for type 'boolean': enums apply to string, number and integer",
      ]
    `);
  });

  it('checks each system parameter: key, value, template roots and syntax, missing-value policy', () => {
    expect(
      issuesWith({
        event: {
          systemParameters: [
            { key: 'a-b', value: 'x' },
            { key: 'tier', value: { nested: true } },
            { key: 'first', value: '{{user.firstName}} {{memory.}} {{constructor.constructor}}' },
            { key: 'locale', value: '{{context.session.locale}}', onMissing: 'skip' },
          ],
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.systemParameters[0].key (invalid_format): Expected an identifier of at most 64 characters: a letter or _, then letters, digits or _",
        "$.event.systemParameters[1].value (invalid_union): Expected a string (a literal or a template), a number or a boolean",
        "$.event.systemParameters[2].value (custom): {{user.firstName}}: Expected a path starting with 'memory' or 'context'",
        "$.event.systemParameters[2].value (custom): {{memory.}}: Expected a dotted path of names such as {{memory.userProfile.firstName}}",
        "$.event.systemParameters[2].value (custom): {{constructor.constructor}}: Expected a path without 'constructor': templates read plain data only",
        "$.event.systemParameters[3].onMissing (invalid_value): Invalid option: expected one of "error"|"empty"|"omit"",
      ]
    `);
  });

  it('needs unique parameter names across LLM and system parameters', () => {
    expect(
      issuesWith({
        event: {
          llmParameters: [
            { name: 'summary', description: 'd' },
            { name: 'summary', description: 'again' },
          ],
          systemParameters: [
            { key: 'summary', value: 'x' },
            { key: 'tier', value: 'gold' },
            { key: 'tier', value: 'silver' },
          ],
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.llmParameters[1].name (custom): Expected each LLM parameter name once",
        "$.event.systemParameters[0].key (custom): Expected a key that no LLM parameter uses: both end up in parameters, and 'summary' is an LLM parameter",
        "$.event.systemParameters[2].key (custom): Expected each system parameter key once",
      ]
    `);
  });

  it('checks the message modes', () => {
    expect(issuesWith({ event: { message: { mode: 'loud' } } })).toMatchInlineSnapshot(`
      [
        "$.event.message.mode (invalid_union): Invalid discriminator value. Expected 'off' | 'aiGenerated' | 'custom'",
      ]
    `);
    expect(issuesWith({ event: { message: { mode: 'custom' } } })).toMatchInlineSnapshot(`
      [
        "$.event.message.text (invalid_type): Invalid input: expected string, received undefined",
      ]
    `);
    expect(issuesWith({ event: { message: { mode: 'custom', text: 'Hi {{queue.position}}' } } })).toMatchInlineSnapshot(`
      [
        "$.event.message.text (custom): {{queue.position}}: Expected a path starting with 'memory' or 'context' or 'parameters'",
      ]
    `);
    expect(issuesWith({ event: { message: { mode: 'off', text: 'Hi' } } })).toMatchInlineSnapshot(`
      [
        "$.event.message (unrecognized_keys): Unrecognized key: "text"",
      ]
    `);
  });

  it('checks masking: switches and extra patterns (name, safety, flags)', () => {
    expect(
      issuesWith({
        event: {
          llmParameters: [{ name: 'email', description: 'd' }],
          masking: {
            enabled: 'no',
            patterns: [
              { name: 'IBAN', pattern: '[A-Z]{2}' },
              { name: 'slow', pattern: '(\\w+\\s?)+$' },
              { name: 'bad', pattern: '(', flags: 'g' },
            ],
          },
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.masking.enabled (invalid_type): Invalid input: expected boolean, received string",
        "$.event.masking.patterns[0].name (invalid_format): Expected a lowercase label such as "iban": matches become [iban]",
        "$.event.masking.patterns[1].pattern (custom): Expected no nested quantifiers such as (a+)+: they can backtrack catastrophically",
        "$.event.masking.patterns[2].pattern (custom): Expected flags among 'imsu', received 'g' ('g' is always added)",
      ]
    `);
  });

  it('needs unmasked parameters to be declared parameters', () => {
    expect(
      issuesWith({
        event: {
          llmParameters: [{ name: 'email', description: 'd' }],
          systemParameters: [{ key: 'crmId', value: '{{memory.crmId}}' }],
          masking: { unmaskedParameters: ['email', 'crmId', 'phone'] },
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.event.masking.unmaskedParameters[2] (custom): Expected a declared parameter name, received 'phone'",
      ]
    `);
  });

  it('checks the integration: workspaces and unique channel flows and automation nodes', () => {
    expect(
      issuesWith({
        integration: {
          agenticApp: { workspace: '' },
          serviceApp: { workspace: 'acme', channelFlows: ['chat', 'chat'], automationNodes: 'LiveAgentHandoff' },
        },
      }),
    ).toMatchInlineSnapshot(`
      [
        "$.integration.agenticApp.workspace (too_small): Expected a non-empty name",
        "$.integration.serviceApp.channelFlows[1] (custom): Expected each channel once",
        "$.integration.serviceApp.automationNodes (invalid_type): Invalid input: expected array, received string",
      ]
    `);
  });

  it('checks the lifecycle with the lifecycle schema', () => {
    expect(issuesWith({ top: { lifecycle: { delivery: { maxAttempts: 0 } } } })).toMatchInlineSnapshot(`
      [
        "$.lifecycle.delivery.maxAttempts (too_small): Too small: expected number to be >=1",
      ]
    `);
  });

  it('reports problems without throwing through safeLoadHandoffConfig', () => {
    const result = safeLoadHandoffConfig({});
    expect(result.success).toBe(false);
    expect(safeLoadHandoffConfig(minimalConfigInput()).success).toBe(true);
  });
});

describe('handoffConfigJsonSchema', () => {
  it('describes the config as written: closed objects, optional defaults, required essentials', () => {
    const schema = handoffConfigJsonSchema() as {
      $schema: string;
      required: string[];
      additionalProperties: boolean;
      properties: { event: { required: string[]; properties: Record<string, { default?: unknown }> } };
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['event', 'integration']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.event.required).toEqual(['automationNode']);
    expect(schema.properties.event.properties.enabled?.default).toBe(false);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('defaultHandoffConfig', () => {
  it('is a valid, enabled config whose prerequisites are met on chat and voice', () => {
    const config = defaultHandoffConfig();
    expect(config.event.enabled).toBe(true);
    expect(config.event.llmParameters.map((p) => p.name)).toEqual(['interactionSummary', 'sentiment', 'topic', 'intent']);
    expect(checkPrerequisites(config, { channel: 'chat' })).toEqual([]);
    expect(checkPrerequisites(config, { channel: 'voice' })).toEqual([]);
  });

  it('returns a fresh copy each call', () => {
    const first = defaultHandoffConfig();
    first.event.llmParameters.length = 0;
    expect(defaultHandoffConfig().event.llmParameters).toHaveLength(4);
  });
});
