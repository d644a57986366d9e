import { tmemAction } from './tmem-target.js';

/** `xm tmem-freeze [<Domain>|-a]`. */
export const { run, text } = tmemAction('tmem_freeze');
