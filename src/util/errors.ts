// Errors a user can cause carry WHERE (file:line:column, or host and task) and WHY, so that the CLI can print them
// without a stack trace and pick the exit code from the kind of failure.

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(loc: SourceLocation): string {
  if (loc.line === undefined) return loc.file;
  return loc.column === undefined ? `${loc.file}:${loc.line}` : `${loc.file}:${loc.line}:${loc.column}`;
}

/** Bad input from the operator: inventory, playbook, variables, CLI usage. Exit code 1, nothing touched on any host. */
export class InputError extends Error {
  readonly location: SourceLocation | undefined;
  constructor(message: string, location?: SourceLocation, options?: { cause?: unknown }) {
    super(location ? `${formatLocation(location)}: ${message}` : message, options);
    this.name = 'InputError';
    this.location = location;
  }
}
