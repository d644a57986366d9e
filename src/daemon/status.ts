import { readFileSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a running xend publishes about itself for `xend status --json`. */
export interface XendStatus {
  pid: number;
  monitorPid: number | null;
  startedAt: number;
  version: string;
  hypervisor: string;
  sockets: string[];
  logFile: string;
}

export function writeStatus(path: string, status: XendStatus): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(`${path}.tmp`, JSON.stringify(status), { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

export function readStatus(path: string): XendStatus | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as XendStatus;
  } catch {
    return null;
  }
}
