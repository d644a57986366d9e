import { readFileSync } from 'node:fs';

export interface QemuUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * The account `(qemu-user NAME)` names, from /etc/passwd: QEMU switches to it
 * (-runas) and its run directory is given to it. Not root, and it must exist:
 * xend refuses to start otherwise rather than run guests as root unawares.
 */
export function qemuUser(name: string, passwd = '/etc/passwd'): QemuUser | null {
  if (name === '') return null;
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(name)) throw new Error(`qemu-user "${name.slice(0, 64)}" is not a user name`);
  const entry = readFileSync(passwd, 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((f) => f[0] === name);
  if (!entry) throw new Error(`qemu-user ${name}: no such user in ${passwd}`);
  const uid = Number(entry[2]);
  const gid = Number(entry[3]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`qemu-user ${name}: unreadable entry in ${passwd}`);
  if (uid === 0) throw new Error(`qemu-user ${name} is root: name an unprivileged user`);
  return { name, uid, gid };
}
