/**
 * The two phases in which every running trigger switches to a reloaded app, so that an app with several
 * triggers switches all of them or none: each trigger first prepares the new app, doing everything that
 * can fail while the previous app keeps running; only once every trigger has prepared does each commit.
 * ./start.ts drives the phases; each trigger implements them.
 */

/** One trigger's next app, ready to run: built, compiled and connected, but not yet running. */
export interface PreparedReload {
  /** Runs the prepared app from now on in place of the previous one. Never fails. */
  commit(): Promise<void>;
  /** Drops the prepared app, closing what preparing it opened; the previous app runs on. Never fails. */
  discard(): Promise<void>;
}
