import { ConfigurationError } from '../../lib/index.js'

/** The ConfigurationError `make` throws; any other outcome fails the spec. */
export function configurationError(make: () => unknown): ConfigurationError {
  try {
    make()
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}

/** The ConfigurationError `action` throws or rejects with; any other outcome fails the spec. */
export async function configurationRejection(action: () => unknown): Promise<ConfigurationError> {
  try {
    await action()
  } catch (error) {
    if (error instanceof ConfigurationError) return error
    throw error
  }
  throw new Error('expected a ConfigurationError')
}
