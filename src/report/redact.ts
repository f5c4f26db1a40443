// Keeps secrets out of everything a reporter writes: terminal, JSON, JUnit, the run journal.
// Secrets are registered by value (vault-ish variables, passwords given on the command line); every string a reporter
// emits passes through redact(). Results of `no_log: true` tasks lose everything but who/what/status.
import { quote } from '../util/shell.js';
import type { TaskResult } from '../types/result.js';
import { unboxUnsafe } from '../util/unsafe.js';

export const REDACTED = '********';

/** Ansible's own wording, which operators search for. */
export const NO_LOG_MESSAGE = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/** Variable names whose values are treated as secrets (Ansible's usual naming). */
export const SECRET_VAR_NAME = /pass(word)?|secret|token|api_?key|authkey|private_key/i;

/** Shorter values would redact common words and numbers all over the output. */
const MIN_VAR_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();
  /** plaintexts of vault-encrypted values: a result that carries one is hidden whole, as with no_log */
  private readonly vaultSecrets = new Set<string>();
  /** longest first, so that a secret containing another one is replaced whole */
  private ordered: string[] = [];

  addSecret(value: string): void {
    if (value === '') return;
    const forms = [value, quote(value), JSON.stringify(value).slice(1, -1)];
    let added = false;
    for (const form of forms) {
      if (form !== '' && !this.secrets.has(form)) {
        this.secrets.add(form);
        added = true;
      }
    }
    if (added) this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** A decrypted vault value: redacted like any secret, and it makes the results that carry it no_log-like. */
  addVaultSecret(value: string): void {
    if (value === '') return;
    this.vaultSecrets.add(value);
    this.addSecret(value);
  }

  private carriesVaultSecret(result: TaskResult): boolean {
    if (this.vaultSecrets.size === 0) return false;
    const text = JSON.stringify(result);
    for (const secret of this.vaultSecrets) {
      if (text.includes(JSON.stringify(secret).slice(1, -1))) return true;
    }
    return false;
  }

  /** Registers the string values (>= 4 characters) of variables named like secrets, at any depth. */
  addSecretsFromVars(vars: Record<string, unknown>): void {
    this.collect(vars, false);
  }

  private collect(input: unknown, underSecretName: boolean): void {
    const value = unboxUnsafe(input);
    if (typeof value === 'string') {
      if (underSecretName && value.length >= MIN_VAR_SECRET_LENGTH) this.addSecret(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.collect(item, underSecretName);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        this.collect(inner, underSecretName || SECRET_VAR_NAME.test(key));
      }
    }
  }

  get secretCount(): number {
    return this.ordered.length;
  }

  redact(text: string): string {
    if (this.ordered.length === 0 || text === '') return text;
    let out = text;
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value (object keys too), returning a copy. */
  redactValue<T>(value: T): T {
    return this.redactUnknown(value) as T;
  }

  private redactUnknown(input: unknown): unknown {
    const value = unboxUnsafe(input); // host text boxed as a variable's value is reported as its text
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactUnknown(item));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        out[this.redact(key)] = this.redactUnknown(inner);
      }
      return out;
    }
    return value;
  }

  redactResult(result: TaskResult): TaskResult {
    if (result.noLog || this.carriesVaultSecret(result)) {
      const hidden: TaskResult = {
        host: result.host,
        task: this.redact(result.task),
        action: result.action,
        status: result.status,
        changed: result.changed,
        msg: NO_LOG_MESSAGE,
        startedAt: result.startedAt,
        durationMs: result.durationMs,
        noLog: true,
      };
      if (result.role !== undefined) hidden.role = result.role;
      return hidden;
    }
    const copy = this.redactValue(result);
    if (result.results) copy.results = result.results.map((inner) => this.redactResult(inner));
    return copy;
  }
}
