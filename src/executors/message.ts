/**
 * The contract between message triggers (Redis today) and the executors that turn a message into a guest
 * call. The trigger owns connections and subscriptions; an executor sees only the payload bytes. One
 * `MessageHandler` per (trigger, component) pair, built at load time and shared by every message; each
 * `handle` call is one message on a fresh instance.
 */

export interface MessageHandler {
  /**
   * Runs the guest for one message. Resolves once the guest handled it; rejects with a `GuestFault` when
   * the guest returned its error, trapped or exited, or the host failed. Nothing is retried.
   */
  handle(payload: Uint8Array): Promise<void>;
}
