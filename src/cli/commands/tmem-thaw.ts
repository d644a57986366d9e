import { tmemAction } from './tmem-target.js';

/** `xm tmem-thaw [<Domain>|-a]`. */
export const { run, text } = tmemAction('tmem_thaw');
