// ssh2 tries two native add-ons inside try/catch and falls back to pure JavaScript when they fail to load:
// cpu-features (only picks the cipher order) and sshcrypto.node (faster AES-GCM/ChaCha20). A bundle cannot carry a
// compiled .node file, and leaving the require() to Node would let it walk up the directory tree into whatever
// node_modules happens to sit above the install. So each is replaced by a module that throws exactly what a missing
// optional dependency throws: ssh2's catch takes the pure-JS path, the same one it takes where the add-ons never built.
import type { Plugin } from 'esbuild';

const NAMESPACE = 'airlock-native-stub';

/**
 * Module specifiers that must never be looked up at run time: package names, and any compiled add-on by extension.
 * chokidar is nunjucks' optional file watcher (only for `watch: true`, which airlock never sets).
 */
const STUBBED_PACKAGES = ['cpu-features', 'chokidar', 'fsevents'];

export function nativeAddonStubs(): Plugin {
  return {
    name: 'airlock-native-addon-stubs',
    setup(build) {
      const packages = STUBBED_PACKAGES.map((name) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
      build.onResolve({ filter: new RegExp(`^(${packages})$|\\.node$`) }, (args) => ({ path: args.path, namespace: NAMESPACE }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
        loader: 'js',
        contents:
          `const error = new Error(${JSON.stringify(`native add-on '${args.path}' is not part of the airlock bundle`)});\n` +
          `error.code = 'MODULE_NOT_FOUND';\n` +
          'throw error;\n',
      }));
    },
  };
}
