import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirDurably, writeFileDurably } from '../store/durable.js';

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
  makeDirDurably(dirname(path), 0o700);
  writeFileDurably(path, JSON.stringify(status));
}

export function readStatus(path: string): XendStatus | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as XendStatus;
  } catch {
    return null;
  }
}
