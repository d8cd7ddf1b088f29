import { describe, expect, it } from 'vitest';
import { compiledBlocks, extractCodeBlocks } from './readme-blocks.js';

describe('extractCodeBlocks', () => {
  it('finds each fenced block with its language and first code line', () => {
    const markdown = [
      '# x',
      '',
      '```ts',
      'const a = 1;',
      '```',
      'text',
      '````js',
      '```',
      '````',
    ].join('\n');
    expect(extractCodeBlocks(markdown)).toEqual([
      { language: 'ts', line: 4, code: 'const a = 1;' },
      { language: 'js', line: 8, code: '```' },
    ]);
    expect(compiledBlocks(markdown).map((block) => block.code)).toEqual(['const a = 1;']);
  });

  it('compiles JavaScript that imports a siphook package, not JavaScript that shows output', () => {
    const markdown = [
      '```js',
      "import { createServer } from '@siphook/server';",
      '```',
      '```js',
      "{ event: 'dtmf', dtmf: '' }",
      '```',
      '```js',
      "import express from 'express';",
      '```',
    ].join('\n');
    expect(compiledBlocks(markdown).map((block) => [block.line, block.extension])).toEqual([
      [2, '.mjs'],
    ]);
  });

  it('refuses an unclosed fence', () => {
    expect(() => extractCodeBlocks('```ts\nconst a = 1;\n')).toThrow(/line 1/);
  });
});
