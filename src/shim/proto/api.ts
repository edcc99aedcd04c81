/**
 * The few messages of containerd's own gRPC API the shim calls, as codec schemas (see `codec.ts`),
 * transcribed from containerd 1.6's `api/services/{containers,images,content}/v1/*.proto` and
 * `api/types/descriptor.proto`. Only the fields the shim reads are declared; the codec skips the others
 * (labels, timestamps, the container's spec and runtime).
 */
import type { Schema } from "./codec.ts";

const schema = <S extends Schema>(s: S): S => s;

export const ApiDescriptor = schema({
  mediaType: [1, "string"],
  digest: [2, "string"],
  size: [3, "int64"],
});

// containerd.services.version.v1.Version/Version (its request is google.protobuf.Empty)
export const VersionRequest = schema({});
export const VersionResponse = schema({ version: [1, "string"], revision: [2, "string"] });

// containerd.services.containers.v1.Containers/Get
export const GetContainerRequest = schema({ id: [1, "string"] });
export const ContainerRecord = schema({ id: [1, "string"], image: [3, "string"] });
export const GetContainerResponse = schema({ container: [1, { message: ContainerRecord }] });

// containerd.services.images.v1.Images/Get
export const GetImageRequest = schema({ name: [1, "string"] });
export const ImageRecord = schema({ name: [1, "string"], target: [3, { message: ApiDescriptor }] });
export const GetImageResponse = schema({ image: [1, { message: ImageRecord }] });

// containerd.services.content.v1.Content/Read (a server stream of chunks)
export const ReadContentRequest = schema({
  digest: [1, "string"],
  offset: [2, "int64"],
  size: [3, "int64"],
});
export const ReadContentResponse = schema({ offset: [1, "int64"], data: [2, "bytes"] });
