// Every name and address a lab uses is derived from the lab's name, so that several labs (one per engineer or test
// tier) coexist on one machine and a later `up`/`down` of the same name finds exactly what an earlier run created.
import { createHash } from 'node:crypto';
import { InputError } from '../util/errors.js';

/** Lab names end up in netns names, host names and file names: keep them short and boring. */
const LAB_NAME = /^[a-z][a-z0-9]{0,15}$/;
export const MAX_HOSTS = 250;

/** 10.200.0.0/14 holds 512 blocks of /23: the first /24 of a block is the lab bridge, the second the jump-only link. */
const POOL_BASE = (10 << 24) | (200 << 16);
const BLOCK_COUNT = 512;
const BLOCK_SIZE = 512;

export function validateLabName(name: string): void {
  if (!LAB_NAME.test(name)) {
    throw new InputError(`lab name ${JSON.stringify(name)} must be 1-16 lowercase letters/digits, starting with a letter`, {
      file: '--name',
    });
  }
}

export function validateHostCount(hosts: number): void {
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) {
    throw new InputError(`--hosts must be an integer from 1 to ${MAX_HOSTS}, got ${String(hosts)}`, { file: '--hosts' });
  }
}

function labHash(name: string): string {
  return createHash('sha256').update(`airlock-lab:${name}`).digest('hex');
}

export function ipv4ToString(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
}

/** The block index a lab prefers; `up` walks forward from here past blocks another lab already uses. */
export function preferredBlock(name: string): number {
  return Number.parseInt(labHash(name).slice(0, 8), 16) % BLOCK_COUNT;
}

export interface LabAddressing {
  block: number;
  /** main lab subnet, e.g. 10.201.34.0/24: the bridge in the root namespace holds `.1` */
  subnet: string;
  gatewayIp: string;
  /** jump-only link between the first host and the behind-jump host, never routed from the root namespace */
  internalSubnet: string;
  jumpInternalIp: string;
  behindJumpIp: string;
  prefixLength: 24;
}

export function addressingForBlock(block: number): LabAddressing {
  const base = POOL_BASE + (block % BLOCK_COUNT) * BLOCK_SIZE;
  return {
    block: block % BLOCK_COUNT,
    subnet: `${ipv4ToString(base)}/24`,
    gatewayIp: ipv4ToString(base + 1),
    internalSubnet: `${ipv4ToString(base + 256)}/24`,
    jumpInternalIp: ipv4ToString(base + 256 + 1),
    behindJumpIp: ipv4ToString(base + 256 + 2),
    prefixLength: 24,
  };
}

/** Host i (1-based) of the lab sits at .(i+1) of the main subnet. */
export function hostIp(addressing: LabAddressing, index: number): string {
  const [a, b, c] = addressing.gatewayIp.split('.');
  return `${a}.${b}.${c}.${index + 1}`;
}

export interface LabNames {
  /** bridge in the root namespace (<= 15 chars, kernel limit) */
  bridge: string;
  /** prefix of the root-namespace end of each host's veth; + 3 digits stays <= 15 chars */
  vethPrefix: string;
  hostName(index: number): string;
  netnsName(hostName: string): string;
  vethName(index: number): string;
  behindJumpHostName: string;
  /** every netns of this lab, and no other lab's, matches this */
  netnsPattern: RegExp;
}

export function labNames(name: string): LabNames {
  const short = labHash(name).slice(0, 8);
  const hostName = (index: number): string => `${name}-h${String(index).padStart(3, '0')}`;
  return {
    bridge: `alb${short}`,
    vethPrefix: `av${short}`,
    hostName,
    netnsName: (host: string) => `airlock-${host}`,
    vethName: (index: number) => `av${short}${String(index).padStart(3, '0')}`,
    behindJumpHostName: `${name}-behind`,
    netnsPattern: new RegExp(`^airlock-${name}-(h\\d{3}|behind)$`),
  };
}
