import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

// Placeholder until @siphook/wav's inspect/check lands; replaced by that work.
export function registerWavCheck(_wav: Command, _context: CommandContext): void {}
export function registerWavInfo(_wav: Command, _context: CommandContext): void {}
