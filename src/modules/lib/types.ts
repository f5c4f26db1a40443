// The contract between the executor and a module. A module is a pure-ish function of (args, context) that talks to
// the host only through ctx.conn. Like pyinfra's operations, modules that run commands build them with
// src/util/shell.ts in small exported functions, so that tests can assert the exact commands.
import type { Connection } from '../../connection/types.js';
import type { TaskDiff } from '../../types/result.js';
import type { Vars } from '../../types/vars.js';

export interface ModuleContext {
  /** inventory name of the host */
  host: string;
  /** connection to the host (for `delegate_to: localhost`, the local connection) */
  conn: Connection;
  /** --check: report what would change, change nothing */
  check: boolean;
  /** --diff: return before/after for content changes */
  diff: boolean;
  /** every variable visible to the task, for modules such as debug/template/set_fact */
  vars: Vars;
  /** Render a Jinja template string with the task's variables (template module). */
  render(template: string): string;
  /** Resolve a controller-side path the way Ansible does: role files/ or templates/, then the playbook dir. */
  findFile(path: string, kind: 'files' | 'templates' | 'vars'): string;
  /** sudo/become applied to every exec of this task (modules pass it through to conn.exec) */
  become: { user: string } | undefined;
  /** environment from play/task `environment:` */
  env: Record<string, string>;
  /** Cancelled when the run is interrupted; long-running modules (pause, wait_for, transfers) must honour it. */
  signal: AbortSignal;
  /**
   * The host's connection as the pool has it now: the same one while it lives, a fresh one after the link dropped
   * (the pool forgets a dead connection). Long transfers resume on it instead of failing the host.
   */
  reconnect(): Promise<Connection>;
  /** Evaluate a Jinja expression (no braces) with the task's variables, e.g. `result.rc == 0` (assert `that:`, debug `var:`). */
  evaluate(expression: string): unknown;
  /** -v count of the run (0 when not given); debug's `verbosity:` compares against it. */
  verbosity: number;
  /** id of this run (the journal's), which a lease on a host names as its holder */
  runId: string;
}

export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  /** module decided to skip (e.g. `creates:` exists) */
  skipped?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  diff?: TaskDiff[];
  /** Ansible's `warnings`: kept in the registered result and shown to the operator as [WARNING] lines */
  warnings?: string[];
  /**
   * extra return values, merged into the registered variable (e.g. `stat`, `ansible_facts`). Keys the executor acts on:
   * - `ansible_facts` (setup): merged into the host's facts, visible as variables.
   * - `facts` (set_fact): merged into the host's variables at set_fact precedence.
   * - `meta` (meta): 'flush_handlers' | 'end_play' | 'end_host' | 'noop' | 'clear_facts' | 'clear_host_errors'.
   */
  data?: Record<string, unknown>;
}

export interface ModuleDefinition<Args = Record<string, unknown>> {
  name: string;
  /** JSON schema of the (templated) arguments, checked with ajv before the module runs */
  argsSchema: Record<string, unknown>;
  /** name of the argument that holds a free-form string (`command: ls -l` -> {cmd: 'ls -l'}) */
  freeFormArg?: string;
  /** true for modules that act on the controller only (debug, set_fact, assert, fail, pause, meta) */
  controllerOnly?: boolean;
  /**
   * true for set_fact: its arguments become variables, so it receives them with host data still marked unsafe
   * (src/util/unsafe.ts) and must store them as they are. Every other module gets plain values.
   */
  keepsUnsafeArgs?: boolean;
  /**
   * true for include_vars: the `ansible_facts` it returns are variables at include_vars precedence (above task vars,
   * below set_fact), read from controller files, not facts the host reported about itself.
   */
  factsAreVariables?: boolean;
  run(args: Args, ctx: ModuleContext): Promise<ModuleResult>;
  /**
   * For `async:` tasks: the one host command the module would run and its `cmd` return value, so that the executor
   * can run it detached (command, shell). Modules without it cannot run async. Throws ModuleArgError on bad args.
   */
  background?(args: Args): BackgroundCommand;
}

export interface BackgroundCommand {
  /** the shell command line, built with src/util/shell.ts like any other */
  line: string;
  /** what the result's `cmd` shows (argv list for command, the text for shell) */
  cmd: unknown;
  /** with creates/removes: the line may print the skip marker instead of running; this is then the result's msg */
  skipMessage: string | undefined;
}
