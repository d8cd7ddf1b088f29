import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

// Placeholder until @siphook/wav's converter lands; replaced by that work.
export function registerWavConvert(_wav: Command, _context: CommandContext): void {}
