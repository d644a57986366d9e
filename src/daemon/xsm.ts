import { ERROR_INTERNAL, XendError } from '../protocol/faults.js';

/**
 * xend's security calls as its XSM module 'dummy' answered them (xen/util/xsm/dummy/dummy.py):
 * no security module is loaded, so nothing is labeled, no policy is installed, and every
 * change is refused. xend sent the refusal as fault 1 with str(XSMError), the message's repr.
 */
export class XsmDummyError extends XendError {
  override readonly faultCode = ERROR_INTERNAL;
  constructor(message: string) {
    super(`"${message}"`);
  }
}

const refuse = (module: 'XSM' | 'xsm') => (): never => {
  throw new XsmDummyError(`Command not supported under ${module} 'dummy' module.`);
};

export const XSM_DUMMY = {
  /** dummy.py spelled the module 'XSM' for resource labels and 'xsm' everywhere else. */
  setResourceLabel: refuse('XSM'),
  getResourceLabel: (): string => '',
  listLabels: (): string[] => [],
  getLabeledResources: (): object => ({}),
  setPolicy: refuse('xsm'),
  resetPolicy: refuse('xsm'),
  getPolicy: (): [string, number] => ['', 0],
  activatePolicy: refuse('xsm'),
  rmBootpolicy: refuse('xsm'),
  getXstype: (): number => 0,
  getDomainLabel: (): string => '',
  setDomainLabel: refuse('xsm'),
};
