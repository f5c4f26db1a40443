// nunjucks passes Jinja keyword arguments (`map(attribute='name')`) as a trailing object flagged `__keywords`.

export interface SplitArgs {
  positional: unknown[];
  keywords: Record<string, unknown>;
}

export function splitArgs(args: readonly unknown[]): SplitArgs {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as Record<string, unknown>).__keywords === true) {
    const keywords: Record<string, unknown> = { ...(last as Record<string, unknown>) };
    delete keywords.__keywords;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

/** Argument by keyword, else by position, else the default (Python's calling convention). */
export function argument(args: SplitArgs, index: number, name: string, fallback?: unknown): unknown {
  if (name in args.keywords) return args.keywords[name];
  return index < args.positional.length ? args.positional[index] : fallback;
}
