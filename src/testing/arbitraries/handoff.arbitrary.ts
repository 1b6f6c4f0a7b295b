import fc from 'fast-check';
import type { HandoffConfig } from '../../config/config-schema.js';
import type { LlmParameter } from '../../config/event-schema.js';
import type { ConversationInput, HandoffInvocationInput, HandoffPayload, JsonValue } from '../../payload/payload-schema.js';
import { parseTemplate } from '../../templates/template.js';
import { arbitraryEntityName, arbitraryHandoffConfig, arbitraryParameterName } from './config.arbitrary.js';
import { arbitraryConversation, arbitraryHandoffReason, arbitraryTranscriptEntry } from './conversation.arbitrary.js';
import { arbitraryIsoInstant, arbitraryJsonObject, arbitraryJsonValue } from './json.arbitrary.js';

/** A value valid for a declared LLM parameter: of its type, and from its enum when it has one. */
export function arbitraryLlmParameterValue(parameter: LlmParameter): fc.Arbitrary<JsonValue> {
  if (parameter.enum !== undefined) return fc.constantFrom(...parameter.enum);
  switch (parameter.type) {
    case 'string':
      return fc.string({ maxLength: 40 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer();
    case 'boolean':
      return fc.boolean();
    case 'object':
      return arbitraryJsonObject();
    case 'array':
      return fc.array(arbitraryJsonValue(1), { maxLength: 4 });
  }
}

const objectFrom = (entries: readonly (readonly [string, JsonValue] | undefined)[]): Record<string, JsonValue> => {
  const out: Record<string, JsonValue> = {};
  for (const entry of entries) if (entry) out[entry[0]] = entry[1];
  return out;
};

/**
 * What the model could produce under `config` with every required parameter present and valid:
 * optional ones sometimes absent or `null`, and undeclared extras when the config keeps them.
 */
export function arbitraryInvocation(config: HandoffConfig): fc.Arbitrary<HandoffInvocationInput> {
  const { event } = config;
  const taken = new Set([...event.llmParameters.map((p) => p.name), ...event.systemParameters.map((p) => p.key)]);
  const declared = fc.tuple(
    ...event.llmParameters.map((parameter) =>
      parameter.required
        ? arbitraryLlmParameterValue(parameter).map((value) => [parameter.name, value] as const)
        : fc.option(
            fc.oneof(arbitraryLlmParameterValue(parameter), fc.constant(null)).map((value) => [parameter.name, value] as const),
            { nil: undefined },
          ),
    ),
  );
  const extras =
    event.undeclaredParameters === 'keep'
      ? fc.dictionary(arbitraryParameterName().filter((name) => !taken.has(name)), arbitraryJsonValue(1), { maxKeys: 3, noNullPrototype: true })
      : fc.constant({});
  return fc
    .record({ reason: arbitraryHandoffReason(), declared, extras })
    .map(({ reason, declared: entries, extras: more }) => ({ reason, parameters: { ...more, ...objectFrom(entries) } }));
}

function setPath(root: Record<string, JsonValue>, path: readonly string[], value: JsonValue): void {
  let node = root;
  path.forEach((key, index) => {
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    const child: Record<string, JsonValue> = typeof next === 'object' && next !== null && !Array.isArray(next) ? next : {};
    node[key] = child;
    node = child;
  });
}

/**
 * A conversation on one of `config`'s channel flows whose memory and context hold a value for every
 * system parameter template with `onMissing: 'error'` (and, at random, for the others).
 */
export function arbitraryConversationFor(config: HandoffConfig): fc.Arbitrary<ConversationInput> {
  const refs = config.event.systemParameters.flatMap((parameter) =>
    typeof parameter.value === 'string'
      ? parseTemplate(parameter.value).flatMap((part) => (part.type === 'ref' ? [{ path: part.path, always: parameter.onMissing === 'error' }] : []))
      : [],
  );
  const values = fc.tuple(...refs.map((ref) => (ref.always ? arbitraryJsonValue(1) : fc.option(arbitraryJsonValue(1), { nil: undefined }))));
  return fc.tuple(arbitraryConversation({ channels: config.integration.serviceApp.channelFlows }), values).map(([conversation, chosen]) => {
    const scope: Record<string, Record<string, JsonValue>> = {
      memory: structuredClone(conversation.memory ?? {}),
      context: structuredClone(conversation.context ?? {}),
    };
    refs.forEach((ref, index) => {
      const value = chosen[index];
      const [root, ...rest] = ref.path;
      const target = root === undefined ? undefined : scope[root];
      if (value !== undefined && target) setPath(target, rest, value);
    });
    return { ...conversation, memory: scope.memory, context: scope.context };
  });
}

/** A complete valid handoff: a config whose prerequisites are met, a conversation and an invocation under it. */
export interface HandoffCase {
  readonly config: HandoffConfig;
  readonly conversation: ConversationInput;
  readonly invocation: HandoffInvocationInput;
}

/** A complete valid handoff case, from which `buildHandoffPayload` must succeed. */
export function arbitraryHandoffCase(): fc.Arbitrary<HandoffCase> {
  return arbitraryHandoffConfig({ prerequisites: 'met', channels: ['chat'] }).chain((config) =>
    fc.record({ config: fc.constant(config), conversation: arbitraryConversationFor(config), invocation: arbitraryInvocation(config) }),
  );
}

/**
 * A payload as the automation node (and the router) receives it; under `config` it uses the
 * config's node, one of its channels and its declared parameters.
 */
export function arbitraryHandoffPayload(config?: HandoffConfig): fc.Arbitrary<HandoffPayload> {
  const node = config ? fc.constant(config.event.automationNode) : arbitraryEntityName();
  const flows = config?.integration.serviceApp.channelFlows ?? [];
  const channel = flows.length > 0 ? fc.constantFrom(...flows) : fc.constantFrom('chat', 'voice');
  const parameters: fc.Arbitrary<Record<string, JsonValue>> = config
    ? fc
        .tuple(
          arbitraryInvocation(config),
          fc.tuple(...config.event.systemParameters.map((p) => arbitraryJsonValue(1).map((value) => [p.key, value] as const))),
        )
        .map(([invocation, system]) => {
          const llm = Object.entries(invocation.parameters ?? {}).filter(([, value]) => value !== null);
          return { ...Object.fromEntries(llm), ...objectFrom(system) };
        })
    : fc.dictionary(arbitraryParameterName(), arbitraryJsonValue(1), { maxKeys: 5, noNullPrototype: true });
  return fc
    .record(
      {
        automationNode: node,
        sessionId: fc.string({ minLength: 1, maxLength: 16 }),
        userId: fc.string({ minLength: 1, maxLength: 16 }),
        channel,
        language: fc.constantFrom('en', 'de', 'fr'),
        reason: arbitraryHandoffReason(),
        parameters,
        transcript: fc.array(arbitraryTranscriptEntry(), { maxLength: 4 }),
        firedAt: arbitraryIsoInstant(),
      },
      { requiredKeys: ['automationNode', 'sessionId', 'userId', 'channel', 'language', 'reason', 'parameters', 'firedAt'] },
    )
    .map((payload) => ({ ...payload, context: { steps: { [payload.automationNode]: { ...payload.parameters } } } }));
}
