/**
 * Python's `str.format` with keyword arguments, as requests-auth applies it to `header_value` and
 * to the browser pages: `{name}` is replaced, `{{` and `}}` become single braces (so a template
 * written for requests-auth works unchanged), an unknown name stays as written (Python would
 * raise a KeyError).
 *
 * @internal
 */
export function pythonFormat(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{|\}\}|\{(\w+)\}/g, (match, name: string | undefined) => {
    if (match === '{{') return '{'
    if (match === '}}') return '}'
    return name !== undefined && Object.hasOwn(values, name) ? (values[name] as string) : match
  })
}
