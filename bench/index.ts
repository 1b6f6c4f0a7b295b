// `npm run bench`: every benchmark of the project, each figure beside its reference.
// Every suite measures the compiled library in dist/ (what a host runs); `npm run bench` builds it first.
const suites: readonly string[] = ['./routing.ts', './payload.ts', './store.ts', './lifecycle.ts', './runtime.ts'];

for (const suite of suites) {
  const module = (await import(suite)) as { default: () => Promise<void> };
  await module.default();
}
