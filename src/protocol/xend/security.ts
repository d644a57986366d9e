import { returns, int, text, flag, method, type Struct } from '../method-spec.js';

/**
 * xen.util.xsm's xmlrpc_exports (xend.security.*), registered by XMLRPCServer.py.
 * The answers are those of the XSM module xend runs: 'dummy', no security module.
 */
export const SECURITY_METHODS = {
  security_set_resource_label: method(
    'xend.security.set_resource_label',
    [text('resource'), text('policytype'), text('policyref'), text('reslabel'), text('oreslabel', { default: '' })],
    returns<number>(),
  ),
  security_get_resource_label: method('xend.security.get_resource_label', [text('resource')], returns<string | string[]>()),
  security_list_labels: method('xend.security.list_labels', [text('policy_name', { default: '' }), text('ltype', { default: '' })], returns<string[]>()),
  security_get_labeled_resources: method('xend.security.get_labeled_resources', [], returns<Struct>()),
  security_set_policy: method('xend.security.set_policy', [int('xs_type'), text('xml'), int('flags'), flag('overwrite', true)], returns<[number, string]>()),
  security_reset_policy: method('xend.security.reset_policy', [], returns<[number, string]>()),
  security_get_policy: method('xend.security.get_policy', [], returns<[string, number]>()),
  security_activate_policy: method('xend.security.activate_policy', [], returns<number>()),
  security_rm_bootpolicy: method('xend.security.rm_bootpolicy', [], returns<number>()),
  security_get_xstype: method('xend.security.get_xstype', [], returns<number>()),
  security_get_domain_label: method('xend.security.get_domain_label', [text('domain')], returns<string>()),
  security_set_domain_label: method('xend.security.set_domain_label', [text('domain'), text('seclab'), text('old_seclab', { default: '' })], returns<[number, number]>()),
};
