// Ansible's "unsafe": values that came from a host (registered output, gathered facts, anything a template built from
// them) are DATA. They may be printed, compared, filtered and sent back to hosts, but never rendered as a template
// again, so a host that prints "{{ ... }}" cannot make the workstation evaluate it.
//
// Two representations, because JavaScript strings cannot carry a mark:
//   - a container (array or plain object) is marked in a WeakSet, deeply: everything inside it is unsafe;
//   - a string that is the whole value of a variable (set_fact x: "{{ r.stdout }}", a loop item) is boxed in
//     UnsafeText, which survives the spreads and copies that variable layers go through.
// The template engine unboxes on every read and marks the render that read it (src/template/templater.ts), so a value
// built from unsafe parts is unsafe too, as Ansible's AnsibleContext does.

const unsafeContainers = new WeakSet<object>();

/** A host-provided string stored as a variable's whole value. Prints and serialises as its text. */
export class UnsafeText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** Is this value (a box or a marked container) host data that must never be templated? */
export function isUnsafe(value: unknown): boolean {
  if (value instanceof UnsafeText) return true;
  return typeof value === 'object' && value !== null && unsafeContainers.has(value);
}

/** The value a template or a module sees: the text of a box, anything else as it is. */
export function unboxUnsafe(value: unknown): unknown {
  return value instanceof UnsafeText ? value.text : value;
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A deep copy of `value` marked unsafe: containers are copied (never marked in place, since they may be shared with
 * the operator's own variables, whose templates must still render) and marked; a string becomes an UnsafeText.
 */
export function toUnsafe(value: unknown): unknown {
  if (typeof value === 'string') return new UnsafeText(value);
  if (value instanceof UnsafeText) return value;
  return copyMarked(value);
}

function copyMarked(value: unknown): unknown {
  if (value instanceof UnsafeText) return value.text; // inside a marked container a plain string is unsafe already
  if (!isPlainContainer(value)) return value;
  if (unsafeContainers.has(value)) return value; // immutable in practice: a marked container is never templated
  let copy: Record<string, unknown> | unknown[];
  if (Array.isArray(value)) {
    copy = value.map(copyMarked);
  } else {
    const mapping: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      Object.defineProperty(mapping, key, { value: copyMarked(inner), enumerable: true, writable: true, configurable: true });
    }
    copy = mapping;
  }
  unsafeContainers.add(copy);
  return copy;
}

/** Item `index` of a loop list: an item of an unsafe list is unsafe on its own, once it becomes a variable. */
export function unsafeItemOf(list: readonly unknown[], index: number): unknown {
  const item = list[index];
  return isUnsafe(list) && typeof item === 'string' ? new UnsafeText(item) : item;
}

/** Plain data for code outside the template engine (argument validation, reports): boxes replaced by their text. */
export function plainData(value: unknown): unknown {
  if (value instanceof UnsafeText) return value.text;
  if (Array.isArray(value)) return value.some((item) => item instanceof UnsafeText) ? value.map(unboxUnsafe) : value;
  if (isPlainContainer(value) && !unsafeContainers.has(value) && Object.values(value).some((item) => item instanceof UnsafeText)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unboxUnsafe(item)]));
  }
  return value;
}
