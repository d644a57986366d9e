/**
 * Everything scripts/generate.mjs writes: the completion scripts, the man
 * pages and the default xend-config.sxp, each produced from the registry, the option tables and the prose here.
 * Paths are relative to the repository root; the output depends on nothing but
 * the sources and the version (no dates), so `generate.mjs --check` is exact.
 */
import { bashCompletion } from './bash.js';
import { zshCompletion } from './zsh.js';
import { xmPage } from './man-xm.js';
import { xendPage } from './man-xend.js';
import { xendConfigPage } from './man-xend-config.js';
import { xmdomainCfgPage } from './man-xmdomain-cfg.js';
import { defaultXendConfig } from './default-config.js';

export interface GeneratedFile {
  path: string;
  content: string;
}

export function generatedFiles(version: string): GeneratedFile[] {
  return [
    { path: 'completions/xm.bash', content: bashCompletion() },
    { path: 'completions/_xm', content: zshCompletion() },
    { path: 'man/xm.1', content: xmPage(version) },
    { path: 'man/xend.8', content: xendPage(version) },
    { path: 'man/xend-config.sxp.5', content: xendConfigPage(version) },
    { path: 'man/xmdomain.cfg.5', content: xmdomainCfgPage(version) },
    { path: 'etc/xend-config.sxp', content: defaultXendConfig(version) },
  ];
}
