import { Parser } from 'htmlparser2'

/** A form found on a page: where it posts and the fields it would send. @internal */
export interface HtmlForm {
  /** The action resolved against the page URL; the attribute as written when it cannot be. */
  action: string
  /** What is wrong with the action (`is not a valid URL`, `uses javascript:, not http or https`), if anything. */
  actionProblem: string | undefined
  method: string
  /** Every named input with its value (hidden fields such as authenticity_token included). */
  fields: [string, string][]
  /** The names of every input, to tell login, two-factor and consent forms apart. */
  inputNames: Set<string>
  /** The values of the submit buttons. */
  buttons: string[]
}

/** What the proxy dance needs to know about an HTML page. @internal */
export interface HtmlPage {
  forms: HtmlForm[]
  /** Text of elements whose class marks an error flash (`flash-error`, `error`, `alert`). */
  errors: string[]
}

/**
 * Reads the forms and error messages of an HTML page with htmlparser2, a streaming HTML parser:
 * no regular expressions over HTML.
 *
 * @internal
 */
export function readHtmlPage(html: string, pageUrl: string): HtmlPage {
  const page: HtmlPage = { forms: [], errors: [] }
  let form: HtmlForm | undefined
  let errorDepth = 0
  let errorText = ''
  let depth = 0
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        depth++
        const classes = (attributes.class ?? '').split(/\s+/)
        if (errorDepth === 0 && classes.some((value) => value === 'flash-error' || value === 'error' || value === 'alert')) {
          errorDepth = depth
          errorText = ''
        }
        if (name === 'form') {
          form = {
            ...formAction(attributes.action ?? '', pageUrl),
            method: (attributes.method ?? 'get').toUpperCase(),
            fields: [],
            inputNames: new Set(),
            buttons: [],
          }
          page.forms.push(form)
        } else if (form !== undefined && (name === 'input' || name === 'button')) {
          const type = (attributes.type ?? (name === 'button' ? 'submit' : 'text')).toLowerCase()
          if (attributes.name !== undefined) form.inputNames.add(attributes.name)
          if (type === 'submit') form.buttons.push(attributes.value ?? attributes.name ?? '')
          else if (attributes.name !== undefined && type !== 'checkbox' && type !== 'radio') form.fields.push([attributes.name, attributes.value ?? ''])
        }
      },
      ontext(text) {
        if (errorDepth > 0) errorText += text
      },
      onclosetag(name) {
        if (errorDepth === depth) {
          const message = errorText.replace(/\s+/g, ' ').trim()
          if (message !== '') page.errors.push(message)
          errorDepth = 0
        }
        depth--
        if (name === 'form') form = undefined
      },
    },
    { decodeEntities: true },
  )
  parser.write(html)
  parser.end()
  return page
}

/** A form's action resolved against its page; a hostile page's malformed one is reported, never thrown. */
function formAction(action: string, pageUrl: string): Pick<HtmlForm, 'action' | 'actionProblem'> {
  let url: URL
  try {
    url = new URL(action, pageUrl)
  } catch {
    return { action, actionProblem: 'is not a valid URL' }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { action, actionProblem: `uses ${url.protocol}, not http or https` }
  return { action: url.href, actionProblem: undefined }
}
