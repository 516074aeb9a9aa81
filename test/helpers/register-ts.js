/**
 * Lets a plain Node child process `require()` the project's TypeScript sources: transpiles each .ts
 * file on load with @swc/core (the same compiler jest uses), no build step. Usage:
 *   node -r ./test/helpers/register-ts.js some-script.ts
 */
'use strict';
const fs = require('node:fs');
const swc = require('@swc/core');

require.extensions['.ts'] = function compileTs(module, filename) {
	const source = fs.readFileSync(filename, 'utf8');
	const { code } = swc.transformSync(source, {
		filename,
		sourceMaps: 'inline',
		jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
		module: { type: 'commonjs' },
	});
	module._compile(code, filename);
};
