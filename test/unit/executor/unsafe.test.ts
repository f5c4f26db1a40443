// Host data stays data through every path Ansible keeps it unsafe: whatever a host prints is passed on as its literal
// text and never rendered as a template on the workstation, while the operator's own templates still render.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { action, cmd, fakeInventory, play, Recorder, runFake } from './fakes.js';

// If any path rendered it, the workstation would print 42 (or run the code of the second payload).
const ARITHMETIC = '{{ 6 * 7 }}';
const CODE = `{{ range.constructor("return globalThis.airlockUnsafeRendered = 1")() }}`;
const PAYLOAD = `${ARITHMETIC} ${CODE}`;

function hostPrints(text: string): Recorder {
  const recorder = new Recorder();
  recorder.commandBehaviour = () => ({ changed: true, rc: 0, stdout: `${text}\n${text}`, stderr: '' });
  return recorder;
}

function debugMessages(recorder: Recorder): unknown[] {
  return recorder.callsOf('debug').map((call) => call.args['msg']);
}

const inventory = (): ReturnType<typeof fakeInventory> => fakeInventory({ web: ['h1'] });

describe('unsafe host data through the executor', () => {
  afterEach(() => {
    expect((globalThis as Record<string, unknown>)['airlockUnsafeRendered'], 'a payload ran as code').to.equal(undefined);
  });

  it('register -> set_fact -> debug prints the literal text', async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r' }),
      action('set_fact', { said: '{{ r.stdout_lines[0] }}' }),
      action('debug', { msg: '{{ said }}' }),
      action('debug', { msg: 'host said: {{ said }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, `host said: ${PAYLOAD}`]);
  });

  it('through combine and other filters that build values', async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r' }),
      action('set_fact', { merged: "{{ {'static': 1} | combine({'said': r.stdout_lines[0]}) }}", upper: '{{ r.stdout_lines | map("trim") | list }}' }),
      action('debug', { msg: '{{ merged.said }}' }),
      action('debug', { msg: '{{ upper[1] }}' }),
      action('debug', { msg: '{{ merged | dict2items | map(attribute="value") | list | last }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD, PAYLOAD]);
  });

  it('through loops, loop_var and a set_fact per item, into hostvars', async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r' }),
      action('set_fact', { lines: '{{ r.stdout_lines }}' }),
      action('set_fact', { last_line: '{{ line }}' }, { loop: '{{ lines }}', loopControl: { loopVar: 'line', indexVar: undefined, label: undefined, pause: undefined } }),
      action('debug', { msg: '{{ item }}' }, { loop: '{{ r.stdout_lines }}' }),
      action('debug', { msg: '{{ last_line }}' }),
      action('debug', { msg: "{{ hostvars[inventory_hostname]['last_line'] }}" }),
      action('debug', { msg: '{{ hostvars.h1.lines[0] }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD, PAYLOAD]);
  });

  it("as a value inside hostvars[h] read as a dict (items(), dict2items, ==)", async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r' }),
      action('set_fact', { said: '{{ r.stdout_lines[0] }}' }),
      action('debug', { msg: "{% for k, v in hostvars[inventory_hostname].items() %}{% if k == 'said' %}{{ v }}{% endif %}{% endfor %}" }),
      action('debug', { msg: "{{ hostvars[inventory_hostname] | dict2items | selectattr('key', 'equalto', 'said') | map(attribute='value') | first }}" }),
      action('debug', { msg: '{{ said == r.stdout_lines[1] }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD, true]);
  });

  it('through include_tasks looping over registered lines', async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r' }),
      { ...cmd('inc', 'x'), kind: 'include_tasks', file: 'each.yml', loop: '{{ r.stdout_lines }}' } as never,
    ] })], { inventory: inventory(), recorder, loader: { loadTaskFile: async () => [action('debug', { msg: '{{ item }}' })] } });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD]);
  });

  it('through gathered facts and ansible_facts', async () => {
    const recorder = hostPrints('');
    recorder.extraFacts = { ansible_motd: PAYLOAD, ansible_mounts: [{ device: PAYLOAD }] };
    await runFake([play({ gatherFacts: true, tasks: [
      action('set_fact', { motd: '{{ ansible_motd }}', device: '{{ ansible_facts.mounts[0].device }}' }),
      action('debug', { msg: '{{ motd }}' }),
      action('debug', { msg: '{{ device }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD]);
  });

  it("in changed_when, failed_when and until, the module's result is data", async () => {
    const recorder = hostPrints(ARITHMETIC);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r', changedWhen: ["r.stdout_lines[0] != '42'"], failedWhen: ["r.stdout_lines[0] == '42'"] }),
    ] })], { inventory: inventory(), recorder });
    const [result] = recorder.resultsFor('read');
    expect(result?.status).to.equal('changed');
  });

  it("through a delegated task's registered result", async () => {
    const recorder = hostPrints(PAYLOAD);
    await runFake([play({ tasks: [
      cmd('read', 'cat payload.txt', { register: 'r', delegateTo: 'localhost' }),
      action('set_fact', { said: '{{ r.stdout_lines[0] }}' }),
      action('debug', { msg: '{{ said }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal([PAYLOAD]);
  });

  it("through lookup('file') of a file a host wrote (fetch), and lookup('env')", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-unsafe-'));
    try {
      const fetched = join(dir, 'h1-motd');
      writeFileSync(fetched, `${PAYLOAD}\n`);
      process.env['AIRLOCK_TEST_UNSAFE_ENV'] = PAYLOAD;
      const recorder = hostPrints('');
      await runFake([play({ tasks: [
        action('set_fact', { motd: `{{ lookup('file', '${fetched}') }}`, from_env: "{{ lookup('env', 'AIRLOCK_TEST_UNSAFE_ENV') }}" }),
        action('debug', { msg: '{{ motd }}' }),
        action('debug', { msg: '{{ from_env }}' }),
      ] })], { inventory: inventory(), recorder });
      expect(debugMessages(recorder)).to.deep.equal([PAYLOAD, PAYLOAD]);
    } finally {
      delete process.env['AIRLOCK_TEST_UNSAFE_ENV'];
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the operator's own templates still render, also when they read host data", async () => {
    const recorder = hostPrints('web-01');
    await runFake([play({ vars: { base: '/srv', app_dir: '{{ base }}/app', shown: 'host is {{ r.stdout_lines[0] }}' }, tasks: [
      cmd('read', 'hostname', { register: 'r' }),
      action('set_fact', { target: '{{ app_dir }}/{{ r.stdout_lines[0] }}', plain: '{{ app_dir }}' }),
      action('debug', { msg: '{{ target }} {{ plain }} {{ shown }}' }),
    ] })], { inventory: inventory(), recorder });
    expect(debugMessages(recorder)).to.deep.equal(['/srv/app/web-01 /srv/app host is web-01']);
  });

  it('modules get plain strings, not boxes: a command built from host data is the text itself', async () => {
    const recorder = hostPrints('abc');
    await runFake([play({ tasks: [
      cmd('read', 'hostname', { register: 'r' }),
      action('set_fact', { name: '{{ r.stdout_lines[0] }}' }),
      cmd('use', 'echo {{ name }}'),
      action('debug', { msg: '{{ name }}' }),
    ] })], { inventory: inventory(), recorder });
    const use = recorder.callsOf('command').find((call) => String(call.args['cmd']).startsWith('echo'));
    expect(use?.args['cmd']).to.equal('echo abc');
    expect(typeof recorder.callsOf('debug')[0]?.args['msg']).to.equal('string');
  });
});
