import { action } from './action.js';

/** `xm usb-add DOM host:BUS.ADDR|host:VENDOR:PRODUCT`: the HVM guest's device model takes a host USB device; silent, as xm was. */
export const { run, text, json } = action((client, { args: [dom, dev] }) => client.api.usb_add({ dom: dom!, dev_id: dev! }));
