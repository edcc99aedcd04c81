/**
 * Where a guest's stdout and stderr go. The executor writes raw bytes; the sink decides whether they become
 * log lines, files under `.spin/logs/`, or both. One sink per component, shared by its instances.
 */
export interface GuestOutputSink {
  stdout(chunk: Uint8Array): void;
  stderr(chunk: Uint8Array): void;
}
