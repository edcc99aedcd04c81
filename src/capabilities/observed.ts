/**
 * Counts a capability's host calls without the capability knowing: wraps, in place, every function of the
 * import objects one instance gets (plain functions, and the static and prototype methods of resource
 * classes such as key-value's `Store`) so that each call reports its capability, operation and whether it
 * succeeded — a thrown or rejected `GuestError` counts as a failure. Per instance and only when something
 * observes. Import objects are fresh per instance; should one be shared, what was wrapped once is not wrapped
 * again.
 */
import type { ImportObjects } from "./capability.ts";

export type HostCallReport = (capability: string, operation: string, ok: boolean) => void;

export function observeImports(imports: ImportObjects, report: HostCallReport): ImportObjects {
  for (const [name, object] of Object.entries(imports)) {
    const capability = name.slice(name.lastIndexOf("/") + 1);
    const record = (operation: string) => (ok: boolean) => report(capability, operation, ok);
    const members = object as Record<string, unknown>;
    for (const [key, member] of Object.entries(members)) {
      if (typeof member !== "function" || wrapped.has(member)) continue;
      if (isClass(member)) wrapClass(member, record);
      else members[key] = wrap(member as AnyFunction, record(key));
    }
  }
  return imports;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Classes and functions already wrapped, so that a shared one is not wrapped on every instance. */
const wrapped = new WeakSet<object>();

function isClass(fn: object): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function wrapClass(cls: object, record: (operation: string) => (ok: boolean) => void): void {
  wrapped.add(cls);
  const className = (cls as { name: string }).name;
  const prototype = (cls as { prototype: object }).prototype;
  for (const target of [cls, prototype]) {
    for (const key of Object.getOwnPropertyNames(target)) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (key === "constructor" || typeof descriptor?.value !== "function") continue;
      const method = descriptor.value as AnyFunction;
      Object.defineProperty(target, key, {
        ...descriptor,
        value: wrap(method, record(`${className}.${key}`)),
      });
    }
  }
}

function wrap(fn: AnyFunction, done: (ok: boolean) => void): AnyFunction {
  const observed = function (this: unknown, ...args: unknown[]) {
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      done(false);
      throw error;
    }
    if (!(result instanceof Promise)) {
      done(true);
      return result;
    }
    return result.then(
      (value: unknown) => {
        done(true);
        return value;
      },
      (error: unknown) => {
        done(false);
        throw error;
      },
    );
  };
  wrapped.add(observed);
  return observed;
}
