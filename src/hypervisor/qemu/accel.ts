import { existsSync, readFileSync } from 'node:fs';

export interface AccelChoice {
  accel: 'kvm' | 'tcg';
  reason: string;
}

/**
 * KVM only where it can really run a stock kernel: /dev/kvm, hardware
 * virtualisation flags, and not kvm_pvm (which initialises fine, then crawls or
 * fails on unmodified guests). Otherwise TCG.
 */
export function chooseAccel(requested: string): AccelChoice {
  if (requested === 'tcg') return { accel: 'tcg', reason: 'qemu-accel tcg' };
  const why = kvmUnusable();
  if (requested === 'kvm') {
    if (why) throw new Error(`qemu-accel kvm, but KVM is unusable here: ${why}`);
    return { accel: 'kvm', reason: 'qemu-accel kvm' };
  }
  return why ? { accel: 'tcg', reason: `KVM unusable (${why})` } : { accel: 'kvm', reason: 'KVM available' };
}

function kvmUnusable(): string | null {
  if (!existsSync('/dev/kvm')) return 'no /dev/kvm';
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return 'cannot read /proc/cpuinfo';
  }
  if (!/\b(vmx|svm)\b/.test(cpuinfo)) return 'the CPU has no vmx/svm';
  if (existsSync('/sys/module/kvm_pvm')) return 'kvm_pvm runs only PVM-enlightened kernels';
  return null;
}
