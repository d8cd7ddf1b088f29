const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;
const ACTION_NAMES: ReadonlySet<unknown> = new Set(['Dial', 'Play', 'Gather', 'Reject', 'Hangup']);

/** Splits a model path as the schema writes it (`actions[0].target.numbers[1]`) into keys. */
export function splitModelPath(path: string): (string | number)[] {
  if (path === '(root)') return [];
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(SEGMENT)) {
    keys.push(match[2] === undefined ? match[1]! : Number(match[2]));
  }
  return keys;
}

function actionAt(model: unknown, index: number): unknown {
  const actions = (model as { actions?: unknown } | null)?.actions;
  return Array.isArray(actions) ? actions[index] : undefined;
}

/**
 * Maps a path in the response model to the element path of the XML it is written as:
 * `actions[0].onData` → `/Response/Gather[1]/@onData`, `actions[2].target.numbers[1]` →
 * `/Response/Dial[1]/Number[2]`. Element indexes count same-named siblings from 1, as XPath
 * does, so `model` (the response as given) is needed to name and count the actions.
 */
export function toXmlPath(
  modelPath: string | readonly (string | number)[],
  model: unknown,
): string {
  const keys = typeof modelPath === 'string' ? splitModelPath(modelPath) : modelPath;
  let out = '/Response';
  let i = 0;
  if (keys[0] === 'actions' && typeof keys[1] === 'number') {
    const index = keys[1];
    const name = (actionAt(model, index) as { action?: unknown } | undefined)?.action;
    if (ACTION_NAMES.has(name)) {
      let nth = 0;
      for (let j = 0; j <= index; j++) {
        if ((actionAt(model, j) as { action?: unknown } | undefined)?.action === name) nth++;
      }
      out += `/${String(name)}[${nth}]`;
    } else out += `/*[${index + 1}]`;
    i = 2;
  } else if (keys[0] === 'actions') i = 1;
  for (; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key === 'number') {
      // Only `target.numbers[n]` is a list below an action.
      out += `/Number[${key + 1}]`;
    } else if (key === 'url') out += '/Url[1]';
    else if (key === 'play') out += '/Play[1]';
    else if (key === 'voicemail') out += '/Voicemail[1]';
    else if (key === 'action' || key === 'target' || key === 'numbers') {
      // The element itself: `action` is its name, a Dial's target is its content.
    } else out += `/@${key}`;
  }
  return out;
}
