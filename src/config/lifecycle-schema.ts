import { z } from 'zod';

const seconds = (max: number) => z.number().int().min(0).max(max);

/** What happens when a path gives up: the product's fallbacks. */
export const fallbackActions = ['returnToAi', 'end', 'callback', 'voicemail'] as const;
export type FallbackAction = (typeof fallbackActions)[number];

/** A message to the user, then a fallback. */
const fallbackSchema = (message: string, then: FallbackAction) =>
  z.strictObject({ message: z.string().default(message), then: z.enum(fallbackActions).default(then) }).prefault({});

/**
 * Service-app behaviour of the handoff lifecycle: the automation node's timeout and error handling
 * and the Agent Transfer node's waiting experience. Every field has the product's default.
 */
export const lifecycleSettingsSchema = z.strictObject({
  delivery: z
    .strictObject({
      /** Attempts to deliver the payload to the automation node, the first included. */
      maxAttempts: z.number().int().min(1).max(10).default(3),
      /** Backoff before the second attempt; doubles each attempt up to `maxBackoffMs`. */
      initialBackoffMs: z.number().int().min(0).max(600_000).default(1000),
      maxBackoffMs: z.number().int().min(0).max(3_600_000).default(30_000),
      /** How long one attempt waits for the automation node's acknowledgement. */
      ackTimeoutMs: z.number().int().min(1).max(600_000).default(10_000),
      /**
       * After the last failed attempt: a message to the user, then back to the AI or end. This is the
       * automation node's error handling, so it also applies when a later step fails or times out.
       */
      onFailure: z
        .strictObject({
          message: z.string().default("Sorry, I couldn't reach a colleague just now. Let's keep going together."),
          then: z.enum(['returnToAi', 'end']).default('returnToAi'),
        })
        .prefault({}),
    })
    .prefault({}),
  agentTransfer: z
    .strictObject({
      /** How long an offered agent has to accept before the offer goes back to the queue. */
      offerTimeoutSeconds: seconds(3600).default(30),
      /** The longest a user waits in the queue before `onMaxQueueWait`. */
      maxQueueWaitSeconds: seconds(86_400).default(900),
      onMaxQueueWait: fallbackSchema('Our agents are still busy. We will get back to you as soon as we can.', 'callback'),
      waitingExperience: z
        .strictObject({
          initialMessage: z.string().default('Connecting you to an agent. You are number {{queue.position}} in the queue.'),
          periodicMessage: z
            .string()
            .default('You are number {{queue.position}} in the queue; the estimated wait is {{queue.waitTime}}.'),
          periodicIntervalSeconds: z.number().int().min(5).max(3600).default(60),
          /** Past this wait the user is offered `offer`; `null` never offers. */
          offerAfterSeconds: seconds(86_400).nullable().default(300),
          offer: z.enum(['callback', 'voicemail']).default('callback'),
          /** The offer itself; `{{queue.offer}}` is `callback` or `voicemail`. The user accepts with `user.acceptOffer`. */
          offerMessage: z
            .string()
            .default('This is taking longer than usual. Would you like a {{queue.offer}} instead? You can also keep waiting.'),
        })
        .prefault({}),
      outOfHours: fallbackSchema('Our agents are available during business hours. We will call you back.', 'callback'),
      noAgents: fallbackSchema('No agent is available right now. Please leave a message.', 'voicemail'),
      /** When the live agent ends: back to the AI, a post-agent dialog (such as feedback), or end. */
      afterAgent: z
        .strictObject({
          then: z.enum(['returnToAi', 'dialog', 'end']).default('returnToAi'),
          dialog: z.string().min(1).optional(),
          /** After the post-agent dialog completes (or times out): back to the AI, or end. */
          afterDialog: z.enum(['returnToAi', 'end']).default('end'),
          /** The longest the post-agent dialog may run before `afterDialog` applies anyway. */
          dialogTimeoutSeconds: z.number().int().min(1).max(86_400).default(600),
        })
        .refine((a) => a.then !== 'dialog' || a.dialog !== undefined, {
          message: "Expected a dialog name when afterAgent.then is 'dialog'",
          path: ['dialog'],
        })
        .prefault({}),
      /** Voice transfers: `refer` drops the bot's leg; `invite` conferences the agent in and the bot resumes after. */
      voiceTransferMode: z.enum(['refer', 'invite']).default('refer'),
    })
    .prefault({}),
  /** Another conversational agent or a workflow as target. */
  target: z
    .strictObject({
      /** How long the target may own the conversation before it counts as failed. */
      timeoutSeconds: seconds(86_400).default(1800),
      /** When the target reports completion: back to the AI, or end. */
      onComplete: z.enum(['returnToAi', 'end']).default('returnToAi'),
      /** When the target fails or times out: a message to the user, then back to the AI or end. */
      onFailure: z
        .strictObject({
          message: z.string().default("Sorry, that didn't work out. Let's keep going together."),
          then: z.enum(['returnToAi', 'end']).default('returnToAi'),
        })
        .prefault({}),
    })
    .prefault({}),
  /**
   * Runtime steps the lifecycle waits for (building the payload, routing, the business-hours and
   * availability checks, queueing, leaving the queue, handing over): each may take this long before
   * it counts as failed and the automation node's error handling (`delivery.onFailure`) applies.
   */
  steps: z.strictObject({ timeoutMs: z.number().int().min(1).max(600_000).default(15_000) }).prefault({}),
  session: z
    .strictObject({
      /** Chat sessions idle out after this long without a user message; voice ends on hang-up. */
      chatIdleTimeoutSeconds: seconds(86_400).default(1800),
      /** How many transcript entries the lifecycle keeps for the agent (the latest ones). */
      transcriptExcerptSize: z.number().int().min(0).max(500).default(20),
    })
    .prefault({}),
});

/** Lifecycle settings with every default applied. */
export type LifecycleSettings = z.output<typeof lifecycleSettingsSchema>;

/** The lifecycle settings with nothing overridden. */
export const defaultLifecycleSettings = (): LifecycleSettings => lifecycleSettingsSchema.parse({});
