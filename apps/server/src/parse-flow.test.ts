import { isSiphookError, type SiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import type { FlowIssue } from './parse-flow.js';
import { parseFlow, validateFlow } from './parse-flow.js';

function issuesOf(run: () => unknown): FlowIssue[] {
  try {
    run();
  } catch (error) {
    expect(isSiphookError(error, 'FLOW_INVALID')).toBe(true);
    return (error as SiphookError).issues as FlowIssue[];
  }
  throw new Error('expected FLOW_INVALID');
}

describe('parseFlow', () => {
  it('reads the short forms of every action', () => {
    const flow = parseFlow(
      [
        'routes:',
        '  - match: { direction: in, to: "49211*", from: [anonymous, "4930123"] }',
        '    actions:',
        '      - play: hello.wav',
        '      - gather:',
        '          branches:',
        '            1: [hangup]',
        '            "#": [reject]',
        '            default: [{ reject: busy }]',
        '            timeout: [{ dial: voicemail }]',
        '  - actions: [{ dial: ["4915799912345", "4915799912346"] }]',
      ].join('\n'),
    );
    expect(flow.routes).toHaveLength(2);
    expect(flow.routes[0]?.match).toEqual({
      direction: 'in',
      to: '49211*',
      from: ['anonymous', '4930123'],
    });
    const gather = flow.routes[0]?.actions[1] as { gather: { branches: Record<string, unknown> } };
    expect(Object.keys(gather.gather.branches).sort()).toEqual(['#', '1', 'default', 'timeout']);
  });

  it('takes a dial number with a leading "+" and keeps it (issue 11), but no "+" in a match', () => {
    const flow = parseFlow('routes:\n  - actions: [{ dial: "+4915799912345" }]\n');
    expect(flow.routes[0]?.actions).toEqual([{ dial: '+4915799912345' }]);
    for (const pattern of ['+49211*', '1234567890123456', '49 211*', '**']) {
      const issues = issuesOf(() =>
        parseFlow(`routes:\n  - match: { to: "${pattern}" }\n    actions: [hangup]\n`),
      );
      expect(issues.map((issue) => issue.path)).toEqual(['routes[0].match.to']);
    }
  });

  it('reads JSON too, with line numbers', () => {
    const issues = issuesOf(() =>
      parseFlow('{\n  "routes": [\n    { "actions": [\n      { "play": 5 }\n    ] }\n  ]\n}', {
        name: 'x.json',
      }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'routes[0].actions[0].play', received: '5', line: 4 });
    expect(issues[0]?.message).toMatch(/^x\.json:4:\d+: routes\[0\]\.actions\[0\]\.play: expected/);
  });

  it('names the path, expectation, received value and line of each mistake', () => {
    const text = [
      'routes:', // 1
      '  - match: { to: "+49211" }', // 2
      '    actions:', // 3
      '      - hangupp', // 4
      '      - gather:', // 5
      '          maxDigits: 0', // 6
      '          branches:', // 7
      '            "1": [{ dial: abc }]', // 8
      '            x: []', // 9
      '      - { play: a.wav, dial: "1" }', // 10
      'extra: 1', // 11
    ].join('\n');
    const issues = issuesOf(() => parseFlow(text, { name: 'bad.yaml' }));
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]));
    expect(byPath['routes[0].match.to']).toMatchObject({ line: 2, received: '"+49211"' });
    expect(byPath['routes[0].match.to']?.expected).toContain('without "+"');
    expect(byPath['routes[0].actions[0]']).toMatchObject({ line: 4, received: '"hangupp"' });
    expect(byPath['routes[0].actions[1].gather.maxDigits']).toMatchObject({ line: 6 });
    expect(byPath['routes[0].actions[1].gather.branches.1[0].dial']).toMatchObject({ line: 8 });
    expect(byPath['routes[0].actions[1].gather.branches.x']).toMatchObject({
      line: 9,
      received: '"x"',
    });
    expect(byPath['routes[0].actions[2]']?.line).toBe(10);
    expect(byPath['extra']).toMatchObject({ code: 'FIELD_UNKNOWN', line: 11 });
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(() => parseFlow('routes:\n  - actions: [hangup\n', { name: 'y' }));
    expect(issues[0]?.code).toBe('FLOW_SYNTAX');
    expect(issues[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('refuses a file that expands aliases without bound', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      bomb.push(`${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`);
    }
    bomb.push('routes: [{ actions: [hangup] }]');
    const issues = issuesOf(() => parseFlow(bomb.join('\n')));
    expect(issues[0]?.code).toBe('FLOW_SYNTAX');
  });
});

