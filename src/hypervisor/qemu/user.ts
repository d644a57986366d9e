import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

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

/**
 * The first directory on the way to `dir` (itself included) that `user` may not
 * pass through, or null: QEMU, once it is that user, reaches its migration
 * sockets by their paths.
 */
export function unreachableBy(user: QemuUser, dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const st = statSync(d);
    const bit = st.uid === user.uid ? 0o100 : st.gid === user.gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return d;
    if (d === dirname(d)) return null;
  }
}
