// The run journal: every run leaves .airlock/runs/<id>/ with report.json (same as --json) and failed-hosts (one host
// per line, Ansible's retry-file format), plus an index of the newest run per playbook so that
// `--limit @last-failed` style re-runs find "the failures of the last run of THIS playbook".
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { readInputText } from '../util/input-file.js';
import { join, resolve } from 'node:path';
import type { Reporter, RunEvent } from '../types/events.js';
import { RunCollector } from './collect.js';
import type { Redactor } from './redact.js';
import { buildJsonReport, serializeJsonReport } from './json.js';
import { writeFileAtomic } from './atomic-write.js';
import { InputError } from '../util/errors.js';

/** Relative to the working directory, like Ansible's retry files next to the playbook run. */
export const DEFAULT_RUNS_DIR = join('.airlock', 'runs');
const INDEX_DIR = 'last';
const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6,}$/;

/** A run id that sorts by time as text: 20261127T221500Z-3f9a1c (UTC, second precision, random suffix). */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function indexFile(runsDir: string, playbookPath: string): string {
  const key = createHash('sha256').update(resolve(playbookPath)).digest('hex').slice(0, 16);
  return join(runsDir, INDEX_DIR, `${key}.json`);
}

interface IndexEntry {
  playbook: string;
  runId: string;
}

export class JournalReporter implements Reporter {
  private readonly collector: RunCollector;
  private runId: string | undefined;
  private written: Promise<void> = Promise.resolve();

  constructor(
    private readonly runsDir: string,
    private readonly playbook: string,
    private readonly redactor?: Redactor,
  ) {
    this.collector = new RunCollector(redactor);
  }

  /** This run's directory, once the run has started. */
  get runDir(): string | undefined {
    return this.runId === undefined ? undefined : join(this.runsDir, this.runId);
  }

  get failedHostsFile(): string | undefined {
    const dir = this.runDir;
    return dir === undefined ? undefined : join(dir, 'failed-hosts');
  }

  onEvent(event: RunEvent): void {
    this.collector.onEvent(event);
    if (event.type === 'run_start') {
      // the executor's id when it is safe as a directory name, ours otherwise
      this.runId = RUN_ID.test(event.runId) ? event.runId : newRunId(new Date(event.at));
    }
    if (event.type === 'run_end') this.written = this.written.then(() => this.write());
  }

  private async write(): Promise<void> {
    this.runId ??= newRunId();
    const dir = join(this.runsDir, this.runId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const report = buildJsonReport(this.collector);
    if (report.run.id === '') report.run.id = this.runId;
    if (report.run.playbook === '') report.run.playbook = this.playbook;
    await writeFileAtomic(join(dir, 'report.json'), serializeJsonReport(report, this.redactor));
    const failed = this.collector.failedHosts();
    await writeFileAtomic(join(dir, 'failed-hosts'), failed.map((h) => `${h}\n`).join(''));
    const entry: IndexEntry = { playbook: resolve(this.playbook), runId: this.runId };
    await writeFileAtomic(indexFile(this.runsDir, this.playbook), `${JSON.stringify(entry)}\n`);
  }

  async close(): Promise<void> {
    await this.written;
    if (this.collector.run.finished === undefined) await this.write();
  }
}

/**
 * Hosts that failed (or were unreachable, or rolled back) in the newest run of this playbook.
 * Throws InputError when the playbook never ran here: re-running "the failures" of nothing is a usage error.
 */
export async function lastFailedHosts(playbookPath: string, baseDir: string = DEFAULT_RUNS_DIR): Promise<string[]> {
  const runId = await newestRunOf(playbookPath, baseDir);
  if (runId === undefined) {
    throw new InputError(`no previous run of ${resolve(playbookPath)} in ${resolve(baseDir)}`);
  }
  return readHostListFile(join(baseDir, runId, 'failed-hosts'));
}

async function newestRunOf(playbookPath: string, runsDir: string): Promise<string | undefined> {
  const wanted = resolve(playbookPath);
  try {
    const entry = JSON.parse(await readFile(indexFile(runsDir, playbookPath), 'utf8')) as Partial<IndexEntry>;
    if (entry.playbook === wanted && typeof entry.runId === 'string' && RUN_ID.test(entry.runId)) return entry.runId;
  } catch {
    // no index (older journal, or it was removed): fall back to scanning the runs, newest first
  }
  let names: string[];
  try {
    names = (await readdir(runsDir)).filter((n) => RUN_ID.test(n)).sort().reverse();
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      const report = JSON.parse(await readFile(join(runsDir, name, 'report.json'), 'utf8')) as { run?: { playbook?: string } };
      if (report.run?.playbook !== undefined && resolve(report.run.playbook) === wanted) return name;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** `--limit @FILE`: one host per line (Ansible retry files); blank lines and # comments ignored, duplicates dropped. */
export async function readHostListFile(path: string): Promise<string[]> {
  const text = await readInputText(path, { what: 'host list' });
  const hosts: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const host = raw.trim();
    if (host === '' || host.startsWith('#') || hosts.includes(host)) continue;
    hosts.push(host);
  }
  return hosts;
}
