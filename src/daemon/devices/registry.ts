import { XendError } from '../../protocol/faults.js';
import type { DeviceController } from './controller.js';
import { VBD_CONTROLLER } from './vbd.js';
import { VIF_CONTROLLER, VIF2_CONTROLLER } from './vif.js';
import { PCI_CONTROLLER } from './pci.js';
import { VSCSI_CONTROLLER } from './vscsi.js';
import { VUSB_CONTROLLER } from './vusb.js';

/**
 * The device classes this xend serves, each by its controller (xend's
 * XendDevices.controllers). A class xend had but no controller here yet gets
 * xend's own error for an unknown class.
 */
export const DEVICE_CONTROLLERS: readonly DeviceController[] = [VBD_CONTROLLER, VIF_CONTROLLER, VIF2_CONTROLLER, PCI_CONTROLLER, VSCSI_CONTROLLER, VUSB_CONTROLLER];

/** Controllers by the classes they serve. */
export class DeviceRegistry {
  private readonly byClass = new Map<string, DeviceController>();

  constructor(controllers: readonly DeviceController[] = DEVICE_CONTROLLERS) {
    for (const c of controllers) for (const cls of c.classes) this.byClass.set(cls, c);
  }

  /** XendDomainInfo.getDeviceController: destroyDevice, getDeviceSxprs, device_configure. */
  controller(cls: string): DeviceController {
    const c = this.byClass.get(cls);
    if (!c) throw new XendError(`Unknown device type: ${cls}`);
    return c;
  }

  /** XendConfig.device_add's check, device_create's refusal of a class it does not know. */
  creatable(cls: string): DeviceController {
    const c = this.byClass.get(cls);
    if (!c) throw new XendError(`XendConfig: ${cls} not a valid device type`);
    return c;
  }

  classes(): string[] {
    return [...this.byClass.keys()];
  }
}
