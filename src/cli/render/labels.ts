import type { DomainRecord } from '../../protocol/domain.js';
import { fixed, int, left, lines, right } from './format.js';

/** `xm list --label`: xm_label_list's columns (`… %(seclabel)10s`), sorted by label without case, as xm sorted. */
export function labelTable(rows: readonly { record: DomainRecord; label: string }[]): string {
  const header = `${left('Name', 40)} ${right('ID', 5)} ${right('Mem', 5)} ${right('VCPUs', 5)} ${right('State', 10)} ${right('Time(s)', 9)} ${left('Label', 10)}`;
  const sorted = [...rows].sort((a, b) => (a.label.toLowerCase() < b.label.toLowerCase() ? -1 : a.label.toLowerCase() > b.label.toLowerCase() ? 1 : 0));
  return lines([
    header,
    ...sorted.map(
      ({ record: d, label }) =>
        `${left(d.name, 40)} ${right(d.domid ?? '', 5)} ${int(d.memory, 5)} ${int(d.onlineVcpus ?? d.vcpus, 5)} ${right(d.state, 10)} ${fixed(d.cpuTime, 8, 1)} ${right(label, 10)}`,
    ),
  ]);
}
