/**
 * Console streams: `GET /xend/console/<dom>?replay=all|N&write=0|1&force=1` with
 * `Upgrade: xen-console` on any management server; after `101 Switching Protocols`
 * the connection carries raw console bytes both ways. Refusals are plain HTTP:
 * 404 unknown domain, 409 not running (or Domain-0), 423 another writer attached.
 */
export const CONSOLE_PATH = '/xend/console/';
export const CONSOLE_PROTOCOL = 'xen-console';

/** xenconsole's escape: a read of Ctrl-] detaches. */
export const ESCAPE = 0x1d;
