import { DOMAIN_PATH, returns, none, domain, domainOrSave, config, text, token, int, optInt, optFlag, path, optPath, flag, op, get, post, method, type Struct } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';
import { LISTING_METHODS } from './listing.js';

/** XendDomain's methods (xend.domain.*), SrvDomain's ops. */
export const DOMAIN_METHODS = {
  domain: method('xend.domain', [domain(), flag('full', false)], returns<Sxp>(), get(DOMAIN_PATH, { fields: [] })),
  domains: method('xend.domains', [flag('detail', true), flag('full', false)], returns<Sxp[]>()),
  ...LISTING_METHODS,
  create: method('xend.domain.create', [config()], returns<Sxp>(), post('domain', 'create')),
  destroy: method('xend.domain.destroy', [domain()], none, op('destroy', 'accepted')),
  pause: method('xend.domain.pause', [domain()], none, op('pause')),
  unpause: method('xend.domain.unpause', [domain()], none, op('unpause')),
  /** xend's paused_by_admin flag, which xm pause and unpause set; an unknown domain's is None. */
  setpauseflag: method('xend.domain.setpauseflag', [domain(), flag('flag', false)], none, op('do_set_pauseflag')),
  getpauseflag: method('xend.domain.getpauseflag', [domain()], returns<boolean | null>(), op('do_get_pauseflag', 'value', { fields: [] })),
  shutdown: method('xend.domain.shutdown', [domain(), text('reason', { default: 'poweroff' })], none, op('shutdown', 'accepted')),
  setMemoryTarget: method('xend.domain.setMemoryTarget', [domain(), int('target')], none, op('mem_target_set')),
  setVCpuCount: method('xend.domain.setVCpuCount', [domain(), int('vcpus')], none, op('set_vcpus')),
  setName: method('xend.domain.setName', [domain(), text('name', { label: 'VM Name' })], none, op('rename', 'accepted')),
  getVCPUInfo: method('xend.domain.getVCPUInfo', [domain()], returns<Sxp>(), op('vcpuinfo', 'value', { get: true })),
  getRestartCount: method('xend.domain.getRestartCount', [domain()], returns<string>()),
  waitForDevices: method('xend.domain.waitForDevices', [domain()], none, op('wait_for_devices', 'accepted')),
  save: method('xend.domain.save', [domain(), path('file', { role: 'save' }), flag('checkpoint', false)], none, op('save', 'accepted')),
  restore: method('xend.domain.restore', [path('file', { role: 'save' }), flag('paused', false)], returns<Sxp>(), post('domain', 'restore')),
  /** Blocks until the domain runs at `destination`; resolves to what the migration moved. */
  migrate: method(
    'xend.domain.migrate',
    [domain(), text('destination'), flag('live', false), int('port', { default: 0 }), int('node', { default: -1 }), optFlag('ssl'), flag('change_home_server', false)],
    returns<Struct>(),
    op('migrate', 'struct'),
  ),
  // Not in xend: what xm shows while a migration runs, its Ctrl-C, and the check of what it carried.
  migrateProgress: method('xend.domain.migrateProgress', [domainOrSave()], returns<Struct>(), op('migrate_progress', 'struct')),
  migrateCancel: method('xend.domain.migrateCancel', [domain()], none, op('migrate_cancel')),
  getMemoryChecksum: method('xend.domain.getMemoryChecksum', [domain()], returns<string>(), op('memory_checksum')),
  maxmem_set: method('xend.domain.maxmem_set', [domain(), int('memory')], none, op('maxmem_set')),
  /** `vcpu` a number or `all`; `cpumap` the CPUs as "0,1,3". */
  pincpu: method('xend.domain.pincpu', [domain(), token('vcpu'), text('cpumap')], none, op('pincpu')),
  sched_credit_get: method('xend.domain.sched_credit_get', [domain()], returns<Struct>(), op('domain_sched_credit_get', 'struct')),
  /** None leaves a parameter as it is. */
  sched_credit_set: method('xend.domain.sched_credit_set', [domain(), optInt('weight'), optInt('cap')], returns<number>(), op('domain_sched_credit_set')),
  send_sysrq: method('xend.domain.send_sysrq', [domain(), token('key')], none, op('sysrq', 'accepted')),
  // Not in SrvDomain (xend had it over XML-RPC only).
  send_trigger: method('xend.domain.send_trigger', [domain(), text('name'), optInt('vcpu', { default: 0 })], none, op('send_trigger')),
  reset: method('xend.domain.reset', [domain()], none, op('reset', 'accepted')),
  /** Resolves to the core file written; over HTTP answered 200 with it rather than xend's 202, so xm can say where it went. */
  dump: method(
    'xend.domain.dump',
    [domain(), optPath('file', { role: 'dump' }), flag('live', false), flag('crash', false), flag('reset', false)],
    returns<string>(),
    op('dump'),
  ),
  // xend took `op=new` on /xend/domain only; this suite's server and client know the per-domain ops below too.
  new: method('xend.domain.new', [config()], none, post('domain', 'new')),
  start: method('xend.domain.start', [domain(), flag('paused', true)], none, op('start', 'accepted')),
  delete: method('xend.domain.delete', [domain()], none, op('delete', 'accepted')),
  // Not in SrvDomain (xend had them over XML-RPC only): managed domains' suspend and resume.
  suspend: method('xend.domain.suspend', [domain()], none, op('suspend', 'accepted')),
  resume: method('xend.domain.resume', [domain(), flag('paused', false)], none, op('resume')),
  /** An HVM guest's device model takes (gives back) a host USB device: `host:BUS.ADDR` or `host:VENDOR:PRODUCT`. */
  usb_add: method('xend.domain.usb_add', [domain(), text('dev_id', { role: 'hostDevice' })], none, op('usb_add')),
  usb_del: method('xend.domain.usb_del', [domain(), text('dev_id', { role: 'hostDevice' })], none, op('usb_del')),
};
