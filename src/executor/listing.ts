// --list-hosts / --list-tasks / --list-tags output, in ansible-playbook's layout, without touching any host.
import type { Inventory } from '../inventory/types.js';
import type { Playbook, Task } from '../playbook/types.js';

export interface ListingOptions {
  limit: string[] | undefined;
  hosts: boolean;
  tasks: boolean;
  tags: boolean;
}

function flatten(tasks: Task[]): Task[] {
  return tasks.flatMap((task) => (task.kind === 'block' ? [task, ...flatten(task.block), ...flatten(task.rescue), ...flatten(task.always)] : [task]));
}

function taskTitle(task: Task): string {
  const name = task.name ?? (task.kind === 'action' ? task.module : task.kind === 'include_tasks' ? `include_tasks ${task.file}` : task.kind === 'include_role' ? `include_role ${task.roleName}` : 'block');
  return task.role ? `${task.role.name} : ${name}` : name;
}

export function describePlaybooks(playbooks: Playbook[], inventory: Inventory, options: ListingOptions): string {
  const lines: string[] = [];
  for (const playbook of playbooks) {
    lines.push('', `playbook: ${playbook.path}`);
    for (const [index, play] of playbook.plays.entries()) {
      lines.push('', `  play #${index + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
      if (options.hosts) {
        const limit = options.limit === undefined ? undefined : new Set(options.limit);
        const hosts = inventory.select(play.hosts).filter((host) => limit === undefined || limit.has(host));
        lines.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((host) => `      ${host}`));
      }
      const tasks = flatten([...play.preTasks, ...play.tasks, ...play.postTasks]).filter((task) => task.kind !== 'block');
      if (options.tasks) {
        lines.push('    tasks:', ...tasks.map((task) => `      ${taskTitle(task)}\tTAGS: [${task.tags.join(', ')}]`));
      }
      if (options.tags) {
        const tags = [...new Set([...play.tags, ...tasks.flatMap((task) => task.tags)])].sort();
        lines.push(`      TASK TAGS: [${tags.join(', ')}]`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
