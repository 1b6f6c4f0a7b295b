import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchHandoffError } from './support/catch-handoff-error.js';
import { evaluateTemplate, parseTemplate, renderTemplate, resolveTemplatePath, templateProblems } from '../src/templates/template.js';

const scope = {
  memory: { userProfile: { firstName: 'Ada', age: 36, vip: true, nickname: null, tags: ['gold', 'early'] } },
  context: { session: { locale: 'en-GB' } },
  queue: { position: 3, waitTime: '4 minutes' },
};

/** A scope where every property is a trap: reading a getter or calling a function throws. */
function trapScope(): { scope: object; touched: () => number } {
  let touches = 0;
  const trap = (): never => {
    touches += 1;
    throw new Error('template evaluation ran host code');
  };
  const nested = {};
  Object.defineProperty(nested, 'getter', { get: trap, enumerable: true });
  const root = { fn: trap, nested, withToJson: { toJSON: trap }, date: new Date(0), map: new Map([['a', 1]]) };
  Object.defineProperty(root, 'getter', { get: trap, enumerable: true });
  return { scope: root, touched: () => touches };
}

describe('renderTemplate', () => {
  it('renders references by plain property lookup', () => {
    expect(renderTemplate('You are number {{queue.position}}; the wait is {{ queue.waitTime }}.', scope)).toBe(
      'You are number 3; the wait is 4 minutes.',
    );
    expect(renderTemplate('{{memory.userProfile.firstName}} ({{memory.userProfile.age}}, vip {{memory.userProfile.vip}})', scope)).toBe('Ada (36, vip true)');
  });

  it('renders null as nothing, objects and arrays as JSON, and array items by index', () => {
    expect(renderTemplate('[{{memory.userProfile.nickname}}]', scope)).toBe('[]');
    expect(renderTemplate('{{memory.userProfile.tags}} {{context.session}}', scope)).toBe('["gold","early"] {"locale":"en-GB"}');
    expect(renderTemplate('{{memory.userProfile.tags.1}}', scope)).toBe('early');
  });

  it('renders a missing reference empty by default, keeps it on request, or throws TEMPLATE_UNRESOLVED naming every path', () => {
    const text = 'Hi {{memory.userProfile.lastName}}, queue {{queue.length}}';
    expect(renderTemplate(text, scope)).toBe('Hi , queue ');
    expect(renderTemplate(text, scope, { onMissing: 'keep' })).toBe(text);
    const error = catchHandoffError(() => renderTemplate(text, scope, { onMissing: 'error' }));
    expect({ code: error.code, message: error.message, issues: error.issues }).toMatchInlineSnapshot(`
      {
        "code": "TEMPLATE_UNRESOLVED",
        "issues": [
          {
            "code": "unresolved_template",
            "message": "{{memory.userProfile.lastName}} resolved to nothing: expected a JSON value at $.memory.userProfile.lastName",
            "path": [
              "memory",
              "userProfile",
              "lastName",
            ],
          },
          {
            "code": "unresolved_template",
            "message": "{{queue.length}} resolved to nothing: expected a JSON value at $.queue.length",
            "path": [
              "queue",
              "length",
            ],
          },
        ],
        "message": "Template "Hi {{memory.userProfile.lastName}}, queue {{queue.length}}" has 2 unresolved reference(s): $.memory.userProfile.lastName, $.queue.length.",
      }
    `);
  });

  it("renders the fallback of {{path ?? 'text'}} where the path holds nothing, null or a blank string, and the value otherwise", () => {
    expect(renderTemplate("Thanks {{memory.userProfile.firstName ?? 'for waiting'}}.", scope)).toBe('Thanks Ada.');
    for (const blank of ['', '  ', null]) {
      expect(renderTemplate("Thanks {{memory.userProfile.firstName ?? 'for waiting'}}.", { memory: { userProfile: { firstName: blank } } })).toBe('Thanks for waiting.');
    }
    expect(renderTemplate("{{queue.position ?? 'unknown'}}", { queue: { position: 0 } })).toBe('0');
    expect(renderTemplate("Thanks {{memory.userProfile.lastName ?? 'for waiting'}}.", scope)).toBe('Thanks for waiting.');
    expect(renderTemplate('[{{memory.userProfile.nickname ?? "none"}}]', scope)).toBe('[none]');
    expect(renderTemplate("[{{ queue.missing??' spaced ' }}|{{queue.missing ?? ''}}]", scope)).toBe('[ spaced |]');
    expect(renderTemplate("{{memory.userProfile.vip ?? 'no'}} {{memory.userProfile.tags ?? '[]'}}", scope)).toBe('true ["gold","early"]');
    // The fallback resolved the reference: nothing is missing, so no policy applies.
    expect(renderTemplate("{{queue.missing ?? 'x'}}", scope, { onMissing: 'error' })).toBe('x');
  });

  it('leaves text without placeholders and unbalanced braces alone', () => {
    expect(renderTemplate('no templates here', scope)).toBe('no templates here');
    expect(renderTemplate('{{ not closed', scope)).toBe('{{ not closed');
    expect(renderTemplate('{a} }} {', scope)).toBe('{a} }} {');
  });

  it('resolves prototype paths, inherited members and code-like text to nothing', () => {
    for (const text of [
      '{{constructor.constructor}}',
      '{{__proto__.x}}',
      '{{memory.__proto__}}',
      '{{prototype}}',
      '{{toString}}',
      '{{memory.hasOwnProperty}}',
      '{{memory.userProfile.tags.length}}',
      '{{memory.userProfile.firstName.length}}',
      "{{constructor.constructor('return process')()}}",
      '{{ this }}',
      '{{}}',
    ]) {
      expect(renderTemplate(text, scope), text).toBe('');
    }
  });

  it('never runs getters, functions or toJSON methods of the scope', () => {
    const { scope: traps, touched } = trapScope();
    for (const text of ['{{getter}}', '{{fn}}', '{{fn.call}}', '{{nested.getter}}', '{{nested}}', '{{withToJson}}', '{{date}}', '{{map.a}}', '{{map}}']) {
      expect(renderTemplate(text, traps), text).toBe('');
    }
    expect(touched()).toBe(0);
  });

  it('resolves any path built from hostile names to nothing and runs nothing (property)', () => {
    const hostile = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'call', 'apply', 'bind', 'length', '0', 'getter', 'fn', 'nested', 'withToJson', 'date', 'map', 'a');
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 5 }), fc.string({ maxLength: 3 }), (path, spaces) => {
        const { scope: traps, touched } = trapScope();
        const text = `{{${spaces.replace(/[{}]/g, '')}${path.join('.')}}}`;
        expect(renderTemplate(text, traps)).toBe('');
        expect(resolveTemplatePath(traps, path)).toBeUndefined();
        expect(touched()).toBe(0);
        expect(Object.prototype).not.toHaveProperty('polluted');
      }),
    );
  });
});

