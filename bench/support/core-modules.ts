/**
 * The peer for instantiation: a raw `new WebAssembly.Instance` of a guest's core module, every import a
 * no-op function. For a component that is its largest top-level core module (the one that holds the
 * guest's code and data, e.g. StarlingMonkey in a JS SDK component), read straight from the binary.
 */

const CORE_MODULE_SECTION = 1;

/** The top-level core modules embedded in a component binary, in order. */
export function embeddedCoreModules(component: Uint8Array): Uint8Array[] {
  const modules: Uint8Array[] = [];
  let offset = 8; // magic and version/layer
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = component[offset++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (offset < component.length) {
    const id = component[offset++];
    const size = leb();
    if (id === CORE_MODULE_SECTION) modules.push(component.subarray(offset, offset + size));
    offset += size;
  }
  return modules;
}

export function largestCoreModule(component: Uint8Array): WebAssembly.Module {
  const [largest] = embeddedCoreModules(component).sort((a, b) => b.length - a.length);
  if (largest === undefined) throw new Error("the component embeds no core module");
  return new WebAssembly.Module(largest.slice());
}

/** Imports that satisfy `module` with no-op functions; throws when it imports anything but functions. */
export function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, () => number>> = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== "function") throw new Error(`cannot stub the ${kind} import ${from}.${name}`);
    (imports[from] ??= {})[name] = () => 0;
  }
  return imports;
}
