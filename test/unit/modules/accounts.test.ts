// user and group: the exact commands sent for representative states of the host's account databases, and what
// the modules answer (check mode runs nothing; a second run is ok).
import { expect } from 'chai';
import { accountProbeCommand, parseAccountProbe, type AccountState } from '../../../src/modules/lib/accounts.js';
import { groupCommand, groupModule, parseGroupSpec } from '../../../src/modules/group.js';
import { looksUnhashed, parseUserSpec, userModule, userPlan } from '../../../src/modules/user.js';
import { FakeConnection, fakeContext } from './fake-connection.js';

const GROUPS = ['G\troot:x:0:', 'G\tsudo:x:27:alice', 'G\tadm:x:4:', 'G\talice:x:1001:', 'G\tstaff:x:50:'];
const ALICE = 'U\talice:x:1001:1001:Alice:/home/alice:/bin/sh';
const probe = (...lines: string[]): string => `${lines.join('\n')}\n`;
const state = (...lines: string[]): AccountState => parseAccountProbe(probe(...lines));

describe('modules: group', () => {
  const cases: Array<[string, Record<string, unknown>, string | undefined, string | undefined]> = [
    ['create', { name: 'web' }, undefined, 'groupadd web'],
    ['create with gid, system', { name: 'web', gid: 1500, system: true }, undefined, 'groupadd -g 1500 -r web'],
    ['create non-unique gid', { name: 'web', gid: '0', non_unique: true }, undefined, 'groupadd -g 0 -o web'],
    ['present, same gid', { name: 'web', gid: 1500 }, 'web:x:1500:', undefined],
    ['present, no gid asked', { name: 'web' }, 'web:x:1500:', undefined],
    ['gid differs', { name: 'web', gid: 1600 }, 'web:x:1500:', 'groupmod -g 1600 web'],
    ['absent removes', { name: 'web', state: 'absent' }, 'web:x:1500:', 'groupdel web'],
    ['absent when absent', { name: 'web', state: 'absent' }, undefined, undefined],
  ];
  for (const [name, args, line, command] of cases) {
    it(name, () => {
      const current = line === undefined ? undefined : { name: 'web', gid: Number(line.split(':')[2]), members: [] };
      expect(groupCommand(parseGroupSpec(args), current)).to.equal(command);
    });
  }
  it('a name with a colon is refused, naming the argument', () => {
    expect(() => parseGroupSpec({ name: 'a:b' })).to.throw(`group: 'name' "a:b" is not a valid account name`);
  });
  it('run: probe, create, re-read; check mode only probes', async () => {
    const conn = new FakeConnection([
      { command: 'getent group web', result: { rc: 2 } },
      { command: 'groupadd -g 1500 web' },
      { command: 'getent group web', result: { stdout: 'web:x:1500:\n' } },
    ]);
    const result = await groupModule.run({ name: 'web', gid: 1500 }, fakeContext(conn));
    expect(result).to.deep.equal({ changed: true, data: { name: 'web', state: 'present', system: false, gid: 1500 } });
    expect(conn.done).to.equal(true);
    const check = new FakeConnection([{ command: 'getent group web', result: { stdout: 'web:x:1500:\n' } }]);
    expect(await groupModule.run({ name: 'web', gid: 1600 }, fakeContext(check, { check: true }))).to.deep.equal({ changed: true, data: { name: 'web', state: 'present', system: false, gid: 1500 } });
  });
  it('run: a failing groupadd is the task failing with its stderr', async () => {
    const conn = new FakeConnection([{ command: 'getent group web', result: { rc: 2 } }, { command: 'groupadd -g 0 web', result: { rc: 4, stderr: "groupadd: GID '0' already exists\n" } }]);
    const result = await groupModule.run({ name: 'web', gid: 0 }, fakeContext(conn));
    expect(result.failed).to.equal(true);
    expect(result.msg).to.equal("groupadd: GID '0' already exists");
  });
});

