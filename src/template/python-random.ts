// Python's random.Random(seed), for Ansible's `random(seed=...)` and `shuffle(seed=...)`: the same seed must give
// the same pick as ansible-playbook did, or a playbook moved to airlock would move every cron minute chosen with
// `59 | random(seed=inventory_hostname)`. MT19937 seeded as CPython seeds it (init_by_array over the seed's 32-bit
// words; a str seed is its UTF-8 bytes followed by their SHA-512, read as one big integer), and CPython's
// _randbelow / choice / shuffle on top.
import { createHash } from 'node:crypto';

const N = 624;
const M = 397;

class MersenneTwister {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  constructor(key: number[]) {
    this.initByArray(key.length === 0 ? [0] : key);
  }

  private initGenrand(seed: number): void {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i += 1) {
      const previous = this.mt[i - 1] as number;
      this.mt[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k -= 1) {
      const previous = this.mt[i - 1] as number;
      this.mt[i] = ((((this.mt[i] as number) ^ Math.imul(previous ^ (previous >>> 30), 1664525)) >>> 0) + (key[j] as number) + j) >>> 0;
      i += 1;
      j += 1;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1] as number;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k -= 1) {
      const previous = this.mt[i - 1] as number;
      this.mt[i] = ((((this.mt[i] as number) ^ Math.imul(previous ^ (previous >>> 30), 1566083941)) >>> 0) - i) >>> 0;
      i += 1;
      if (i >= N) {
        this.mt[0] = this.mt[N - 1] as number;
        i = 1;
      }
    }
    this.mt[0] = 0x80000000;
  }

  next32(): number {
    if (this.index >= N) {
      for (let k = 0; k < N; k += 1) {
        const y = ((this.mt[k] as number) & 0x80000000) | ((this.mt[(k + 1) % N] as number) & 0x7fffffff);
        this.mt[k] = ((this.mt[(k + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
      }
      this.index = 0;
    }
    let y = this.mt[this.index] as number;
    this.index += 1;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** A seed as CPython's random.seed(version=2) turns it into init_by_array's key. */
function seedKey(seed: unknown): number[] {
  let big: bigint;
  if (typeof seed === 'number' && Number.isInteger(seed)) big = BigInt(Math.abs(seed));
  else if (typeof seed === 'bigint') big = seed < 0n ? -seed : seed;
  else {
    const bytes = Buffer.from(String(seed), 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    big = BigInt(`0x${all.toString('hex')}`);
  }
  const key: number[] = [];
  while (big > 0n) {
    key.push(Number(big & 0xffffffffn));
    big >>= 32n;
  }
  return key;
}

export class PyRandom {
  private readonly twister: MersenneTwister;
  constructor(seed: unknown) {
    this.twister = new MersenneTwister(seedKey(seed));
  }

  /** random.getrandbits(k) for k <= 32, as _randbelow uses it */
  private bits(k: number): number {
    return k === 0 ? 0 : this.twister.next32() >>> (32 - k);
  }

  /** CPython's _randbelow_with_getrandbits(n) */
  below(n: number): number {
    if (n <= 0) throw new Error('empty range for randrange()');
    if (n > 2 ** 32) throw new Error('random: ranges above 2**32 are not supported');
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }

  /** random.randrange(start, stop, step) */
  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) return start + this.below(width);
    const count = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    return start + step * this.below(count);
  }

  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Cannot choose from an empty sequence');
    return items[this.below(items.length)] as T;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = this.below(i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}
