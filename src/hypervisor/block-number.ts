/**
 * blkif.blkdev_name_to_number: the Linux device number of a disk's name
 * (`xvda` 51712, `hda` 768, `sda` 2048, `/dev/sdb1` 2065), or of a number
 * written in decimal or 0x-hex; null for anything else.
 */
export function blockDeviceNumber(name: string): number | null {
  const n = name.startsWith('/') ? name : `/dev/${name}`;
  const letter = (c: string) => c.charCodeAt(0) - 97;
  const part = (p: string) => (p ? Number(p) : 0);
  let m: RegExpExecArray | null;
  if ((m = /^\/dev\/sd([a-z])([1-9]|1[0-5])?$/.exec(n))) return scsi(letter(m[1]!), part(m[2] ?? ''));
  if ((m = /^\/dev\/sd([a-i])([a-z])([1-9]|1[0-5])?$/.exec(n))) return scsi((letter(m[1]!) + 1) * 26 + letter(m[2]!), part(m[3] ?? ''));
  if ((m = /^\/dev\/hd([a-t])([1-9]|[1-5][0-9]|6[0-3])?$/.exec(n))) {
    const i = letter(m[1]!);
    return IDE_MAJORS[Math.floor(i / 2)]! * 256 + (i % 2) * 64 + part(m[2] ?? '');
  }
  if ((m = /^\/dev\/xvd([a-p])([1-9]|1[0-5])?$/.exec(n))) return (202 << 8) + (letter(m[1]!) << 4) + part(m[2] ?? '');
  // Beyond xvdp: the extended numbering (virtual-device-ext).
  if ((m = /^\/dev\/xvd([q-z])([1-9]|1[0-5])?$/.exec(n))) return (1 << 28) + (letter(m[1]!) << 8) + part(m[2] ?? '');
  if ((m = /^\/dev\/xvd([a-i])([a-z])([1-9]|1[0-5])?$/.exec(n))) return (1 << 28) + (((letter(m[1]!) + 1) * 26 + letter(m[2]!)) << 8) + part(m[3] ?? '');
  if (/^0x[0-9a-fA-F]+$/.test(name)) return safe(Number.parseInt(name.slice(2), 16));
  if (/^[0-9]+$/.test(name)) return safe(Number(name));
  return null;
}

/** The `disk`th SCSI disk's partition; past sdhz xend's table ran out (an IndexError there, no number here). */
function scsi(disk: number, partition: number): number | null {
  const major = SCSI_MAJORS[Math.floor(disk / 16)];
  return major === undefined ? null : major * 256 + (disk % 16) * 16 + partition;
}

const SCSI_MAJORS = [8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135];
const IDE_MAJORS = [3, 22, 33, 34, 56, 57, 88, 89, 90, 91];

/** A number too big to be exact is no device's. */
const safe = (n: number): number | null => (Number.isSafeInteger(n) ? n : null);

/** A disk's `dev` as xend split it: `ioemu:hdc:cdrom` is hdc, a cdrom. */
export function splitDev(dev: string): { name: string; type: string } {
  const bare = dev.replace(/^.*?ioemu:/, '');
  const at = bare.indexOf(':');
  return at < 0 ? { name: bare, type: 'disk' } : { name: bare.slice(0, at), type: bare.slice(at + 1) };
}

/** blkif.blkdev_uname_to_file: the file or device a uname names (`phy:sda` is /dev/sda). */
export function unameFile(uname: string): string | null {
  const at = uname.indexOf(':');
  if (at < 0) return null;
  const typ = uname.slice(0, at);
  let fn = uname.slice(at + 1);
  if (typ === 'phy' && !fn.startsWith('/')) fn = `/dev/${fn}`;
  if (typ === 'tap' || typ === 'tap2') {
    fn = fn.slice(fn.indexOf(':') + 1);
    if (/^(tapdisk|ioemu):/.test(uname.slice(at + 1))) fn = fn.slice(fn.indexOf(':') + 1);
  }
  return fn;
}
