// The WASI interface through which the host hands the component its `environment` from spin.toml.
declare module "wasi:cli/environment@0.2.3" {
  export function getEnvironment(): [string, string][];
}
