// `lxd init --preseed` input for a lab host's own LXD. `lxd init --auto` fails on this machine (it cannot find a
// free subnet on its own), and NAT would let containers route out: the bridge address is explicit and NAT is off.
// Every host has its own netns, so the same bridge name and subnet repeat safely in every host.

export const LAB_LXD_BRIDGE = 'lxdbr0';
export const LAB_LXD_BRIDGE_ADDRESS = '10.254.0.1/24';

export function lxdPreseed(): string {
  return `config: {}
networks:
- name: ${LAB_LXD_BRIDGE}
  type: bridge
  config:
    ipv4.address: ${LAB_LXD_BRIDGE_ADDRESS}
    ipv4.nat: "false"
    ipv6.address: none
storage_pools:
- name: default
  driver: dir
profiles:
- name: default
  devices:
    root:
      path: /
      pool: default
      type: disk
    eth0:
      name: eth0
      network: ${LAB_LXD_BRIDGE}
      type: nic
`;
}