describe('evaluateTemplate', () => {
  it('keeps the JSON value of a lone reference and renders anything else to text', () => {
    expect(evaluateTemplate('{{memory.userProfile.age}}', scope)).toEqual({ value: 36, unresolved: [] });
    expect(evaluateTemplate('{{memory.userProfile.tags}}', scope).value).toEqual(['gold', 'early']);
    expect(evaluateTemplate('age {{memory.userProfile.age}}', scope).value).toBe('age 36');
    expect(evaluateTemplate('{{memory.userProfile.lastName}}', scope)).toMatchInlineSnapshot(`
      {
        "unresolved": [
          {
            "path": [
              "memory",
              "userProfile",
              "lastName",
            ],
            "raw": "{{memory.userProfile.lastName}}",
            "type": "ref",
          },
        ],
        "value": "",
      }
    `);
  });

  it('keeps the JSON value of a lone reference with a fallback, and uses the fallback text only when it resolves to nothing', () => {
    expect(evaluateTemplate("{{memory.userProfile.age ?? 'unknown'}}", scope)).toEqual({ value: 36, unresolved: [] });
    expect(evaluateTemplate("{{memory.userProfile.height ?? 'unknown'}}", scope)).toEqual({ value: 'unknown', unresolved: [] });
    expect(evaluateTemplate("age {{memory.userProfile.height ?? '?'}}", scope)).toEqual({ value: 'age ?', unresolved: [] });
  });

  it('copies resolved objects, so later edits of the scope do not reach the result', () => {
    const source = { memory: { profile: { name: 'Ada' } } };
    const { value } = evaluateTemplate('{{memory.profile}}', source);
    source.memory.profile.name = 'Grace';
    expect(value).toEqual({ name: 'Ada' });
  });
});

describe('parseTemplate and templateProblems', () => {
  it('splits text, references and malformed placeholders', () => {
    expect(parseTemplate('Hi {{ memory.name }}! {{1+1}}')).toMatchInlineSnapshot(`
      [
        {
          "text": "Hi ",
          "type": "text",
        },
        {
          "path": [
            "memory",
            "name",
          ],
          "raw": "{{ memory.name }}",
          "type": "ref",
        },
        {
          "text": "! ",
          "type": "text",
        },
        {
          "raw": "{{1+1}}",
          "reason": "Expected a dotted path of names such as {{memory.userProfile.firstName}}",
          "type": "invalid",
        },
      ]
    `);
  });

  it("parses {{path ?? 'text'}} as a reference with a fallback, and an unquoted or pathless one as malformed", () => {
    expect(parseTemplate(`{{ memory.name ?? 'a ?? b' }}{{memory.name ?? "it's"}}`)).toEqual([
      { type: 'ref', raw: "{{ memory.name ?? 'a ?? b' }}", path: ['memory', 'name'], fallback: 'a ?? b' },
      { type: 'ref', raw: '{{memory.name ?? "it\'s"}}', path: ['memory', 'name'], fallback: "it's" },
    ]);
    expect(templateProblems("{{memory.name ?? there}} {{ ?? 'x'}} {{user.name ?? 'x'}} {{memory.__proto__ ?? 'x'}}", ['memory'])).toMatchInlineSnapshot(`
      [
        "{{memory.name ?? there}}: Expected a quoted fallback after ??, such as {{memory.userProfile.firstName ?? 'there'}}",
        "{{ ?? 'x'}}: Expected a dotted path of names such as {{memory.userProfile.firstName}}",
        "{{user.name ?? 'x'}}: Expected a path starting with 'memory'",
        "{{memory.__proto__ ?? 'x'}}: Expected a path without '__proto__': templates read plain data only",
      ]
    `);
  });

  it('reports malformed placeholders and references outside the allowed roots', () => {
    expect(templateProblems('{{memory.a}} {{context.b.c}} {{user.name}} {{a..b}} {{__proto__.x}}', ['memory', 'context'])).toMatchInlineSnapshot(`
      [
        "{{user.name}}: Expected a path starting with 'memory' or 'context'",
        "{{a..b}}: Expected a dotted path of names such as {{memory.userProfile.firstName}}",
        "{{__proto__.x}}: Expected a path without '__proto__': templates read plain data only",
      ]
    `);
  });
});
