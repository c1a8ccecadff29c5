#!/usr/bin/env node
// Flatcar's command name: the same as `prefixkit prefix setup`.
import('../dist/cli/main.js').then(({ main }) => main(process.argv.slice(2), 'setup_prefix'));
