// A template that cannot be rendered on a host: the executor turns this into a failed task on that host
// (it is not an InputError, since the same template may render fine on other hosts).

export class TemplateError extends Error {
  /** the template text (or bare expression) that failed */
  readonly template: string;
  constructor(template: string, cause: unknown) {
    super(`template error while templating ${JSON.stringify(shorten(template))}: ${describeCause(cause)}`, { cause });
    this.name = 'TemplateError';
    this.template = template;
  }
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

function describeCause(cause: unknown): string {
  if (cause instanceof TemplateError) return cause.message;
  if (cause instanceof Error) {
    // nunjucks prefixes "(unknown path)\n  Error: " and the line number; keep only the reason for operators.
    return cause.message.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/s, '').replace(/^\s*(Template render error:\s*)?/, '').replace(/^Error: /, '').trim();
  }
  return String(cause);
}
