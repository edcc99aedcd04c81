/**
 * Observes a capability's host calls without the capability knowing: wraps, in place, every function of
 * the import objects one instance gets (plain functions, and the static and prototype methods of resource
 * classes such as key-value's `Store`) so that each call is reported when it starts and when it ends — at
 * once for a synchronous call, when its promise settles for an asynchronous one; a thrown or rejected error
 * is a failure. A resource opened by a static `open` is remembered with the store label or server its
 * capability's `HostCallKind` says the first argument is, and its methods' calls report it. Per instance
 * and only when something observes. Import objects are fresh per instance; should one be shared, what was
 * wrapped once is not wrapped again.
 */
import type { HostCallFailure, HostCallStart, Observer, ServerAddress } from "../observe/observer.ts";
import { unbracketed } from "../util/ip.ts";
import type { HostCallKind, ImportObjects } from "./capability.ts";

/** Starts the observation of one call, from the operation and what the call works on. */
type Begin = (operation: string, target: Target | undefined) => { end(failure?: HostCallFailure): void };

/** What a resource (or the call opening it) works on. */
interface Target {
  readonly label?: string | undefined;
  readonly server?: ServerAddress | undefined;
}

export function observeImports(
  imports: ImportObjects,
  observer: Observer,
  kinds: ReadonlyMap<string, HostCallKind>,
): ImportObjects {
  for (const [name, object] of Object.entries(imports)) {
    const capability = name.slice(name.lastIndexOf("/") + 1);
    const kind = kinds.get(name) ?? {};
    const begin: Begin = (operation, target) =>
      observer.hostCall(hostCallStart(capability, operation, kind, target));
    const members = object as Record<string, unknown>;
    for (const [key, member] of Object.entries(members)) {
      if (typeof member !== "function" || wrapped.has(member)) continue;
      if (isClass(member)) wrapClass(member, kind, begin);
      else members[key] = wrap(member as AnyFunction, () => endOf(begin(key, undefined)));
    }
  }
  return imports;
}

function endOf(observation: ReturnType<Begin>): ReturnType<Observe> {
  return (failure) => observation.end(failure);
}

function hostCallStart(
  capability: string,
  operation: string,
  kind: HostCallKind,
  target: Target | undefined,
): HostCallStart {
  return {
    capability,
    operation,
    dbSystem: kind.dbSystem,
    label: target?.label,
    server: target?.server,
  };
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Classes and functions already wrapped, so that a shared one is not wrapped on every instance. */
const wrapped = new WeakSet<object>();

/** What each open resource works on, as its `open` was told. */
const targets = new WeakMap<object, Target>();

function isClass(fn: object): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function wrapClass(cls: object, kind: HostCallKind, begin: Begin): void {
  wrapped.add(cls);
  const className = (cls as { name: string }).name;
  const prototype = (cls as { prototype: object }).prototype;
  for (const target of [cls, prototype]) {
    for (const key of Object.getOwnPropertyNames(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (key === "constructor" || typeof descriptor?.value !== "function") continue;
      const method = descriptor.value as AnyFunction;
      const operation = `${className}.${key}`;
      const opens = target === cls && key === "open" ? kind.opens : undefined;
      Object.defineProperty(target, key, {
        ...descriptor,
        value: wrap(method, (call) => {
          const on = opens === undefined ? targets.get(call.self as object) : openedOn(opens, call.args[0]);
          const observation = begin(operation, on);
          return (failure, result) => {
            if (on !== undefined && typeof result === "object" && result !== null) targets.set(result, on);
            observation.end(failure);
          };
        }),
      });
    }
  }
}

function openedOn(opens: "label" | "address", first: unknown): Target | undefined {
  if (typeof first !== "string") return undefined;
  if (opens === "label") return { label: first };
  return URL.canParse(first) ? { server: serverOf(new URL(first)) } : undefined;
}

/** The host and port of an address URL, never its user or password. */
function serverOf(url: URL): ServerAddress | undefined {
  if (url.hostname === "") return undefined;
  return { address: unbracketed(url.hostname), port: url.port === "" ? undefined : Number(url.port) };
}

interface Call {
  readonly self: unknown;
  readonly args: readonly unknown[];
}

/** Called as a call starts; returns what to call when it ends, with its failure or its result. */
type Observe = (call: Call) => (failure: HostCallFailure | undefined, result?: unknown) => void;

function wrap(fn: AnyFunction, observe: Observe): AnyFunction {
  const observed = function (this: unknown, ...args: unknown[]) {
    const done = observe({ self: this, args });
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      done(failureOf(error));
      throw error;
    }
    if (!(result instanceof Promise)) {
      done(undefined, result);
      return result;
    }
    return result.then(
      (value: unknown) => {
        done(undefined, value);
        return value;
      },
      (error: unknown) => {
        done(failureOf(error));
        throw error;
      },
    );
  };
  wrapped.add(observed);
  return observed;
}

/** The WIT error variant's tag of a `GuestError` (its `payload`), else the exception's name. */
function failureOf(error: unknown): HostCallFailure {
  const payload = (error as { payload?: unknown } | null)?.payload;
  const tag = typeof payload === "string" ? payload : (payload as { tag?: unknown } | null)?.tag;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof tag === "string") return { type: tag, message };
  return { type: error instanceof Error ? error.name : typeof error, message };
}
