// `--junit FILE`: one <testsuite> per play, one <testcase> per host per task, so CI dashboards show a rollout like a
// test run. Failures and unreachable hosts are <failure>s, skipped tasks <skipped/>.
import type { Reporter, RunEvent } from '../types/events.js';
import type { TaskResult } from '../types/result.js';
import { RunCollector } from './collect.js';
import type { Redactor } from './redact.js';
import { failureText, taskLabel, truncateBytes } from './format.js';
import { writeFileAtomic } from './atomic-write.js';
import { OUTPUT_LIMIT_BYTES } from './json.js';

/** Characters XML 1.0 forbids even when escaped (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function caseBody(result: TaskResult): string {
  const parts: string[] = [];
  if (result.status === 'failed' || result.status === 'unreachable' || result.status === 'rolled_back') {
    const type = result.status;
    const detail = truncateBytes(result.stderr ?? result.stdout ?? '', OUTPUT_LIMIT_BYTES).text;
    parts.push(`      <failure${attrs({ message: failureText(result), type })}>${xmlEscape(detail)}</failure>`);
  } else if (result.status === 'skipped') {
    parts.push(`      <skipped${attrs(result.msg ? { message: result.msg } : {})}/>`);
  }
  if (result.stdout) parts.push(`      <system-out>${xmlEscape(truncateBytes(result.stdout, OUTPUT_LIMIT_BYTES).text)}</system-out>`);
  if (result.stderr) parts.push(`      <system-err>${xmlEscape(truncateBytes(result.stderr, OUTPUT_LIMIT_BYTES).text)}</system-err>`);
  return parts.join('\n');
}

export function buildJunit(collector: RunCollector): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let skipped = 0;
  let totalMs = 0;
  for (const play of collector.plays) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    let suiteMs = 0;
    for (const task of play.tasks) {
      for (const result of task.results) {
        const body = caseBody(result);
        const open = `    <testcase${attrs({ classname: result.host, name: taskLabel(result), time: seconds(result.durationMs) })}`;
        cases.push(body ? `${open}>\n${body}\n    </testcase>` : `${open}/>`);
        if (result.status === 'failed' || result.status === 'unreachable' || result.status === 'rolled_back') suiteFailures++;
        if (result.status === 'skipped') suiteSkipped++;
        suiteMs += result.durationMs;
      }
    }
    total += cases.length;
    failures += suiteFailures;
    skipped += suiteSkipped;
    totalMs += suiteMs;
    const suiteAttrs = attrs({ name: play.name, tests: cases.length, failures: suiteFailures, errors: 0, skipped: suiteSkipped, time: seconds(suiteMs), timestamp: play.started });
    suites.push(cases.length > 0 ? `  <testsuite${suiteAttrs}>\n${cases.join('\n')}\n  </testsuite>` : `  <testsuite${suiteAttrs}/>`);
  }
  const rootAttrs = attrs({ name: collector.run.playbook || 'airlock', tests: total, failures, errors: 0, skipped, time: seconds(totalMs) });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${rootAttrs}>\n${suites.join('\n')}${suites.length ? '\n' : ''}</testsuites>\n`;
}

export class JunitReporter implements Reporter {
  private readonly collector: RunCollector;

  constructor(
    private readonly path: string,
    private readonly redactor?: Redactor,
  ) {
    this.collector = new RunCollector(redactor);
  }

  onEvent(event: RunEvent): void {
    this.collector.onEvent(event);
  }

  xml(): string {
    const xml = buildJunit(this.collector);
    return this.redactor ? this.redactor.redact(xml) : xml;
  }

  async close(): Promise<void> {
    await writeFileAtomic(this.path, this.xml());
  }
}
