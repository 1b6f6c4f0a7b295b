import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handoffConfigSchema } from '../src/config/config-schema.js';
import { loadHandoffConfig } from '../src/config/load-config.js';
import { checkPrerequisites } from '../src/config/prerequisites.js';
import { arbitraryHandoffConfig, arbitraryHandoffConfigInput } from '../src/testing/arbitraries/config.arbitrary.js';

describe('config properties', () => {
  it('loads any valid config, and the loaded config round-trips through JSON unchanged', () => {
    fc.assert(
      fc.property(arbitraryHandoffConfigInput(), (input) => {
        const config = loadHandoffConfig(input);
        const again = loadHandoffConfig(JSON.parse(JSON.stringify(config)));
        expect(again).toEqual(config);
        expect(JSON.stringify(again)).toBe(JSON.stringify(config));
      }),
      { numRuns: 200 },
    );
  });

  it('loads the JSON text of any valid input to the same config as the input itself', () => {
    fc.assert(
      fc.property(arbitraryHandoffConfigInput(), (input) => {
        expect(loadHandoffConfig(JSON.parse(JSON.stringify(input)))).toEqual(handoffConfigSchema.parse(input));
      }),
      { numRuns: 100 },
    );
  });

  it('meets every prerequisite when the arbitrary is asked for a ready config', () => {
    fc.assert(
      fc.property(arbitraryHandoffConfig({ prerequisites: 'met', channels: ['chat'] }), (config) => {
        expect(checkPrerequisites(config, { channel: 'chat' })).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects any config with one unknown key added to the event', () => {
    fc.assert(
      fc.property(arbitraryHandoffConfigInput(), fc.stringMatching(/^x[A-Za-z]{1,8}$/), (input, key) => {
        const withExtra = { ...input, event: { ...input.event, [key]: true } };
        expect(() => loadHandoffConfig(withExtra)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
      }),
      { numRuns: 50 },
    );
  });
});
