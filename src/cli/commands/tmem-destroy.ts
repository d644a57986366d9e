import { tmemAction } from './tmem-target.js';

/** `xm tmem-destroy [<Domain>|-a]`. */
export const { run, text } = tmemAction('tmem_destroy');
