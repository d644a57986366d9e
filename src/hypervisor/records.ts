import type { DurableDir } from './sim/durable.js';
import type { HostLog } from './types.js';

/**
 * Every domain record a backend kept. One unreadable record must not keep every
 * other guest from being managed: it is moved aside and reported in xend.log.
 */
export function loadRecords<T>(store: DurableDir<T>, log: HostLog): T[] {
  const records: T[] = [];
  for (const key of store.keys()) {
    try {
      const record = store.read(key);
      if (record) records.push(record);
    } catch (err) {
      store.quarantine(key);
      log.error(`domain record ${key} in ${store.dir} is unreadable (${(err as Error).message}); moved aside as ${key}.json.corrupt`);
    }
  }
  return records;
}
