// Warnings raised while loading input (before any reporter exists), printed as Ansible prints them. Tests swap
// the sink to capture them instead of writing to stderr.
export type WarningSink = (text: string) => void;

const toStderr: WarningSink = (text) => {
  process.stderr.write(`[WARNING]: ${text}\n`);
};

let sink: WarningSink = toStderr;

export function warn(text: string): void {
  sink(text);
}

/** Route warnings to `next` (undefined: back to stderr); returns the previous sink so a test can restore it. */
export function setWarningSink(next: WarningSink | undefined): WarningSink {
  const previous = sink;
  sink = next ?? toStderr;
  return previous;
}
