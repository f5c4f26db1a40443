// Is a socket listening on IP:PORT in the network namespace of process PID? Read from /proc/PID/net/tcp, which
// shows that process's namespace: no fork, no connection, nothing for the listener to do.
import { readFile } from 'node:fs/promises';

/** /proc/net/tcp writes an IPv4 address as the 32-bit value in host byte order (little-endian here), in hex. */
function procNetAddress(ip: string, port: number): string {
  const octets = ip.split('.').map(Number).reverse();
  const hexIp = octets.map((o) => o.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${hexIp}:${port.toString(16).padStart(4, '0').toUpperCase()}`;
}

const TCP_LISTEN = '0A';

export async function listensOnPort(pid: number, ip: string, port: number): Promise<boolean> {
  let table: string;
  try {
    table = await readFile(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    return false;
  }
  const wanted = procNetAddress(ip, port);
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields[1] === wanted && fields[3] === TCP_LISTEN;
  });
}
