#!/usr/bin/env node
// The `oauth-sessions` command (package `bin`). Everything lives in program.ts; this file only runs it,
// so that importing the program (in specs, or from another tool) never parses process.argv.
import { runCli } from './program.js'

process.exitCode = await runCli(process.argv.slice(2))
