// The runtime delivering over HTTP to a real node:http server on 127.0.0.1 that answers 200, 202,
// 500, slowly, or drops the connection: every handoff carries its idempotency key, and every failure
// ends in the automation node's error handling.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpAutomationNode } from '../src/runtime/delivery/http-automation-node.js';
import { createSimulatedDesk } from '../src/runtime/live-agents/simulated-desk.js';
import { createHandoffRuntime, type HandoffRuntime } from '../src/runtime/runtime.js';
import { chat, config, createTestClock, defaultRules, invoke, messagesOf, recorder, type TestClock } from './runtime/support.js';

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const json = (status: number): Answer => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
};
const drop: Answer = (req) => {
  req.socket.destroy();
};

let server: Server;
let url: string;
let answers: Answer[];
let fallback: Answer;
let received: { key: string | undefined; contentType: string | undefined; body: unknown }[];
const timers = new Set<NodeJS.Timeout>();
let runtime: HandoffRuntime;
let clock: TestClock;

const slow = (ms: number): Answer => (req, res) => {
  const timer = setTimeout(() => {
    timers.delete(timer);
    if (!res.destroyed) json(200)(req, res);
  }, ms);
  timers.add(timer);
};

beforeEach(async () => {
  answers = [];
  fallback = json(200);
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ key: req.headers['idempotency-key'] as string | undefined, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      (answers.shift() ?? fallback)(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/handoff`;
  clock = createTestClock();
  runtime = createHandoffRuntime({
    config: config(),
    rules: defaultRules(),
    clock,
    liveAgents: createSimulatedDesk({ agents: [{ id: 'ana' }], offerAcceptance: 'manual' }),
    // One HTTP retry inside each of the machine's attempts; real sockets, no real waiting between retries.
    automationNode: createHttpAutomationNode({ url, timeoutMs: 300, retries: 1, jitter: () => 0, sleep: () => Promise.resolve() }),
  });
});

afterEach(async () => {
  await runtime.close();
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

describe('HTTP delivery end to end', () => {
  it('POSTs the payload as JSON with the idempotency key, and goes on when the node answers 200', async () => {
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('queued.waiting');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      key: 'c1:1',
      contentType: 'application/json',
      body: { automationNode: 'LiveAgentHandoff', sessionId: 'session-1', reason: 'user_requested', parameters: { firstName: 'Ada', sentiment: 'neutral' } },
    });
  });

  it('waits for the acknowledgement when the node answers 202, and goes on once it arrives', async () => {
    answers = [json(202)];
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('delivering.attempt.awaitingAck');
    expect((await runtime.send('c1', { type: 'automation.ack', sequence: 1 })).state).toBe('queued.waiting');
  });

  it('retries a 500 with the same key after backing off, and goes on when the node recovers', async () => {
    answers = [json(500), json(500)];
    await runtime.start('c1', chat());
    expect((await runtime.send('c1', invoke())).state).toBe('delivering.backoff');
    await clock.advance(1000, () => runtime.idle());
    expect((await runtime.get('c1')).state).toBe('queued.waiting');
    expect(received.map((r) => r.key)).toEqual(['c1:1', 'c1:1', 'c1:1']);
  });

  const failures: [string, Answer][] = [
    ['answers 500', json(500)],
    ['drops the connection', drop],
    ['answers too slowly', slow(2000)],
  ];
  for (const [what, answer] of failures) {
    it(`ends in the error handling when the node always ${what}`, async () => {
      fallback = answer;
      const { notifications } = recorder(runtime);
      await runtime.start('c1', chat());
      await runtime.send('c1', invoke());
      await clock.advance(10_000, () => runtime.idle());
      expect(await runtime.get('c1')).toMatchObject({ state: 'aiHandling', returned: { reason: 'failed' }, failure: { stage: 'delivery', code: 'DELIVERY_FAILED' } });
      // Three attempts of the machine, each one HTTP retry: six requests, one handoff.
      expect(received.map((r) => r.key)).toEqual(Array.from({ length: 6 }, () => 'c1:1'));
      expect(messagesOf(notifications).at(-1)).toBe("failure: Sorry, I couldn't reach a colleague just now. Let's keep going together.");
    });
  }
});
