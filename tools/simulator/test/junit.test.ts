import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallReport, formatJunit, type RunReport, runSimulation } from '../src/index.js';
import { startTestServer, type TestServer } from './test-server.js';

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses XML with saxes (a conforming parser: any escaping mistake is an error) into a tree. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser();
  const root: Element = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: Element[] = [root];
  parser.on('opentag', (tag) => {
    const element: Element = {
      name: tag.name,
      attributes: tag.attributes as Record<string, string>,
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  const document = root.children[0];
  if (!document) throw new Error('no root element');
  return document;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer((request) => {
    if (request.path === '/good') return { body: '<Response><Reject reason="busy"/></Response>' };
    if (request.path === '/bad') {
      return { type: 'text/html', body: '<Response>\n<Bogus a="1"/>\n</Response>' };
    }
    return undefined;
  });
});

afterAll(async () => {
  await server.close();
});

describe('formatJunit', () => {
  it('is valid JUnit XML with one test case per check, failures typed by fault code', async () => {
    const report = await runSimulation(
      `${server.url}/bad`,
      [
        { name: 'evil <name> & "quotes" \u0001 ]]>', expect: { rejects: 'busy' } },
        { name: 'second call', callId: 'c-2' },
      ],
      { probe: true },
    );
    const xml = formatJunit(report);
    const suites = parseXml(xml);
    expect(suites.name).toBe('testsuites');
    const sections = [...report.calls, report.probes].filter((section) => section !== undefined);
    expect(suites.children.map((suite) => suite.name)).toEqual(sections.map(() => 'testsuite'));
    expect(suites.children[0]?.attributes.name).toBe('evil <name> & "quotes" \ufffd ]]>');
    let tests = 0;
    let failures = 0;
    suites.children.forEach((suite, index) => {
      const section = sections[index];
      const cases = suite.children.filter((child) => child.name === 'testcase');
      expect(cases.map((testcase) => testcase.attributes.name)).toEqual(
        section?.checks.map((check) => check.name),
      );
      const failed = cases.filter((testcase) =>
        testcase.children.some((child) => child.name === 'failure'),
      );
      expect(Number(suite.attributes.tests)).toBe(cases.length);
      expect(Number(suite.attributes.failures)).toBe(failed.length);
      tests += cases.length;
      failures += failed.length;
    });
    expect(Number(suites.attributes.tests)).toBe(report.totals.checks);
    expect(Number(suites.attributes.failures)).toBe(failures);
    expect(tests).toBe(report.totals.checks);
    expect(failures).toBe(report.totals.failed);
    // The faults of the broken answer, by name.
    const types = suites.children[0]?.children
      .flatMap((testcase) => testcase.children)
      .filter((child) => child.name === 'failure')
      .map((failure) => failure.attributes.type);
    expect(types).toEqual(['CONTENT_TYPE', 'XML_INVALID', 'EXPECT_REJECTS']);
  });

  it('marks an unreachable target as an <error>, and a passing run has no failures', async () => {
    const passing = formatJunit(
      await runSimulation(`${server.url}/good`, [{ expect: { rejects: 'busy' } }]),
    );
    expect(parseXml(passing).attributes).toMatchObject({ failures: '0', errors: '0' });
    const closed = await startTestServer(() => undefined);
    await closed.close();
    const unreachable = parseXml(formatJunit(await runSimulation(closed.url, [{}])));
    expect(unreachable.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1' });
    const testcase = unreachable.children[0]?.children.find((child) => child.name === 'testcase');
    expect(testcase?.children[0]?.name).toBe('error');
  });
});

describe('formatJunit on any text', () => {
  /** A one-call report whose every free-text field is `text`. */
  function reportWith(text: string): RunReport {
    const check = { name: text, code: 'PLAY_AUDIO' as const, ok: false, message: text, at: 1 };
    const call: CallReport = {
      kind: 'call',
      name: text,
      target: text,
      callId: text,
      startedAt: '2026-12-04T12:00:00.000Z',
      durationMs: 2,
      ok: false,
      steps: [{ kind: 'check', at: 1, text, detail: text, check }],
      checks: [check],
      outcome: { kind: 'continues', cause: text },
      dialed: [],
      plays: [],
      audioSeconds: 0,
      gathers: [],
    };
    return { target: text, ok: false, calls: [call], totals: { checks: 1, passed: 0, failed: 1 } };
  }

  it('stays well-formed XML for any string, control characters and lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const suite = parseXml(formatJunit(reportWith(text))).children[0]!;
        const shown = suite.attributes.name!;
        // What XML can carry comes back exactly; anything else becomes U+FFFD, one for one.
        expect(Array.from(shown)).toHaveLength(Array.from(text).length);
        Array.from(text).forEach((char, index) => {
          const back = Array.from(shown)[index];
          expect([char, '\ufffd']).toContain(back);
        });
        const failure = suite.children
          .find((child) => child.name === 'testcase')
          ?.children.find((child) => child.name === 'failure');
        expect(failure?.attributes.type).toBe('PLAY_AUDIO');
      }),
      { seed: 20_261_204, numRuns: Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200) },
    );
  });

  it('keeps tab, newline, quotes and markup exactly', () => {
    const text = 'a\tb\nc\r"d" <e> & \'f\' ]]>';
    const suite = parseXml(formatJunit(reportWith(text))).children[0]!;
    expect(suite.attributes.name).toBe(text);
    expect(suite.attributes.name).not.toContain('\ufffd');
  });
});
