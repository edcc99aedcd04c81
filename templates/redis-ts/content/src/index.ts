// The component's Redis message handler: the host calls `handleMessage` with the payload of every message
// published on the channel in spin.toml, on a fresh instance each time. Throwing makes the host log the
// message as failed (the WIT `error` result); nothing is retried.
export const inboundRedis = {
  handleMessage(message: Uint8Array): void {
    console.log(`Received message: ${new TextDecoder().decode(message)}`);
  },
};
