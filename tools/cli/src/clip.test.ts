import { describe, expect, it } from 'vitest';
import { clipMessage, clipValue, MAX_ECHO } from './clip.js';

describe('clipValue', () => {
  it('keeps short values and shortens long ones to MAX_ECHO, start and end kept', () => {
    expect(clipValue('prompt.wav')).toBe('prompt.wav');
    const exact = 'x'.repeat(MAX_ECHO);
    expect(clipValue(exact)).toBe(exact);
    const long = `/tmp/${'d/'.repeat(100)}prompt.wav`;
    const clipped = clipValue(long);
    expect(clipped).toHaveLength(MAX_ECHO);
    expect(clipped.startsWith('/tmp/d/')).toBe(true);
    expect(clipped.endsWith('/prompt.wav')).toBe(true);
    expect(clipped).toContain('…');
  });
});

describe('clipMessage', () => {
  it('clips known values with spaces, and any long run without whitespace', () => {
    const spaced = `/tmp/${'a b/'.repeat(40)}x.xml`;
    const quoted = `'${'q'.repeat(300)}'`;
    const message = clipMessage(`cannot read ${spaced}: ENOENT, open ${quoted}`, [spaced]);
    expect(message).toBe(`cannot read ${clipValue(spaced)}: ENOENT, open ${clipValue(quoted)}`);
    expect(clipMessage('short message, nothing to do')).toBe('short message, nothing to do');
  });
});
