/** `xm dumppolicy`: xm's dummy module had no hypervisor policy to dump and printed nothing. */
export const run = async () => ({});
export const text = () => '';
