/**
 * How a WASI preview 2 host function returns the error case of a `result<T, E>`: the component glue treats
 * a thrown value with its own `payload` property as `err(payload)`, and any other thrown `Error` as a trap.
 * Every host interface throws `GuestError` for the errors the guest is meant to see, so a host bug (a plain
 * `Error`) can never be mistaken for a guest-visible error. Created per failed call; cheap.
 */

export class GuestError<E = unknown> extends Error {
  /** The WIT error value, in the glue's representation (`{ tag: 'closed' }`, `'no-entry'`, …). */
  readonly payload: E;
  constructor(payload: E, message = "guest-visible WASI error") {
    super(message);
    this.name = "GuestError";
    this.payload = payload;
  }
}
