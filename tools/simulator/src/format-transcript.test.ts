import { describe, expect, it } from 'vitest';
import type { Check } from './call-report.js';
import { formatStep } from './format-transcript.js';

describe('formatStep', () => {
  it('marks passed and failed checks and indents detail lines', () => {
    const failed: Check = {
      name: 'newCall status',
      code: 'STATUS',
      ok: false,
      message: 'x',
      at: 12,
    };
    expect(
      formatStep({
        kind: 'check',
        at: 12,
        text: 'newCall status: expected 200; received 500',
        check: failed,
      }),
    ).toBe('[   12 ms] ✗ newCall status: expected 200; received 500\n');
    expect(
      formatStep({
        kind: 'answer',
        at: 3,
        text: 'newCall ← 200',
        detail: '<Response>\n</Response>',
      }),
    ).toBe('[    3 ms] ← newCall ← 200\n             <Response>\n             </Response>\n');
  });

  it('never prints terminal control sequences a server sent', () => {
    const line = formatStep({
      kind: 'answer',
      at: 0,
      text: 'a',
      detail: '\u001b[2J\u001b]0;pwned\u0007ok\tx',
    });
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(line).toContain('\\x1b[2J\\x1b]0;pwned\\x07ok\tx');
  });
});
