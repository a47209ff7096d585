/** What the browser project's globalSetup (browser-setup.ts) hands to the tests through `inject`. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium binary to drive. */
    chromiumPath: string;
    /** The freshly built PWA (dist/pwa). */
    pwaDist: string;
    /** The freshly built extension, demo flavour (dist/extension), to load unpacked. */
    extensionDist: string;
    /** A temporary folder for the run's Chromium profiles, removed when the browser tests are done. */
    profileRoot: string;
  }
}

export {};
