// A playbook after loading and validation: every file parsed, checked against the JSON schemas, roles and static
// imports expanded, nothing templated yet (templating is lazy, per host, at run time).
import type { Vars } from '../inventory/types.js';
import type { SourceLocation } from '../util/errors.js';

export interface Playbook {
  /** absolute path of the top playbook file */
  path: string;
  plays: Play[];
}

/** `serial:` as written: one value or a list whose last value repeats; each an integer or a "NN%" string. */
export type SerialSpec = Array<number | string>;

/** A number, or a template rendered with the host's variables when the task runs (`retries: "{{ wait_tries }}"`). */
export type NumberOrTemplate = number | string;

export type HostOrder = 'inventory' | 'reverse_inventory' | 'sorted' | 'reverse_sorted' | 'shuffle';

export interface Play {
  name: string;
  /** host pattern, untemplated */
  hosts: string;
  vars: Vars;
  /** absolute paths, loaded at run time (they may contain templated names) */
  varsFiles: string[];
  gatherFacts: boolean;
  become: boolean;
  becomeUser: string | undefined;
  /** play-level `check_mode:`: overrides --check for the play's tasks unless a block or task says otherwise */
  checkMode: boolean | undefined;
  strategy: 'linear' | 'free';
  serial: SerialSpec | undefined;
  maxFailPercentage: number | undefined;
  anyErrorsFatal: boolean;
  order: HostOrder;
  /** hosts of this group go first in the rollout (default "canary") */
  canaryGroup: string;
  /** seconds to wait between batches */
  batchPause: number | undefined;
  /** tasks that must succeed on the finished batch's hosts before the next batch starts */
  batchGate: Task[];
  forceHandlers: boolean;
  environment: Record<string, string>;
  tags: string[];
  /** roles are expanded: their tasks are in `tasks` (before the play's own), each carrying its RoleContext */
  preTasks: Task[];
  tasks: Task[];
  postTasks: Task[];
  handlers: Handler[];
  /** directory used to resolve relative paths (files/, templates/, vars_files, include_tasks) */
  baseDir: string;
  source: SourceLocation;
}

/** The role a task came from: gives `role_path`, role defaults/vars precedence, and files/ templates/ lookup. */
export interface RoleContext {
  name: string;
  path: string;
  /** roles/x/defaults/main.yml merged with params lower than inventory vars */
  defaults: Vars;
  /** roles/x/vars/main.yml plus role params (`- role: x` + vars), above play vars */
  vars: Vars;
}

export interface TaskCommon {
  name: string | undefined;
  /** conditions, each a Jinja expression without braces; all must be true */
  when: string[];
  tags: string[];
  vars: Vars;
  become: boolean | undefined;
  becomeUser: string | undefined;
  /** boolean, or a template string evaluated per host */
  ignoreErrors: boolean | string;
  ignoreUnreachable: boolean;
  noLog: boolean;
  checkMode: boolean | undefined;
  /** only "localhost" is supported for now */
  delegateTo: string | undefined;
  runOnce: boolean;
  throttle: number | undefined;
  environment: Record<string, string>;
  /** raw loop expression or list (`loop:` or `with_items:`), or the terms of `with_<lookup>`, templated per host */
  loop: unknown;
  /** `with_dict:`, `with_nested:`...: the lookup plugin that makes the loop's list from `loop` (its terms) */
  loopLookup: string | undefined;
  loopControl: { loopVar: string; indexVar: string | undefined; label: string | undefined; pause: number | undefined };
  role: RoleContext | undefined;
  source: SourceLocation;
}

export interface ActionTask extends TaskCommon {
  kind: 'action';
  /** canonical module name (ansible.builtin.x -> x) */
  module: string;
  /** untemplated arguments; a free-form string is stored under the module's freeFormArg */
  args: Record<string, unknown>;
  register: string | undefined;
  notify: string[];
  failedWhen: string[] | undefined;
  changedWhen: string[] | undefined;
  until: string | undefined;
  retries: NumberOrTemplate | undefined;
  delay: NumberOrTemplate | undefined;
  /** with delegate_to: the facts the task sets (setup, set_fact, include_vars) go to the delegated host */
  delegateFacts?: boolean;
  /** `async:` seconds: the module runs detached on the host (command and shell), at most this long */
  async?: NumberOrTemplate;
  /** `poll:` seconds between checks of an async job; 0 = fire and forget (Ansible's default is 15) */
  poll?: NumberOrTemplate;
}

export interface BlockTask extends TaskCommon {
  kind: 'block';
  block: Task[];
  rescue: Task[];
  always: Task[];
}

/** Dynamic includes are resolved per host at run time (their file name may be templated). */
export interface IncludeTasksTask extends TaskCommon {
  kind: 'include_tasks';
  file: string;
}

export interface IncludeRoleTask extends TaskCommon {
  kind: 'include_role';
  roleName: string;
  tasksFrom: string | undefined;
  roleVars: Vars;
}

export type Task = ActionTask | BlockTask | IncludeTasksTask | IncludeRoleTask;

export interface Handler extends ActionTask {
  /** topics this handler also answers to (`listen:`), besides its name */
  listen: string[];
}
