/** Runs `body` with process.emitWarning recorded instead of printed. */
export async function withWarnings<T>(body: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = []
  const original = process.emitWarning
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(String(warning))
  }) as typeof process.emitWarning
  try {
    return { result: await body(), warnings }
  } finally {
    process.emitWarning = original
  }
}
