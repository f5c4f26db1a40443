// The lookups that run a command on the CONTROLLER, as Ansible's pipe and lines do (lookup('pipe', 'date'),
// with_lines: cat list.txt): through /bin/sh, in the playbook's directory. Only the operator's own playbook text may
// be run so: a command built from anything a host sent back (a registered result, a fact) is refused, because host
// output is data, never code. The templater tells us whether the render so far has read host data.
import { execFileSync } from 'node:child_process';

/** How long one controller command may run, and how much it may print. */
const COMMAND_TIMEOUT_MS = 60_000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface ControllerContext {
  /** the playbook's directory, where Ansible runs them */
  cwd: string | undefined;
  /** true when the render that asks has read host data: the command could be made of it */
  readHostData: boolean;
}

function run(plugin: string, command: string, context: ControllerContext): string {
  if (context.readHostData) {
    throw new Error(`lookup('${plugin}'): refusing to run a command in a template that reads host data (registered results, facts): host output is data, never code`);
  }
  try {
    return execFileSync('/bin/sh', ['-c', command], {
      cwd: context.cwd, encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    throw new Error(`lookup_plugin.${plugin}(${command}) returned ${typeof status === 'number' ? status : String((error as Error).message)}`);
  }
}

/** lookup('pipe', cmd...): each command's output without its trailing whitespace; lookup('lines', ...): its lines. */
export function controllerLookup(plugin: string, terms: unknown[], context: ControllerContext): unknown[] | undefined {
  switch (plugin.replace(/^ansible\.builtin\./, '')) {
    case 'pipe': return terms.map((term) => run('pipe', String(term), context).trimEnd());
    case 'lines': return terms.flatMap((term) => run('lines', String(term), context).split(/\r\n|\n|\r/).filter((line, index, all) => !(index === all.length - 1 && line === '')));
    default: return undefined;
  }
}
