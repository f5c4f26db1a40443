// `airlock config dump [--only-changed]`: every ansible.cfg setting airlock uses, its value in force and where it
// came from, in ansible-config dump's format; warnings about keys airlock does not use go to stderr.
import { Option, type Command } from 'commander';
import { dumpConfig } from '../config/dump.js';
import { loadConfig } from '../config/load.js';
import { AIRLOCK_DEFAULTS, printConfigWarnings } from './settings.js';

export function register(program: Command): void {
  const config = program.command('config').description('Show the ansible.cfg settings airlock uses (ansible-config)');
  config
    .command('dump')
    .description('every setting in force and its origin (default, env: ANSIBLE_*, or the ansible.cfg file)')
    .option('--only-changed', 'only the settings that are not at their default', false)
    .addOption(new Option('--changed-only').default(false).hideHelp())
    .action((options: { onlyChanged: boolean; changedOnly: boolean }) => {
      const loaded = loadConfig({ airlockDefaults: AIRLOCK_DEFAULTS });
      printConfigWarnings(loaded);
      process.stdout.write(dumpConfig(loaded, { onlyChanged: options.onlyChanged || options.changedOnly }));
    });
}
