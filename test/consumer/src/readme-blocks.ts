/** A fenced code block of a Markdown file. */
export interface CodeBlock {
  /** The info string's first word (`ts` for ```ts). */
  language: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
  code: string;
}

const FENCE = /^(`{3,}|~{3,})\s*([^\s`]*)/;

/**
 * The fenced code blocks of a Markdown text, in order. Only fences at the start of a line count
 * (the READMEs never indent them); a block runs to the next fence of the same kind and length.
 */
export function extractCodeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  let open: { fence: string; language: string; start: number } | undefined;
  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    if (open === undefined) {
      const match = FENCE.exec(text);
      if (match !== null) {
        open = { fence: match[1] ?? '```', language: match[2] ?? '', start: index + 1 };
      }
    } else if (text.trimEnd() === open.fence) {
      blocks.push({
        language: open.language,
        line: open.start + 1,
        code: lines.slice(open.start, index).join('\n'),
      });
      open = undefined;
    }
  }
  if (open !== undefined) {
    throw new Error(`unclosed code fence opened on line ${open.start}`);
  }
  return blocks;
}

/** A JavaScript block that imports a siphook package is a program, not printed output. */
const IMPORTS_SIPHOOK = /^import\s[^;]*?\bfrom\s+['"](@siphook\/[\w-]+|siphook)(\/[^'"]*)?['"]/m;

/** A README block that must compile, and the file extension it compiles as. */
export interface CompiledBlock extends CodeBlock {
  extension: '.ts' | '.mjs';
}

/**
 * The blocks a README promises to compile: every ```ts block, and every ```js block that imports
 * a siphook package (type-checked as JavaScript, `checkJs`). Other JavaScript blocks show output;
 * shell and text blocks are left alone.
 */
export function compiledBlocks(markdown: string): CompiledBlock[] {
  const compiled: CompiledBlock[] = [];
  for (const block of extractCodeBlocks(markdown)) {
    if (block.language === 'ts' || block.language === 'typescript') {
      compiled.push({ ...block, extension: '.ts' });
    } else if (
      (block.language === 'js' || block.language === 'javascript') &&
      IMPORTS_SIPHOOK.test(block.code)
    ) {
      compiled.push({ ...block, extension: '.mjs' });
    }
  }
  return compiled;
}
