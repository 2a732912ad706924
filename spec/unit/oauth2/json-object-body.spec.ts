import { expect } from 'chai'
import type { Response } from '../../../lib/http/response.js'
import { jsonObjectBody } from '../../../lib/oauth2/json-object-body.js'

// The one reader of "a JSON object from a response" of discovery, the JWKS cache and UserInfo.
function answer(type: string | undefined, text: string): Response {
  return { headers: new Map(type === undefined ? [] : [['content-type', type]]), text } as unknown as Response
}
const why = (problem: string, shown: string) => `${problem}|${shown}`

describe('jsonObjectBody', () => {
  it('returns the object of a JSON or +json body, with content-type parameters', () => {
    expect(jsonObjectBody(answer('application/json; charset=utf-8', '{"a":1}'), why)).to.deep.equal({ a: 1 })
    expect(jsonObjectBody(answer('application/jwk-set+json', '{"keys":[]}'), why)).to.deep.equal({ keys: [] })
  })

  it('names why a body is no JSON object, showing at most 80 characters of the content-type', () => {
    expect(jsonObjectBody(answer(undefined, '{}'), why)).to.equal('not-json|no content-type')
    expect(jsonObjectBody(answer('text/html', '{}'), why)).to.equal('not-json|text/html')
    expect(jsonObjectBody(answer(`text/${'x'.repeat(100)}`, '{}'), why)).to.equal(`not-json|text/${'x'.repeat(75)}`)
    expect(jsonObjectBody(answer('application/jsonp', '{}'), why)).to.equal('not-json|application/jsonp')
    expect(jsonObjectBody(answer('application/json', '{'), why)).to.equal('unparsable|')
    for (const text of ['[]', 'null', '"s"', '1']) expect(jsonObjectBody(answer('application/json', text), why)).to.equal('not-an-object|')
  })
})
