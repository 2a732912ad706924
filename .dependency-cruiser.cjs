// The layer rules of DESIGN.md §2, checked in `npm test` (npm run lint:deps).
// security ← http ← auth ← tokens ← flavours (oauth1, oauth2, ofly, proxy) ← cli; lib/errors.ts is shared.
// Type-only imports may point anywhere except testing: they vanish from the compiled code.
const runtime = { dependencyTypesNot: ['type-only'] }
const layer = (name, path, mayImport) => ({
  name,
  comment: `${path} imports downwards only: ${mayImport.join(', ')}`,
  severity: 'error',
  from: { path: `^lib/${path}/` },
  to: { path: '^lib/', pathNot: [`^lib/${path}/`, '^lib/errors\\.ts$', '^lib/types/', ...mayImport.map((lower) => `^lib/${lower}/`)], ...runtime },
})

module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycles',
      comment: 'No module depends on itself at run time through other modules.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { circular: true, viaOnly: runtime },
    },
    {
      name: 'errors-at-the-bottom',
      comment: 'lib/errors.ts is the shared base: it imports nothing of the library at run time.',
      severity: 'error',
      from: { path: '^lib/errors\\.ts$' },
      to: { path: '^lib/', ...runtime },
    },
    layer('security-is-the-bottom-layer', 'security', []),
    layer('http-layer', 'http', ['security']),
    layer('auth-layer', 'auth', ['security', 'http']),
    layer('tokens-layer', 'tokens', ['security', 'http', 'auth']),
    layer('oauth1-flavour', 'oauth1', ['security', 'http', 'auth', 'tokens']),
    layer('oauth2-flavour', 'oauth2', ['security', 'http', 'auth', 'tokens']),
    layer('ofly-flavour', 'ofly', ['security', 'http', 'auth', 'tokens']),
    layer('proxy-flavour', 'proxy', ['security', 'http', 'auth', 'tokens']),
    layer('cli-layer', 'cli', ['security', 'http', 'auth', 'tokens', 'oauth1', 'oauth2', 'ofly', 'proxy']),
    {
      name: 'oauth2-core-below-requests-auth',
      comment: 'The requests-auth flavour is built on the OAuth 2 core; the core never imports it.',
      severity: 'error',
      from: { path: '^lib/oauth2/', pathNot: '^lib/oauth2/requests-auth/' },
      to: { path: '^lib/oauth2/requests-auth/', ...runtime },
    },
    {
      name: 'nothing-imports-testing',
      comment: "lib/testing is for users' tests: the library never imports it, not even for types.",
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/testing/' },
      to: { path: '^lib/testing/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: { path: '^lib/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '\\.d\\.ts$' },
  },
}
