// Types for the service-worker style entry point the Spin JS runtime provides: the component receives each
// HTTP request as a `fetch` event and answers through `respondWith`.
interface FetchEvent extends Event {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}

declare function addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
