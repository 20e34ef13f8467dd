#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Exit once output is flushed even if a library left a handle open; unref'd, so a clean exit is not delayed.
setTimeout(() => process.exit(code), 3_000).unref();