describe('modules: user', () => {
  it('the probe reads passwd, shadow, the home and every group in one exec', () => {
    expect(accountProbeCommand('alice')).to.equal(
      `u=$(getent passwd alice) && printf 'U\\t%s\\n' "$u"; s=$(getent shadow alice | cut -d: -f2) && printf 'S\\t%s\\n' "$s"; `
      + `h=$(getent passwd alice | cut -d: -f6) && [ -n "$h" ] && [ -d "$h" ] && printf 'H\\n'; getent group | sed 's/^/G\\t/'; true`,
    );
    const parsed = state(ALICE, 'S\t!$6$x', 'H', ...GROUPS);
    expect(parsed.user).to.deep.equal({ name: 'alice', uid: 1001, gid: 1001, gecos: 'Alice', home: '/home/alice', shell: '/bin/sh' });
    expect(parsed.hash).to.equal('!$6$x');
    expect(parsed.groups.find((g) => g.name === 'sudo')?.members).to.deep.equal(['alice']);
  });

  const plans: Array<[string, Record<string, unknown>, AccountState, string | undefined]> = [
    ['create, defaults (its own group exists: -N)', { name: 'alice' }, state(...GROUPS), 'useradd -N -m alice'],
    ['create, everything', { name: 'bob', uid: 2000, group: 'staff', groups: ['sudo', 'adm'], comment: 'Bob B', home: '/srv/bob', shell: '/bin/bash', password: '$6$salt$hash', system: true },
      state(...GROUPS), "useradd -u 2000 -g staff -G sudo,adm -c 'Bob B' -d /srv/bob -s /bin/bash -p '$6$salt$hash' -m -r bob"],
    ['create without home, locked password', { name: 'bob', create_home: false, password: '$6$h', password_lock: true }, state(...GROUPS), "useradd -p '!$6$h' -M bob"],
    ['unchanged', { name: 'alice', comment: 'Alice', shell: '/bin/sh', groups: ['sudo'] }, state(ALICE, 'S\t*', 'H', ...GROUPS), undefined],
    ['shell, comment, uid', { name: 'alice', uid: 1005, comment: 'A.', shell: '/bin/bash' }, state(ALICE, 'S\t*', 'H', ...GROUPS), 'usermod -u 1005 -c A. -s /bin/bash alice'],
    ['primary group by gid', { name: 'alice', group: 'staff' }, state(ALICE, 'S\t*', 'H', ...GROUPS), 'usermod -g 50 alice'],
    ['groups replaced', { name: 'alice', groups: ['adm'] }, state(ALICE, 'S\t*', 'H', ...GROUPS), 'usermod -G adm alice'],
    ['groups appended', { name: 'alice', groups: 'adm,sudo', append: true }, state(ALICE, 'S\t*', 'H', ...GROUPS), 'usermod -a -G adm,sudo alice'],
    ['append: already a member', { name: 'alice', groups: ['sudo'], append: true }, state(ALICE, 'S\t*', 'H', ...GROUPS), undefined],
    ["groups: '' empties", { name: 'alice', groups: '' }, state(ALICE, 'S\t*', 'H', ...GROUPS), "usermod -G '' alice"],
    ['home moved', { name: 'alice', home: '/srv/alice', move_home: true }, state(ALICE, 'S\t*', 'H', ...GROUPS), 'usermod -d /srv/alice -m alice'],
    ['password differs', { name: 'alice', password: '$6$new' }, state(ALICE, 'S\t$6$old', 'H', ...GROUPS), "usermod -p '$6$new' alice"],
    ['password same but locked', { name: 'alice', password: '$6$old' }, state(ALICE, 'S\t!$6$old', 'H', ...GROUPS), undefined],
    ['password on_create only', { name: 'alice', password: '$6$new', update_password: 'on_create' }, state(ALICE, 'S\t$6$old', 'H', ...GROUPS), undefined],
    ['lock', { name: 'alice', password_lock: true }, state(ALICE, 'S\t$6$old', 'H', ...GROUPS), 'usermod -L alice'],
    ['unlock', { name: 'alice', password_lock: false }, state(ALICE, 'S\t!$6$old', 'H', ...GROUPS), 'usermod -U alice'],
    ['absent', { name: 'alice', state: 'absent', remove: true, force: true }, state(ALICE, ...GROUPS), 'userdel -f -r alice'],
    ['absent when absent', { name: 'alice', state: 'absent' }, state(...GROUPS), undefined],
  ];
  for (const [name, args, current, command] of plans) {
    it(name, () => {
      const plan = userPlan(parseUserSpec(args), current);
      expect(plan.error).to.equal(undefined);
      expect(plan.command).to.equal(command);
    });
  }
  it('a group that does not exist is Ansible\'s message', () => {
    expect(userPlan(parseUserSpec({ name: 'bob', groups: ['nope'] }), state(...GROUPS)).error).to.equal('Group nope does not exist');
  });
  it('an existing user whose home is missing gets one made from the skeleton', () => {
    expect(userPlan(parseUserSpec({ name: 'alice' }), state(ALICE, ...GROUPS)).makeHome).to.equal(
      "mkdir -p -- /home && if [ -d /etc/skel ]; then cp -a -- /etc/skel /home/alice; else mkdir -p -- /home/alice; fi && "
      + `m=$(sed -n 's/^UMASK[[:space:]]\\{1,\\}\\([0-7]\\{1,\\}\\)$/\\1/p' /etc/login.defs 2>/dev/null | tail -n 1); if [ -n "$m" ]; then chmod "$(printf '%o' $((0777 & ~0$m)))" -- /home/alice; fi && `
      + 'chown -R 1001:1001 -- /home/alice',
    );
  });
  it('clear-text passwords are recognised as Ansible does', () => {
    expect(looksUnhashed('secret')).to.equal(true);
    expect(looksUnhashed(`$6$salt$${'a'.repeat(86)}`)).to.equal(false);
    expect(looksUnhashed('$6$salt$short')).to.equal(true);
    expect(looksUnhashed('!')).to.equal(false);
  });
  it('run: create then re-read for the return values; a second run is ok', async () => {
    const after = probe('U\tbob:x:2000:50:Bob:/home/bob:/bin/sh', 'S\t!', 'H', ...GROUPS);
    const conn = new FakeConnection([
      { command: accountProbeCommand('bob'), result: { stdout: probe(...GROUPS) } },
      { command: 'useradd -u 2000 -g staff -c Bob -m bob' },
      { command: accountProbeCommand('bob'), result: { stdout: after } },
      { command: accountProbeCommand('bob'), result: { stdout: after } },
    ]);
    const args = { name: 'bob', uid: 2000, group: 'staff', comment: 'Bob' };
    expect(await userModule.run(args, fakeContext(conn))).to.deep.equal({
      changed: true,
      data: { name: 'bob', state: 'present', system: false, create_home: true, uid: 2000, group: 50, comment: 'Bob', home: '/home/bob', shell: '/bin/sh' },
    });
    expect((await userModule.run(args, fakeContext(conn))).changed).to.equal(false);
    expect(conn.done).to.equal(true);
  });
  it('run: check mode on a missing user is changed and runs nothing', async () => {
    const conn = new FakeConnection([{ command: accountProbeCommand('bob'), result: { stdout: probe(...GROUPS) } }]);
    expect(await userModule.run({ name: 'bob' }, fakeContext(conn, { check: true }))).to.deep.equal({ changed: true });
  });
  it('run: a clear-text password warns as Ansible does', async () => {
    const conn = new FakeConnection([{ command: accountProbeCommand('alice'), result: { stdout: probe(ALICE, 'S\tsecret', 'H', ...GROUPS) } }]);
    const result = await userModule.run({ name: 'alice', password: 'secret' }, fakeContext(conn));
    expect(result.changed).to.equal(false);
    expect(result.warnings?.[0]).to.match(/^The input password appears not to have been hashed/);
  });
});

describe('modules: user in check mode', () => {
  it('a create is changed even when its groups do not exist yet (Ansible looks at them only when it runs)', async () => {
    const conn = new FakeConnection([{ command: accountProbeCommand('bob'), result: { stdout: probe(...GROUPS) } }]);
    expect(await userModule.run({ name: 'bob', groups: ['sm_new'] }, fakeContext(conn, { check: true }))).to.deep.equal({ changed: true });
  });
  it('a modify with a missing group fails, as Ansible', async () => {
    const conn = new FakeConnection([{ command: accountProbeCommand('alice'), result: { stdout: probe(ALICE, 'S\t*', 'H', ...GROUPS) } }]);
    expect((await userModule.run({ name: 'alice', groups: ['sm_new'] }, fakeContext(conn, { check: true }))).msg).to.equal('Group sm_new does not exist');
  });
});
