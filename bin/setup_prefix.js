#!/usr/bin/env node
// Flatcar's command name: the same as `prefixkit prefix setup`.
import { main } from '../dist/cli/main.js';

await main(process.argv.slice(2), 'setup_prefix');
