/**
 * A client for the parts of containerd's gRPC API the shim needs to find a container's app in its image
 * (and `spindle doctor --node` to see that containerd answers, with its version):
 * the container record (which image it was made from), the image record (its target descriptor) and the
 * content store (blobs by digest), on the socket containerd passes as `-address`, scoped to the shim's
 * namespace with the `containerd-namespace` header as every containerd client does. Messages are the
 * codec schemas of `proto/api.ts`; `@grpc/grpc-js` carries them. Every call has a deadline, so a
 * containerd that stops answering fails the container instead of hanging it.
 */
import { Client, credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { SpindleError } from "../../errors.ts";
import { verifyDigest } from "../../oci/digest.ts";
import { decode, encode, type Message, type MessageInit, type Schema } from "../proto/codec.ts";
import {
  GetContainerRequest,
  GetContainerResponse,
  GetImageRequest,
  GetImageResponse,
  ReadContentRequest,
  ReadContentResponse,
  VersionRequest,
  VersionResponse,
} from "../proto/api.ts";

const CALL_TIMEOUT_MS = 60_000;

interface Rpc<Req extends Schema, Res extends Schema> {
  readonly path: string;
  readonly request: Req;
  readonly response: Res;
}

const rpc = <Req extends Schema, Res extends Schema>(path: string, request: Req, response: Res) => ({
  path,
  request,
  response,
});

const GET_CONTAINER = rpc(
  "/containerd.services.containers.v1.Containers/Get",
  GetContainerRequest,
  GetContainerResponse,
);
const VERSION = rpc("/containerd.services.version.v1.Version/Version", VersionRequest, VersionResponse);
const GET_IMAGE = rpc("/containerd.services.images.v1.Images/Get", GetImageRequest, GetImageResponse);

export interface ImageTarget {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export class ContainerdClient {
  readonly #client: Client;
  readonly #metadata: Metadata;
  readonly #namespace: string;

  constructor(address: string, namespace: string) {
    const target = address.startsWith("unix:") ? address : `unix://${address}`;
    this.#client = new Client(target, credentials.createInsecure());
    this.#metadata = new Metadata();
    this.#metadata.set("containerd-namespace", namespace);
    this.#namespace = namespace;
  }

  /** containerd's version and revision, within `timeoutMs`. */
  version(timeoutMs = CALL_TIMEOUT_MS): Promise<{ version: string; revision: string }> {
    return this.#unary(VERSION, {}, "containerd's version", timeoutMs);
  }

  /** The name of the image container `id` was created from; "" when it has none (`ctr run --rootfs`). */
  async containerImage(id: string): Promise<string> {
    const response = await this.#unary(GET_CONTAINER, { id }, `container ${id}`);
    return response.container?.image ?? "";
  }

  /** The descriptor image `name` points at: a manifest or an index. */
  async imageTarget(name: string): Promise<ImageTarget> {
    const response = await this.#unary(GET_IMAGE, { name }, `image ${name}`);
    const target = response.image?.target;
    if (target === undefined) throw new SpindleError(`containerd's image ${name} has no target`);
    return { mediaType: target.mediaType, digest: target.digest, size: Number(target.size) };
  }

  /** A blob of the content store, whole, verified against `digest`. */
  async read(digest: string): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = await this.#readChunks(digest);
    verifyDigest(bytes, digest, `blob ${digest} of containerd's content store`);
    return bytes;
  }

  #readChunks(digest: string): Promise<Uint8Array<ArrayBuffer>> {
    const stream = this.#client.makeServerStreamRequest(
      "/containerd.services.content.v1.Content/Read",
      (message: MessageInit<typeof ReadContentRequest>) => Buffer.from(encode(ReadContentRequest, message)),
      (bytes: Buffer) => decode(ReadContentResponse, bytes),
      { digest },
      this.#metadata,
      { deadline: deadline() },
    );
    const chunks: Uint8Array[] = [];
    return new Promise((resolve, reject) => {
      stream.on("data", (chunk: Message<typeof ReadContentResponse>) => chunks.push(chunk.data));
      stream.on("error", (error: ServiceError) => reject(this.#failure(error, `blob ${digest}`)));
      stream.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    });
  }

  close(): void {
    this.#client.close();
  }

  #unary<Req extends Schema, Res extends Schema>(
    call: Rpc<Req, Res>,
    message: MessageInit<Req>,
    what: string,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<Message<Res>> {
    return new Promise((resolve, reject) => {
      this.#client.makeUnaryRequest(
        call.path,
        (value: MessageInit<Req>) => Buffer.from(encode(call.request, value)),
        (bytes: Buffer) => decode(call.response, bytes),
        message,
        this.#metadata,
        { deadline: new Date(Date.now() + timeoutMs) },
        (error: ServiceError | null, value?: Message<Res>) => {
          if (error !== null || value === undefined) reject(this.#failure(error, what));
          else resolve(value);
        },
      );
    });
  }

  #failure(error: ServiceError | null, what: string): SpindleError {
    const where = `in containerd's namespace "${this.#namespace}"`;
    if (error?.code === status.NOT_FOUND) {
      return new SpindleError(`${what} was not found ${where}`, {
        hint: "fetch the image into this namespace first, e.g. `ctr -n <namespace> content fetch <ref>`",
      });
    }
    return new SpindleError(`cannot read ${what} ${where}: ${error?.details ?? "no response"}`, {
      hint: "check that containerd is running and answers on the address the shim was given",
    });
  }
}

function deadline(): Date {
  return new Date(Date.now() + CALL_TIMEOUT_MS);
}
