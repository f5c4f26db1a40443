// Ansible's StrictUndefined: a missing variable is a value that may be tested (`is defined`) or replaced
// (`| default`), but any other use (output, arithmetic, comparison, truth test, filter input) is an error naming it.

export class TemplateUndefined {
  /** e.g. "'db_host' is undefined" or "'dict object' has no attribute 'port'" */
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }

  static forVariable(name: string): TemplateUndefined {
    return new TemplateUndefined(`'${name}' is undefined`);
  }

  /** Any coercion (string output, `+`, `<`, `==` against a primitive) lands here. */
  [Symbol.toPrimitive](): never {
    throw this.toError();
  }

  toError(): UndefinedVariableError {
    return new UndefinedVariableError(this.reason);
  }
}

/** Raised inside nunjucks; the templater wraps it into a TemplateError carrying the template text. */
export class UndefinedVariableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UndefinedVariableError';
  }
}

export function isUndefinedValue(value: unknown): value is TemplateUndefined {
  return value instanceof TemplateUndefined;
}

/** Throw when a filter or operator receives an undefined value; returns the value otherwise. */
export function requireDefined<T>(value: T | TemplateUndefined): T {
  if (value instanceof TemplateUndefined) throw value.toError();
  return value;
}

