import { stringify } from 'yaml';
import type { CallDetail, PushRecord } from './call-record.js';
import { HASHED_NUMBER } from './hash-numbers.js';
import { analyzePush } from './summarize-call.js';

/** What the server's answers made of a call, walked as the simulator walks them. */
interface Walk {
  dials: string[];
  rejects?: 'busy' | 'rejected';
  /** The last answer left the call waiting at a Gather whose digits never came. */
  waitingAtGather: boolean;
  /** The flow ran out of actions: the account's defaults took over. */
  continues: boolean;
}

/**
 * Turns a logged call into a simulator scenario file (YAML) that replays it: the newCall's fields,
 * the digits of each dtmf push, the hangup cause, and expectations taken from what the server
 * answered (`dials`, `rejects`, `gathers`, `hangsUpWith`, `continues`). `siphook simulate URL
 * --scenario FILE` passes while the server still behaves the same.
 *
 * The callId is left out (the replay gets a fresh one, so it is not mixed with the original in
 * the log); numbers stored hashed cannot be replayed and become the simulator's defaults, which a
 * comment says.
 *
 * @example
 * exportScenario(detail)
 * // '# call 123456 …\ncalls:\n  - name: call 123456\n    from: "492111234567"\n …'
 */
export function exportScenario(detail: CallDetail): string {
  const pushes = [...detail.pushes].sort((a, b) => a.id - b.id);
  const newCall = pushes.find((push) => push.event === 'newCall')?.decoded ?? {};
  const notes: string[] = [];
  const call: Record<string, unknown> = { name: `call ${detail.call.callId}` };

  const number = (field: 'from' | 'to' | 'diversion'): void => {
    const value = newCall[field];
    if (typeof value !== 'string') return;
    if (!HASHED_NUMBER.test(value)) call[field] = value;
    else notes.push(`${field} is stored hashed (${value}): the simulator's default is used`);
  };
  number('from');
  number('to');
  if (newCall['direction'] === 'in' || newCall['direction'] === 'out') {
    call['direction'] = newCall['direction'];
  }
  if (Array.isArray(newCall['user'])) call['user'] = newCall['user'];
  number('diversion');

  const dtmf = pushes
    .filter((push) => push.event === 'dtmf')
    .map((push) => String(push.decoded?.['dtmf'] ?? ''));
  if (dtmf.length > 0) call['dtmf'] = dtmf;

  const walk = walkAnswers(pushes);
  const hangup = pushes.find((push) => push.event === 'hangup')?.decoded;
  const cause = typeof hangup?.['cause'] === 'string' ? hangup['cause'] : undefined;
  // The cause tells the simulator how a dialled party reacts and how a call outside the flow ends.
  if (
    cause !== undefined &&
    cause !== 'normalClearing' &&
    (walk.dials.length > 0 || walk.continues)
  ) {
    call['cause'] = cause;
  }
  const answer = pushes.find((push) => push.event === 'answer')?.decoded;
  const answering = answer?.['answeringNumber'];
  if (
    typeof answering === 'string' &&
    !HASHED_NUMBER.test(answering) &&
    answering !== walk.dials[0]
  ) {
    call['answeringNumber'] = answering;
  }

  const expect: Record<string, unknown> = {};
  if (walk.dials.length > 0) {
    expect['dials'] = walk.dials.length === 1 ? walk.dials[0] : walk.dials;
    if (cause !== undefined) expect['hangsUpWith'] = cause;
  }
  if (walk.rejects !== undefined) expect['rejects'] = walk.rejects;
  if (walk.waitingAtGather) {
    notes.push('the call ended while a Gather waited for digits: the gather count is not checked');
  } else {
    expect['gathers'] = dtmf.length;
  }
  if (walk.continues) expect['continues'] = true;
  if (Object.keys(expect).length > 0) call['expect'] = expect;

  const header = [
    `call ${detail.call.callId}, ${new Date(detail.call.startedAt).toISOString()}, outcome ${detail.call.outcome}`,
    'exported from the siphook call log; replay: siphook simulate URL --scenario FILE',
    ...notes,
  ];
  return `${header.map((line) => `# ${line}`).join('\n')}\n${stringify({ calls: [call] })}`;
}

/** Follows the answers of newCall and dtmf pushes the way sipgate.io carries them out. */
function walkAnswers(pushes: readonly PushRecord[]): Walk {
  const walk: Walk = { dials: [], waitingAtGather: false, continues: false };
  let ended = false;
  for (const push of pushes) {
    if (ended || (push.event !== 'newCall' && push.event !== 'dtmf')) continue;
    const response = analyzePush(push).response;
    walk.waitingAtGather = false;
    walk.continues = response === null;
    if (response === null) continue;
    walk.continues = true;
    for (const action of response.actions) {
      if (action.action === 'Play') continue;
      walk.continues = false;
      if (action.action === 'Gather') {
        walk.waitingAtGather = true;
      } else if (action.action === 'Dial') {
        walk.dials = 'numbers' in action.target ? [...action.target.numbers] : ['voicemail'];
        ended = true;
      } else if (action.action === 'Reject') {
        walk.rejects = action.reason;
        ended = true;
      } else {
        ended = true;
      }
      break;
    }
  }
  return walk;
}
