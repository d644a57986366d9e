import { returns, flag, text, none, get, post, method } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/** XendNode's methods (xend.node.*), SrvNode's requests. */
export const NODE_METHODS = {
  node_info: method('xend.node.info', [flag('show_numa', true)], returns<Sxp[]>(), get('node', { fields: [], reply: 'node' })),
  node_dmesg_info: method('xend.node.dmesg.info', [], returns<string>(), get('node/dmesg', { reply: 'text' })),
  node_dmesg_clear: method('xend.node.dmesg.clear', [], returns<string>(), post('node/dmesg', 'clear', { reply: 'text' })),
  send_debug_keys: method('xend.node.send_debug_keys', [text('keys')], none),
  node_log: method('xend.node.log', [], returns<string>(), get('node/log', { reply: 'text' })),
  /** `(dev (domain 0x0000) (bus 0x03) (slot 0x00) (func 0x0))` of each assignable PCI function no domain holds; None without pciback. Over XML-RPC only, as in xend. */
  pciinfo: method('xend.node.pciinfo', [], returns<Sxp[] | null>()),
  // Not in xend, whose xm read the host's sysfs itself: the SCSI LUNs and USB devices pass-through may give.
  scsiinfo: method('xend.node.scsiinfo', [], returns<Sxp[]>()),
  usbinfo: method('xend.node.usbinfo', [], returns<Sxp[]>()),
};
