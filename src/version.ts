declare const __SUITE_VERSION__: string | undefined;

/** The package version, injected by the bundler; "dev" when running unbundled (unit tests). */
export const VERSION: string = typeof __SUITE_VERSION__ === 'string' ? __SUITE_VERSION__ : 'dev';

/** The xm/xend release whose commands, wire protocol and output this suite reproduces. */
export const COMPATIBLE_WITH = '4.4';

/** `xm --version`, `xend --version`: this suite's version, then the release it stands in for. */
export const versionLine = (program: 'xm' | 'xend'): string => `${program} ${VERSION} (compatible with ${program} ${COMPATIBLE_WITH})`;
