#!/usr/bin/env node
// The `oauth-sessions` command (package `bin`). Everything lives in program.ts; this file only runs it,
// so that importing the program (in specs, or from another tool) never parses process.argv.
import { runCli } from './program.js'

// `oauth-sessions ... | head -1`: once the reader is gone there is no one to tell, so the command
// stops quietly (as `cat` does on SIGPIPE) instead of crashing with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

process.exitCode = await runCli(process.argv.slice(2))
