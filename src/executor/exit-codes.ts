// Ansible's exit codes, which operators' wrappers already test for.
export const ExitCode = {
  ok: 0,
  /** usage or input error (bad inventory, playbook, variable, CLI option): nothing was run */
  inputError: 1,
  /** a task failed on at least one host, or a rollout halted */
  hostFailed: 2,
  /** at least one host was unreachable and none failed */
  hostUnreachable: 4,
  /** interrupted (Ctrl-C), as a shell reports a process ended by SIGINT */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
