import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JunitReporter, xmlEscape } from '../../../src/report/junit.js';
import type { RunEvent } from '../../../src/types/events.js';
import { fixtureEvents, fixtureRedactor, SECRETS } from './run-fixture.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const value = ENTITIES[name];
    if (value === undefined) throw new Error(`unknown entity ${whole}`);
    return value;
  });
}

/** A tiny strict XML reader: balanced tags, quoted attributes, known entities, no raw '<' or '&' in text. */
function parseXml(xml: string): XmlElement {
  let pos = 0;
  const declaration = /^<\?xml [^?]*\?>\s*/.exec(xml);
  if (!declaration) throw new Error('no XML declaration');
  pos = declaration[0].length;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  while (pos < xml.length) {
    const parent = stack[stack.length - 1] as XmlElement;
    if (xml.startsWith('</', pos)) {
      const end = /^<\/([\w:-]+)\s*>/.exec(xml.slice(pos));
      if (!end || end[1] !== parent.name) throw new Error(`mismatched close tag at ${pos}: ${xml.slice(pos, pos + 30)}`);
      stack.pop();
      pos += end[0].length;
    } else if (xml[pos] === '<') {
      const open = /^<([\w:-]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(pos));
      if (!open) throw new Error(`bad tag at ${pos}: ${xml.slice(pos, pos + 40)}`);
      const attrs: Record<string, string> = {};
      for (const m of (open[2] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[m[1] as string] = decode(m[2] as string);
      const element: XmlElement = { name: open[1] as string, attrs, children: [], text: '' };
      parent.children.push(element);
      if (open[3] !== '/') stack.push(element);
      pos += open[0].length;
    } else {
      const next = xml.indexOf('<', pos);
      const raw = xml.slice(pos, next === -1 ? xml.length : next);
      if (/&(?!(#x[0-9a-fA-F]+|#\d+|\w+);)/.test(raw)) throw new Error(`raw & in text at ${pos}`);
      if (/>/.test(raw) && stack.length > 1) throw new Error(`raw > in text at ${pos}`);
      parent.text += decode(raw);
      pos = next === -1 ? xml.length : next;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${(stack[stack.length - 1] as XmlElement).name}>`);
  if (root.children.length !== 1) throw new Error('not exactly one root element');
  return root.children[0] as XmlElement;
}

async function junitOf(events: RunEvent[]): Promise<{ xml: string; root: XmlElement }> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-junit-'));
  try {
    const path = join(dir, 'junit.xml');
    const reporter = new JunitReporter(path, fixtureRedactor());
    for (const event of events) reporter.onEvent(event);
    await reporter.close();
    const xml = await readFile(path, 'utf8');
    return { xml, root: parseXml(xml) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('JUnit reporter (--junit FILE)', () => {
  it('is well-formed XML with one testsuite per play and one testcase per host per task', async () => {
    const { root } = await junitOf(fixtureEvents());
    expect(root.name).to.equal('testsuites');
    expect(root.children).to.have.length(1);
    const suite = root.children[0] as XmlElement;
    expect(suite.attrs.name).to.equal('Update the MISP stack');
    const results = fixtureEvents().filter((e) => e.type === 'task_result').length;
    expect(suite.children).to.have.length(results);
    expect(suite.attrs.tests).to.equal(String(results));
    // web2's loop, web3 unreachable, db1 rolled back
    expect(suite.attrs.failures).to.equal('3');
    expect(suite.attrs.skipped).to.equal('1');
    const unreachable = suite.children.find((c) => c.attrs.classname === 'web3');
    expect(unreachable?.children[0]?.name).to.equal('failure');
    expect(unreachable?.children[0]?.attrs.type).to.equal('unreachable');
    const skipped = suite.children.find((c) => c.attrs.classname === 'db1' && c.attrs.name === 'misp_update : install packages');
    expect(skipped?.children[0]?.name).to.equal('skipped');
  });

  it('escapes markup in names, messages and output so that they read back unchanged', async () => {
    const nasty = `<tag attr="x"> & 'quotes' ]]> \u0001`;
    const events: RunEvent[] = [
      { type: 'play_start', play: `play ${nasty}`, hosts: ['h1'], at: '2026-01-01T00:00:00Z' },
      { type: 'task_result', result: { host: 'h1', task: `task ${nasty}`, action: 'shell', status: 'failed', changed: false, msg: `msg ${nasty}`, stderr: `err ${nasty}`, rc: 1, startedAt: '2026-01-01T00:00:00Z', durationMs: 5 } },
      { type: 'play_end', play: `play ${nasty}`, at: '2026-01-01T00:00:01Z' },
    ];
    const { root } = await junitOf(events);
    const suite = root.children[0] as XmlElement;
    const readable = nasty.replace('\u0001', '\uFFFD');
    expect(suite.attrs.name).to.equal(`play ${readable}`);
    expect(suite.children[0]?.attrs.name).to.equal(`task ${readable}`);
    expect(suite.children[0]?.children[0]?.attrs.message).to.equal(`msg ${readable} (rc=1)`);
    expect(suite.children[0]?.children[0]?.text).to.equal(`err ${readable}`);
  });

  it('never contains a registered secret', async () => {
    const { xml } = await junitOf(fixtureEvents());
    for (const secret of SECRETS) expect(xml).to.not.include(secret);
  });

  it('xmlEscape replaces the five special characters', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).to.equal('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
