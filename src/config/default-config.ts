import { handoffConfigSchema, type HandoffConfig, type HandoffConfigInput } from './config-schema.js';

/**
 * A realistic configuration as it would be written in JSON: the event enabled, an interaction
 * summary and the user's sentiment collected by the model, profile and session values as system
 * parameters, one workspace with chat and voice flows. The CLI demo runs on it.
 */
export const defaultHandoffConfigInput = {
  event: {
    enabled: true,
    automationNode: 'LiveAgentHandoff',
    llmParameters: [
      {
        name: 'interactionSummary',
        description: 'Two or three sentences on what the user wants and what has been tried so far, for the human agent.',
      },
      {
        name: 'sentiment',
        description: "The user's sentiment at the moment of handoff.",
        enum: ['positive', 'neutral', 'negative', 'frustrated'],
      },
      {
        name: 'topic',
        description: 'The subject of the request in a few words, such as "billing dispute" or "lost card".',
        required: false,
      },
      {
        // rules/default.json routes on it: refunds and billing questions reach billing agents.
        name: 'intent',
        description: 'What the user wants done, as one of the listed intents.',
        enum: ['refund', 'chargeback', 'billing', 'invoice', 'payment', 'plan-change', 'technical', 'account', 'delivery', 'other'],
        required: false,
      },
    ],
    systemParameters: [
      { key: 'firstName', value: '{{memory.userProfile.firstName}}', onMissing: 'empty' },
      { key: 'customerTier', value: '{{memory.userProfile.tier}}', onMissing: 'omit' },
      { key: 'locale', value: '{{context.session.locale}}', onMissing: 'omit' },
      { key: 'source', value: 'agentic-app' },
    ],
    // Without a first name, "Thanks , I am…" would read like a bug; the fallback keeps the sentence whole.
    message: { mode: 'custom', text: "Thanks {{memory.userProfile.firstName ?? 'for your patience'}}, I am connecting you with a member of our team now." },
    session: 'keepAlive',
  },
  integration: {
    agenticApp: { name: 'Support Assistant', workspace: 'acme-support' },
    serviceApp: {
      name: 'Acme Service',
      workspace: 'acme-support',
      channelFlows: ['chat', 'voice'],
      automationNodes: ['LiveAgentHandoff'],
    },
  },
} as const satisfies HandoffConfigInput;

/** The default configuration, validated with every default applied (a fresh copy each call). */
export function defaultHandoffConfig(): HandoffConfig {
  return handoffConfigSchema.parse(defaultHandoffConfigInput);
}
