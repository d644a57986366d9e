/**
 * Xen's debug keys (xen/common/keyhandler.c and friends, 4.4) as the sim's console
 * answers them: the line Xen printed for each key it knew, and for `h` its table.
 * A key Xen had no handler for is ignored, as Xen ignored it; the sim leaves out the
 * keys that would reboot the machine or stop it in a debugger.
 */
const HANDLERS: readonly [key: string, desc: string, pressed: string][] = [
  ['0', "dump Dom0 registers", "dumping Dom0's registers"],
  ['A', 'toggle alternative key handling', 'using alternative key handling'],
  ['H', 'dump heap info', 'dumping heap info'],
  ['c', 'dump ACPI Cx structures', 'printing ACPI Cx structures'],
  ['d', 'dump registers', 'dumping registers'],
  ['e', 'dump evtchn info', 'dumping event-channel info'],
  ['h', 'show this message', 'showing installed handlers'],
  ['q', 'dump domain (and guest debug) info', 'dumping domain info'],
  ['r', 'dump run queues', 'dumping run queues'],
  ['t', 'display multi-cpu clock info', 'displaying multi-cpu clock info'],
  ['u', 'dump numa info', 'dumping numa info'],
  ['w', 'synchronously dump console ring buffer (dmesg)', 'dumping console ring buffer (dmesg)'],
  ['z', 'print ioapic info', 'printing ioapic info'],
];

/** What the console shows for the keys, in order; `domains` feeds `q`. */
export function debugKeyLines(keys: string, domains: readonly { domid: number; memoryMiB: number; maxmemMiB: number; vcpus: number }[]): string[] {
  const lines: string[] = [];
  for (const key of keys) {
    const h = HANDLERS.find(([k]) => k === key);
    if (!h) continue;
    lines.push(`(XEN) '${key}' pressed -> ${h[2]}`);
    if (key === 'h') for (const [k, desc] of HANDLERS) lines.push(`(XEN)  key '${k}' (ascii '${k.charCodeAt(0).toString(16).padStart(2, '0')}') => ${desc}`);
    if (key === 'q')
      for (const d of domains) {
        lines.push(`(XEN) General information for domain ${d.domid}:`);
        lines.push(`(XEN)     refcnt=3 dying=0 pause_count=0`);
        lines.push(`(XEN)     nr_pages=${d.memoryMiB * 256} xenheap_pages=0 shared_pages=0 paged_pages=0 dirty_cpus={} max_pages=${d.maxmemMiB * 256}`);
        lines.push(`(XEN) VCPU information and callbacks for domain ${d.domid}:`);
        for (let v = 0; v < d.vcpus; v++) lines.push(`(XEN)     VCPU${v}: CPU${v} [has=F] poll=0 upcall_pend = 00, upcall_mask = 00`);
      }
  }
  return lines;
}
