// workerd (and bundlers that follow its convention) import a .wasm file as a compiled module.
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
