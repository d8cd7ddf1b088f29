/** A PCM WAV in memory: a 44-byte RIFF header and a quiet sine, for tests that serve audio. */
export function makeWav(options: {
  sampleRate: number;
  seconds: number;
  channels?: number;
  bitsPerSample?: number;
}): Buffer {
  const channels = options.channels ?? 1;
  const bits = options.bitsPerSample ?? 16;
  const blockAlign = (channels * bits) / 8;
  const frames = Math.round(options.sampleRate * options.seconds);
  const dataSize = frames * blockAlign;
  const buffer = Buffer.alloc(44 + dataSize);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + dataSize, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(channels, 22);
  buffer.writeUInt32LE(options.sampleRate, 24);
  buffer.writeUInt32LE(options.sampleRate * blockAlign, 28);
  buffer.writeUInt16LE(blockAlign, 32);
  buffer.writeUInt16LE(bits, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(dataSize, 40);
  if (bits === 16) {
    for (let frame = 0; frame < frames; frame++) {
      const sample = Math.round(3000 * Math.sin((2 * Math.PI * 440 * frame) / options.sampleRate));
      for (let channel = 0; channel < channels; channel++) {
        buffer.writeInt16LE(sample, 44 + frame * blockAlign + channel * 2);
      }
    }
  }
  return buffer;
}
