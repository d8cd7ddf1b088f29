import { describe, expect, it } from 'vitest';
import { playUrlsOf } from './play-urls.js';

describe('playUrlsOf', () => {
  it('names each Play URL once, in document order, top-level and inside Gather', () => {
    const xml = `<?xml version="1.0"?><Response onAnswer="nope">
      <Play><Url> http://h/a.wav </Url></Play>
      <Gather><Play><Url><![CDATA[http://h/b.wav?x=1&y=2]]></Url></Play></Gather>
      <Play><Url>http://h/a.wav</Url></Play>
      <Dial><Url>http://h/not-a-play.wav</Url></Dial>
      <Play><Url>http://h/c.wav?a=1&amp;b=2</Url></Play>
    </Response>`;
    expect(playUrlsOf(xml)).toEqual([
      'http://h/a.wav',
      'http://h/b.wav?x=1&y=2',
      'http://h/c.wav?a=1&b=2',
    ]);
  });

  it('reads past what makes a document invalid or not even well-formed', () => {
    expect(
      playUrlsOf(
        '<Response><Say>hi</Say><Play><Url>http://h/a.wav?x=1&y=2</Url></Play><Play><Url>http://h/b.wav</Url></Play>',
      ),
    ).toEqual(['http://h/a.wav?x=1&y=2', 'http://h/b.wav']);
    expect(
      playUrlsOf(
        '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><Response><Play><Url>&e;http://h/a.wav</Url></Play></Response>',
      ),
    ).toEqual(['&e;http://h/a.wav']); // an unknown entity stays text: nothing is ever expanded
    expect(
      playUrlsOf(new TextEncoder().encode('<html><body>502 Bad Gateway</body></html>')),
    ).toEqual([]);
    expect(playUrlsOf('')).toEqual([]);
  });
});
