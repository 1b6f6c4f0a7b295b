import fc from 'fast-check';
import { handoffConfigSchema, type HandoffConfig, type HandoffConfigInput } from '../../config/config-schema.js';
import { llmParameterTypes, type LlmParameterType } from '../../config/event-schema.js';
import { forbiddenTemplateSegments } from '../../templates/template.js';

type EventInput = HandoffConfigInput['event'];
type LlmParameterInput = NonNullable<EventInput['llmParameters']>[number];
type SystemParameterInput = NonNullable<EventInput['systemParameters']>[number];
type MaskingInput = NonNullable<EventInput['masking']>;

const allowed = (name: string): boolean => !forbiddenTemplateSegments.includes(name);

/** A valid parameter name (an identifier). */
export function arbitraryParameterName(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/).filter(allowed);
}

/** A valid workspace, node or channel name, already trimmed. */
export function arbitraryEntityName(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[A-Za-z](?:[A-Za-z0-9 _-]{0,14}[A-Za-z0-9])?$/).filter(allowed);
}

/** A template path segment, as used below `memory` and `context`. */
export function arbitraryTemplateSegment(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[a-z][A-Za-z0-9_]{0,7}$/).filter(allowed);
}

/** Text that holds no `{{…}}` placeholder. */
export function arbitraryPlainText(maxLength = 30): fc.Arbitrary<string> {
  return fc.string({ maxLength }).filter((text) => !/\{\{[^{}]*\}\}/.test(text));
}

/** A non-empty description (trimmed, as the schema keeps it). */
const arbitraryDescription = (): fc.Arbitrary<string> =>
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.trim()).filter((s) => s.length > 0);

/** A reference template `{{memory.a.b}}` or `{{context.a.b}}`: always root plus two segments, so no path is a prefix of another. */
export function arbitraryTemplateReference(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('memory', 'context'), arbitraryTemplateSegment(), arbitraryTemplateSegment())
    .map(([root, a, b]) => `{{${root}.${a}.${b}}}`);
}

function arbitraryLlmParameter(name: string): fc.Arbitrary<LlmParameterInput> {
  return fc.constantFrom<LlmParameterType>(...llmParameterTypes).chain((type) => {
    const enumValues: fc.Arbitrary<(string | number)[] | undefined> =
      type === 'string'
        ? fc.option(fc.uniqueArray(fc.string({ maxLength: 10 }), { minLength: 1, maxLength: 4 }), { nil: undefined })
        : type === 'integer'
          ? fc.option(fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 4 }), { nil: undefined })
          : type === 'number'
            ? fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 20 }).map((n) => n / 4), { minLength: 1, maxLength: 4 }), { nil: undefined })
            : fc.constant(undefined);
    return fc
      .record(
        { name: fc.constant(name), description: arbitraryDescription(), type: fc.constant(type), required: fc.boolean(), enum: enumValues },
        // `type` stays when it is the default too: the enum generated above depends on it.
        { requiredKeys: ['name', 'description', 'type'] },
      )
      .map(({ enum: values, ...rest }) => (values === undefined ? rest : { ...rest, enum: values }));
  });
}

function arbitrarySystemParameter(key: string): fc.Arbitrary<SystemParameterInput> {
  const value = fc.oneof(
    arbitraryPlainText(),
    fc.integer(),
    fc.boolean(),
    arbitraryTemplateReference(),
    fc.tuple(arbitraryPlainText(10), arbitraryTemplateReference(), arbitraryPlainText(10)).map(([a, ref, b]) => `${a}${ref}${b}`),
  );
  return fc.record(
    { key: fc.constant(key), value, onMissing: fc.constantFrom('error', 'empty', 'omit') },
    { requiredKeys: ['key', 'value'] },
  );
}

