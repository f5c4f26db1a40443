// Small text helpers shared by the terminal and file reporters, so that the plain log, the live view and the recap
// name tasks, items and outcomes the same way.
import type { TaskResult } from '../types/result.js';

/** Ansible's header width: "PLAY [x] ****" lines are padded with stars to this many columns. */
export const HEADER_WIDTH = 80;

export function header(title: string): string {
  const stars = Math.max(3, HEADER_WIDTH - title.length - 1);
  return `${title} ${'*'.repeat(stars)}`;
}

/** "role : task" as Ansible prints it inside TASK [...]. */
export function taskLabel(result: Pick<TaskResult, 'task' | 'role'>): string {
  return result.role ? `${result.role} : ${result.task}` : result.task;
}

/** Python's textwrap.wrap(text, width) joined by newlines: words moved to the next line, over-long words kept whole. */
export function wrapText(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

/** How a loop item is shown: strings as they are, anything else as compact JSON. */
export function itemLabel(item: unknown): string {
  if (typeof item === 'string') return item;
  try {
    return JSON.stringify(item) ?? String(item);
  } catch {
    return String(item);
  }
}

export interface Truncated {
  text: string;
  truncated: boolean;
}

/** Keeps the first `limitBytes` bytes of UTF-8 text without splitting a character. */
export function truncateBytes(text: string, limitBytes: number): Truncated {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= limitBytes) return { text, truncated: false };
  let end = limitBytes;
  // step back over UTF-8 continuation bytes (10xxxxxx) so that no character is cut in half
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** The last lines of a stream (where errors usually are), for one-line-per-event output. */
export function tailExcerpt(text: string, maxLines = 5, maxChars = 600): string {
  const lines = text.replace(/\s+$/, '').split('\n');
  let excerpt = lines.slice(-maxLines).join('\n');
  if (excerpt.length > maxChars) excerpt = `...${excerpt.slice(-maxChars)}`;
  return lines.length > maxLines ? `...\n${excerpt}` : excerpt;
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

/** "a, b, c and 7 more": keeps headers readable for 200-host batches. */
export function hostList(hosts: string[], max = 10): string {
  if (hosts.length <= max) return hosts.join(', ');
  return `${hosts.slice(0, max).join(', ')} and ${hosts.length - max} more`;
}

/** A failure's one-line cause: the module's message, the exit code when there is one. */
export function failureText(result: Pick<TaskResult, 'msg' | 'rc' | 'stderr'>): string {
  const firstStderrLine = result.stderr?.trim().split('\n').pop();
  const msg = result.msg?.trim() || firstStderrLine || 'failed';
  return result.rc === undefined ? msg : `${msg} (rc=${result.rc})`;
}

/** Ansible's result dump (json.dumps with indent=4, sort_keys=True): how `debug` shows its message or variable. */
export function ansibleJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value), null, 4);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return sortedKeys(json.call(value));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(out, key, { value: sortedKeys((value as Record<string, unknown>)[key]), enumerable: true });
  }
  return out;
}

/** What debug shows: `{"msg": ...}` or `{"<var>": value}` (the module returns the variable as its only data key). */
export function debugPayload(result: Pick<TaskResult, 'msg' | 'data'>): Record<string, unknown> {
  if (result.data !== undefined && Object.keys(result.data).length > 0) return result.data;
  return { msg: result.msg ?? '' };
}
