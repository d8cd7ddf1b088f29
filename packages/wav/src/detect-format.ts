/** What a file that is not RIFF looks like, judged from its first bytes. */
export interface DetectedFormat {
  /**
   * Short name: audio (`mp3`, `aac`, `ogg`, `flac`, `mp4`, `aiff`, `au`, `caf`, `webm`,
   * `matroska`, `voc`, `8svx`, `sphere`, `w64`, `amr`), or not (`html`, `xml`, `json`, `text`,
   * `empty`, `binary`).
   */
  kind: string;
  /** For messages: what it is and why we think so, e.g. `MP3 audio (ID3 tag)`. */
  description: string;
  /** True for a recognised audio format, which `convertToPlayable` hands to ffmpeg. */
  audio: boolean;
}

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/** How much of the start is sniffed for text; enough to see markup, small enough to stay cheap. */
const SNIFF_BYTES = 512;
const HTML_START = /^\s*(<!doctype\s+html|<html|<head|<body|<!--)/i;
const XML_START = /^\s*<\?xml/i;
const JSON_START = /^\s*[{[]/;
/** Matroska/WebM files start with an EBML header; its DocType element says which. */
const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const AUDIO = true;

/**
 * Names what a non-RIFF file most likely is, from its first bytes: audio formats by their magic
 * (ID3 or an MPEG frame sync, `OggS`, `fLaC`, `caff`, EBML, `ftyp`…), then markup, then plain text.
 *
 * @example
 * detectFormat(new TextEncoder().encode('<!DOCTYPE html>')) // { kind: 'html', description: 'an HTML page', audio: false }
 */
export function detectFormat(head: Uint8Array): DetectedFormat {
  if (head.length === 0)
    return { kind: 'empty', description: 'an empty file (0 bytes)', audio: false };
  const b0 = head[0]!;
  const b1 = head[1] ?? 0;
  if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
    // Checked before the MPEG sync, which FF FE would otherwise pass.
    return { kind: 'text', description: 'UTF-16 text (byte order mark)', audio: false };
  }
  if (ascii(head, 0, 3) === 'ID3')
    return { kind: 'mp3', description: 'MP3 audio (ID3 tag)', audio: AUDIO };
  // MPEG audio frame sync: 11 set bits. Layer bits 00 mean AAC in ADTS framing instead.
  if (b0 === 0xff && (b1 & 0xe0) === 0xe0) {
    if ((b1 & 0x06) === 0)
      return { kind: 'aac', description: 'AAC audio (ADTS frame sync)', audio: AUDIO };
    const b2 = head[2] ?? 0;
    // Reserved version, bitrate 1111 or sample-rate 11 mean this is no MPEG frame header.
    if ((b1 & 0x18) !== 0x08 && (b2 & 0xf0) !== 0xf0 && (b2 & 0x0c) !== 0x0c) {
      return { kind: 'mp3', description: 'MP3 audio (MPEG frame sync)', audio: AUDIO };
    }
  }
  const magic = ascii(head, 0, 4);
  if (magic === 'OggS') return { kind: 'ogg', description: 'Ogg audio (OggS page)', audio: AUDIO };
  if (magic === 'fLaC')
    return { kind: 'flac', description: 'FLAC audio (fLaC marker)', audio: AUDIO };
  if (magic === '.snd')
    return { kind: 'au', description: 'Sun/NeXT AU audio (.snd marker)', audio: AUDIO };
  if (magic === 'caff')
    return { kind: 'caf', description: 'Core Audio Format audio (caff marker)', audio: AUDIO };
  if (magic === 'FORM') {
    const form = ascii(head, 8, 12);
    if (/^AIF[FC]$/.test(form))
      return { kind: 'aiff', description: 'AIFF audio (FORM/AIFF)', audio: AUDIO };
    if (form === '8SVX')
      return { kind: '8svx', description: 'Amiga 8SVX audio (FORM/8SVX)', audio: AUDIO };
  }
  if (ascii(head, 0, 19) === 'Creative Voice File')
    return { kind: 'voc', description: 'Creative Voice (VOC) audio', audio: AUDIO };
  if (ascii(head, 0, 7) === 'NIST_1A')
    return { kind: 'sphere', description: 'NIST SPHERE audio (NIST_1A header)', audio: AUDIO };
  if (magic === 'riff' && head[4] === 0x2e && head[5] === 0x91 && head[6] === 0xcf)
    return { kind: 'w64', description: 'Sony Wave64 audio (riff GUID)', audio: AUDIO };
  if (ascii(head, 0, 5) === '#!AMR')
    return { kind: 'amr', description: 'AMR audio (#!AMR marker)', audio: AUDIO };
  if (EBML_MAGIC.every((byte, i) => head[i] === byte)) {
    // The DocType string sits a few bytes into the EBML header.
    const webm = ascii(head, 0, Math.min(head.length, 64)).includes('webm');
    return webm
      ? { kind: 'webm', description: 'WebM media (EBML header, DocType webm)', audio: AUDIO }
      : { kind: 'matroska', description: 'Matroska media (EBML header)', audio: AUDIO };
  }
  if (ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    return {
      kind: 'mp4',
      description: `MP4/M4A media (ftyp brand ${JSON.stringify(brand)})`,
      audio: AUDIO,
    };
  }
  const sample = head.subarray(0, SNIFF_BYTES);
  if (!looksLikeText(sample))
    return { kind: 'binary', description: 'unrecognised binary data', audio: false };
  const text = new TextDecoder('utf-8').decode(sample).replace(/^\uFEFF/, '');
  if (HTML_START.test(text)) return { kind: 'html', description: 'an HTML page', audio: false };
  if (XML_START.test(text)) return { kind: 'xml', description: 'an XML document', audio: false };
  if (JSON_START.test(text)) return { kind: 'json', description: 'JSON text', audio: false };
  return { kind: 'text', description: 'plain text', audio: false };
}

/** True when no byte is a control character other than tab, CR, LF or FF (UTF-8 bytes ≥ 0x80 pass). */
function looksLikeText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c)
      return false;
    if (byte === 0x7f) return false;
  }
  return true;
}
