#!/usr/bin/env node
// Entry of the `xcluster` command (bundled to dist/cli.js).
import { run } from './cli.js';

process.exitCode = await run(process.argv.slice(2));
