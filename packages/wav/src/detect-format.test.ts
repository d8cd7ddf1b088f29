import { describe, expect, it } from 'vitest';
import { detectFormat } from './detect-format.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const text = (value: string) => new TextEncoder().encode(value);

describe('detectFormat', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['mp3', text('ID3\u0004\u0000')],
    ['mp3', bytes(0xff, 0xfb, 0x90, 0x64)],
    ['mp3', bytes(0xff, 0xf3, 0x48, 0xc4)],
    ['aac', bytes(0xff, 0xf1, 0x50, 0x80)],
    ['ogg', text('OggS\u0000\u0002')],
    ['flac', text('fLaC\u0000\u0000\u0000\u0022')],
    ['mp4', bytes(0, 0, 0, 0x20, ...text('ftypM4A '))],
    ['aiff', text('FORM\u0000\u0000\u0010\u0000AIFF')],
    ['au', text('.snd')],
    ['caf', text('caff\u0000\u0001\u0000\u0000desc')],
    [
      'webm',
      bytes(
        0x1a,
        0x45,
        0xdf,
        0xa3,
        0x9f,
        0x42,
        0x86,
        0x81,
        0x01,
        0x42,
        0x82,
        0x84,
        ...text('webm'),
      ),
    ],
    ['matroska', bytes(0x1a, 0x45, 0xdf, 0xa3, 0xa3, 0x42, 0x82, 0x88, ...text('matroska'))],
    ['voc', text('Creative Voice File\u001a\u001a\u0000')],
    ['8svx', text('FORM\u0000\u0000\u0010\u00008SVXVHDR')],
    ['amr', text('#!AMR\n')],
    // NIST SPHERE's header is text: it must not be taken for a text file.
    ['sphere', text('NIST_1A\n   1024\nsample_rate -i 8000\n')],
    ['w64', bytes(...text('riff'), 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb)],
    ['html', text('\n  <!doctype html><html>')],
    ['html', text('\uFEFF<html lang="de">')],
    ['xml', text('<?xml version="1.0"?><Response/>')],
    ['json', text('{"error":"not found"}')],
    ['text', text('Hallo, dies ist keine Audiodatei.\n')],
    ['text', bytes(0xff, 0xfe, 0x48, 0x00)],
    ['binary', bytes(0x00, 0x01, 0x02, 0x03, 0x89, 0x50)],
    // FF E0 with a reserved MPEG version is not a frame header.
    ['binary', bytes(0xff, 0xeb, 0x90, 0x00)],
  ])('names %s', (kind, head) => {
    expect(detectFormat(head).kind).toBe(kind);
  });

  it('marks audio formats as audio, and markup, text and unknown bytes as not', () => {
    expect(detectFormat(text('caff\u0000\u0001')).audio).toBe(true);
    expect(detectFormat(text('OggS\u0000\u0002')).audio).toBe(true);
    expect(detectFormat(text('<html>')).audio).toBe(false);
    expect(detectFormat(bytes(0x00, 0x01, 0x02)).audio).toBe(false);
  });
});
