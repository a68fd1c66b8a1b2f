// Bluesky's own client library, asked where it would put facets: one JSON array of texts on
// stdin, one JSON array of facet lists on stdout (mentions left unresolved, as handles).
import { RichText } from '@atproto/api'
import TLDs from 'tlds' with { type: 'json' }

let input = ''
for await (const chunk of process.stdin) input += chunk
const request = JSON.parse(input)
if (request.tlds) {
  process.stdout.write(JSON.stringify(TLDs))
} else {
  const out = request.texts.map((text) => {
    const rt = new RichText({ text })
    rt.detectFacetsWithoutResolution()
    return (rt.facets || []).map((f) => ({ index: f.index, features: f.features }))
  })
  process.stdout.write(JSON.stringify(out))
}
