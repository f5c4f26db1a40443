// A set of variables as Ansible has them: names to plain data (YAML/JSON values; host data may be boxed, see
// src/util/unsafe.ts). Every layer may import this: inventory produces it, playbooks and templates read it.
export type Vars = Record<string, unknown>;
