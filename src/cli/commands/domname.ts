export { run } from './domid.js';

export const text = (d: { name: string }) => `${d.name}\n`;