/** Safe extra masking patterns of the kind hosts add. */
const extraPatterns = [
  { name: 'iban', pattern: '\\b[A-Z]{2}\\d{2}[A-Z0-9]{11,30}\\b' },
  { name: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b' },
  { name: 'order', pattern: 'ORD-[0-9]{6}', flags: 'i' },
];

function arbitraryMasking(declared: readonly string[]): fc.Arbitrary<MaskingInput> {
  return fc.record(
    {
      enabled: fc.boolean(),
      emails: fc.boolean(),
      phoneNumbers: fc.boolean(),
      cardNumbers: fc.boolean(),
      patterns: fc.subarray(extraPatterns),
      unmaskedParameters: fc.subarray([...declared]),
    },
    { requiredKeys: [] },
  );
}

const arbitraryMessage = (): fc.Arbitrary<NonNullable<EventInput['message']>> =>
  fc.oneof(
    fc.constant({ mode: 'off' as const }),
    fc.record({ mode: fc.constant('aiGenerated' as const), instructions: arbitraryDescription() }, { requiredKeys: ['mode'] }),
    fc
      .tuple(arbitraryPlainText(20), fc.constantFrom('{{memory.userProfile.firstName}}', '{{parameters.topic}}', ''))
      .map(([text, ref]) => `${text}${ref}`.trim())
      .filter((text) => text.length > 0)
      .map((text) => ({ mode: 'custom' as const, text })),
  );

/** Options of `arbitraryHandoffConfigInput`. */
export interface ArbitraryConfigOptions {
  /** `met` (default `any`): the event is enabled, both apps share a workspace, and the node is known. */
  readonly prerequisites?: 'met' | 'any';
  /** Channels that must have a channel flow. */
  readonly channels?: readonly string[];
}

/** A valid handoff configuration as written in JSON, with unique parameter names and safe templates and patterns. */
export function arbitraryHandoffConfigInput(options: ArbitraryConfigOptions = {}): fc.Arbitrary<HandoffConfigInput> {
  const met = options.prerequisites === 'met';
  return fc
    .record({
      names: fc.uniqueArray(arbitraryParameterName(), { maxLength: 8 }),
      llmCount: fc.nat({ max: 8 }),
      node: arbitraryEntityName(),
      otherNodes: fc.uniqueArray(arbitraryEntityName(), { maxLength: 3 }),
      workspaces: fc.tuple(arbitraryEntityName(), arbitraryEntityName()),
      sameWorkspace: met ? fc.constant(true) : fc.boolean(),
      nodeKnown: met ? fc.constant(true) : fc.boolean(),
      enabled: met ? fc.constant(true) : fc.option(fc.boolean(), { nil: undefined }),
      flows: fc.uniqueArray(fc.oneof(fc.constantFrom('chat', 'voice', 'email', 'sms'), arbitraryEntityName()), { maxLength: 4 }),
    })
    .chain((shape) => {
      const llmNames = shape.names.slice(0, shape.llmCount);
      const systemKeys = shape.names.slice(shape.llmCount);
      const nodes = [...new Set(shape.nodeKnown ? [...shape.otherNodes, shape.node] : shape.otherNodes.filter((n) => n !== shape.node))];
      const flows = [...new Set([...shape.flows, ...(options.channels ?? [])])];
      const [agenticWorkspace, serviceWorkspace] = shape.workspaces;
      return fc.record(
        {
          description: arbitraryDescription(),
          llmParameters: fc.tuple(...llmNames.map(arbitraryLlmParameter)),
          systemParameters: fc.tuple(...systemKeys.map(arbitrarySystemParameter)),
          undeclaredParameters: fc.constantFrom('reject' as const, 'keep' as const),
          message: arbitraryMessage(),
          session: fc.constantFrom('keepAlive' as const, 'terminate' as const),
          masking: arbitraryMasking(shape.names),
          lifecycle: fc.constantFrom({}, { delivery: { maxAttempts: 5 } }, { agentTransfer: { afterAgent: { then: 'dialog' as const, dialog: 'feedback' } } }),
        },
        { requiredKeys: ['llmParameters', 'systemParameters'] },
      ).map(({ lifecycle, ...event }): HandoffConfigInput => ({
        event: { ...event, automationNode: shape.node, ...(shape.enabled === undefined ? {} : { enabled: shape.enabled }) },
        integration: {
          agenticApp: { workspace: agenticWorkspace },
          serviceApp: { workspace: shape.sameWorkspace ? agenticWorkspace : serviceWorkspace, channelFlows: flows, automationNodes: nodes },
        },
        ...(lifecycle === undefined ? {} : { lifecycle }),
      }));
    });
}

/** A valid handoff configuration with every default applied. */
export function arbitraryHandoffConfig(options: ArbitraryConfigOptions = {}): fc.Arbitrary<HandoffConfig> {
  return arbitraryHandoffConfigInput(options).map((input) => handoffConfigSchema.parse(input));
}