describe('validateFlow rules', () => {
  it('refuses actions after one that ends the call', () => {
    const issues = issuesOf(() =>
      validateFlow({ routes: [{ actions: [{ dial: 'voicemail' }, { play: 'a.wav' }] }] }),
    );
    expect(issues).toMatchObject([{ code: 'FLOW_UNREACHABLE', path: 'routes[0].actions[1]' }]);
  });

  it('allows retry only inside a gather branch', () => {
    const issues = issuesOf(() => validateFlow({ routes: [{ actions: ['retry'] }] }));
    expect(issues).toMatchObject([{ code: 'FLOW_RETRY_OUTSIDE_GATHER' }]);
    expect(() =>
      validateFlow({ routes: [{ actions: [{ gather: { branches: { default: ['retry'] } } }] }] }),
    ).not.toThrow();
  });

  it('refuses branch digits longer than maxDigits', () => {
    const issues = issuesOf(() =>
      validateFlow({ routes: [{ actions: [{ gather: { branches: { '12': ['hangup'] } } }] }] }),
    );
    expect(issues).toMatchObject([
      { code: 'FLOW_BRANCH_UNREACHABLE', path: 'routes[0].actions[0].gather.branches.12' },
    ]);
  });

  it('wants exactly one dial target in the long form', () => {
    const issues = issuesOf(() =>
      validateFlow({
        routes: [{ actions: [{ dial: { numbers: '4915799912345', voicemail: true } }] }],
      }),
    );
    expect(issues[0]).toMatchObject({ path: 'routes[0].actions[0].dial' });
    expect(issues[0]?.expected).toBe('exactly one of numbers or voicemail');
  });

  it('wants at least one route', () => {
    const issues = issuesOf(() => validateFlow({ routes: [] }));
    expect(issues[0]?.path).toBe('routes');
  });
});

describe('say: steps', () => {
  it('reads the short form and { text, voice } anywhere a play may stand, gathers too', () => {
    const flow = parseFlow(
      [
        'routes:',
        '  - actions:',
        '      - say: "Grüße aus Köln"',
        '      - gather:',
        '          say: { text: "Press 1", voice: en }',
        '          branches:',
        '            "1": [{ say: Danke }, hangup]',
      ].join('\n'),
    );
    expect(flow.routes[0]?.actions).toEqual([
      { say: { text: 'Grüße aus Köln' } },
      {
        gather: {
          say: { text: 'Press 1', voice: 'en' },
          branches: { '1': [{ say: { text: 'Danke' } }, 'hangup'] },
        },
      },
    ]);
  });

  it('refuses empty, over-long and control-character text with the text rule and its line', () => {
    const text = [
      'routes:', // 1
      '  - actions:', // 2
      '      - say: ""', // 3
      `      - say: "${'a'.repeat(2001)}"`, // 4
      '      - say: { text: "a\\u0007b", voice: de }', // 5
      '      - say: { text: hi, voice: "-x" }', // 6
      '      - say: { txt: hi }', // 7
      '      - say: [hi]', // 8
    ].join('\n');
    const issues = issuesOf(() => parseFlow(text, { name: 'say.yaml' }));
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]));
    expect(byPath['routes[0].actions[0].say']).toMatchObject({
      line: 3,
      expected: 'a text to speak (not empty)',
    });
    expect(byPath['routes[0].actions[0].say']?.message).toMatch(/^say\.yaml:3:14: /);
    expect(byPath['routes[0].actions[1].say']?.expected).toMatch(/^at most 2000 characters/);
    expect(byPath['routes[0].actions[2].say.text']).toMatchObject({ line: 5 });
    expect(byPath['routes[0].actions[2].say.text']?.expected).toContain('U+0007');
    expect(byPath['routes[0].actions[3].say.voice']).toMatchObject({ line: 6 });
    expect(byPath['routes[0].actions[4].say.txt']).toMatchObject({ code: 'FIELD_UNKNOWN' });
    expect(byPath['routes[0].actions[5].say']?.expected).toMatch(/^a text to speak, or \{ text/);
  });

  it('refuses a gather with both play and say', () => {
    const issues = issuesOf(() =>
      validateFlow({ routes: [{ actions: [{ gather: { play: 'a.wav', say: 'Hallo' } }] }] }),
    );
    expect(issues).toMatchObject([
      {
        path: 'routes[0].actions[0].gather.say',
        expected: 'either play or say in a gather, not both',
      },
    ]);
  });
});
