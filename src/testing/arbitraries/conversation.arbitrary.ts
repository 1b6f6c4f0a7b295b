import fc from 'fast-check';
import { handoffReasons, type ConversationInput, type TranscriptEntry } from '../../payload/payload-schema.js';
import { arbitraryIsoInstant, arbitraryJsonObject } from './json.arbitrary.js';

/** One transcript line with any text, sometimes timestamped. */
export function arbitraryTranscriptEntry(text: fc.Arbitrary<string> = fc.string({ maxLength: 60 })): fc.Arbitrary<TranscriptEntry> {
  return fc.record(
    { role: fc.constantFrom('user' as const, 'ai' as const, 'agent' as const, 'system' as const), text, at: arbitraryIsoInstant() },
    { requiredKeys: ['role', 'text'] },
  );
}

/** Options of `arbitraryConversation`. */
export interface ArbitraryConversationOptions {
  /** The channels to pick from; `chat` and `voice` by default. */
  readonly channels?: readonly string[];
  /** Transcript text; any string by default. */
  readonly text?: fc.Arbitrary<string>;
}

/** A valid conversation as the host describes it when the event fires. */
export function arbitraryConversation(options: ArbitraryConversationOptions = {}): fc.Arbitrary<ConversationInput> {
  const channels = options.channels && options.channels.length > 0 ? options.channels : ['chat', 'voice'];
  return fc.record(
    {
      sessionId: fc.string({ minLength: 1, maxLength: 16 }),
      userId: fc.string({ minLength: 1, maxLength: 16 }),
      channel: fc.constantFrom(...channels),
      language: fc.constantFrom('en', 'de', 'fr', 'es-MX', 'ja'),
      transcript: fc.array(arbitraryTranscriptEntry(options.text), { maxLength: 6 }),
      memory: arbitraryJsonObject(),
      context: arbitraryJsonObject(),
    },
    { requiredKeys: ['sessionId', 'userId', 'channel', 'language'] },
  );
}

/** A handoff reason. */
export function arbitraryHandoffReason(): fc.Arbitrary<(typeof handoffReasons)[number]> {
  return fc.constantFrom(...handoffReasons);
}
