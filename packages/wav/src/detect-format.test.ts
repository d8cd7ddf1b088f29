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
});
