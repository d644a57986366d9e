/** A domain config the qemu backend cannot or will not turn into a QEMU command line. */
export class UnsupportedConfig extends Error {}
