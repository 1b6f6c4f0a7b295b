import fc from 'fast-check';

// A fixed seed in CI makes a red property run replayable; locally every run explores new cases.
if (process.env.CI) fc.configureGlobal({ seed: 424242 });
