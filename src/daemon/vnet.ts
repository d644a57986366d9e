import { XendError } from '../protocol/faults.js';

/**
 * XendVnet as it fared on every host this xend runs on: vnets needed the vnet kernel
 * module, whose control file xend wrote each command to. Without it there are no vnets,
 * and creating one fails with the IOError xend reported for that file.
 */
const POLICY_FILE = '/proc/vnet/policy';

export const VNETS = {
  list: (): string[] => [],
  get: (id: string): never => {
    throw new XendError(`No such vnet ${id}`);
  },
  create: (): never => {
    throw new XendError(`[Errno 2] No such file or directory: '${POLICY_FILE}'`);
  },
  /** xend's vnet_delete did nothing for an id it did not know. */
  delete: (): void => undefined,
};
