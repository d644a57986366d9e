import { action } from './action.js';

/** `xm usb-del DOM host:BUS.ADDR|host:VENDOR:PRODUCT`: the device model gives the host USB device back. */
export const { run, text, json } = action((client, { args: [dom, dev] }) => client.api.usb_del({ dom: dom!, dev_id: dev! }));
