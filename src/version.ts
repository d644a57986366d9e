declare const __SUITE_VERSION__: string | undefined;

/** The package version, injected by the bundler; "dev" when running unbundled (unit tests). */
export const VERSION: string = typeof __SUITE_VERSION__ === 'string' ? __SUITE_VERSION__ : 'dev';
