/**
 * Stands in for Node built-ins (node:fs …) that modules of the library import at the top but the
 * playground never calls (file reading, the CLI). Temporary: the library's browser-clean entry
 * removes the need. Calling anything here throws.
 */
function unavailable(): never {
  throw new Error('a Node-only function was called in the browser playground');
}
export const readFileSync = unavailable;
export const availableParallelism = (): number => navigator.hardwareConcurrency ?? 1;
export const createRequire = unavailable;
export default {};
