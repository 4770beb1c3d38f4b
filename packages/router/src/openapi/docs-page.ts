// A self-contained page (nothing loaded from elsewhere) that renders /v1/openapi.json: each
// operation with its parameters, request body and answers, schemas expanded from their $refs.
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DCC router API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1000px;padding:1em 2em;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2em}pre{background:#f5f5f5;padding:.6em;overflow:auto;font-size:13px}
details{border:1px solid #ddd;border-radius:4px;margin:.4em 0;padding:.3em .6em}summary{cursor:pointer}
.m{display:inline-block;min-width:4.5em;font-weight:bold;font-family:monospace}.get{color:#06c}.post{color:#080}.put{color:#a60}.delete{color:#c00}
code{background:#f5f5f5;padding:0 .2em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
</style></head><body>
<h1>DCC service-request router API</h1>
<p>The OpenAPI 3.1 document: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
<div id="intro"></div><div id="ops">Loading…</div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
// Enough Markdown for the introduction: headings, code blocks, inline code, paragraphs.
function inline(text) {
  return esc(text).replace(/\`([^\`]+)\`/g, '<code>$1</code>').replace(/\\*\\*([^*]+)\\*\\*/g, '<b>$1</b>');
}
function markdown(text) {
  return text.split(/\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`/).map((part, i) => i % 2 ? '<pre>' + esc(part) + '</pre>' :
    part.split(/\\n\\n+/).map((p) => p.startsWith('## ') ? '<h2>' + inline(p.slice(3)) + '</h2>' : '<p>' + inline(p) + '</p>').join('')).join('');
}
function resolve(doc, schema, depth = 0) {
  if (!schema || depth > 12) return schema;
  if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split('/').pop()], depth + 1);
  if (Array.isArray(schema)) return schema.map((s) => resolve(doc, s, depth + 1));
  if (typeof schema !== 'object') return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, typeof v === 'object' ? resolve(doc, v, depth + 1) : v]));
}
const block = (doc, schema) => '<pre>' + esc(JSON.stringify(resolve(doc, schema), null, 2)) + '</pre>';
function content(doc, c) {
  return Object.entries(c || {}).map(([type, v]) => '<div><code>' + esc(type) + '</code>' + (v.schema ? block(doc, v.schema) : '') + '</div>').join('');
}
fetch('/v1/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('intro').innerHTML = markdown(doc.info.description || '');
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const tag = (op.tags || ['Other'])[0];
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push([method, path, op]);
  }
  let html = '';
  for (const [tag, ops] of byTag) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const [method, path, op] of ops) {
      html += '<details><summary><span class="m ' + method + '">' + method.toUpperCase() + '</span> <code>' + esc(path) + '</code> ' + esc(op.summary || '') + '</summary>';
      if (op.description) html += markdown(op.description);
      if (op.security) html += '<p>Security: ' + op.security.map((s) => Object.keys(s).join(' + ')).join(' or ') + '</p>';
      if (op.parameters && op.parameters.length) html += '<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>' +
        op.parameters.map((p) => '<tr><td><code>' + esc(p.name) + '</code></td><td>' + p.in + '</td><td>' + (p.required ? 'yes' : '') + '</td><td>' + esc(p.description || (p.schema && p.schema.description) || '') + '</td></tr>').join('') + '</table>';
      if (op.requestBody) html += '<h4>Request body</h4>' + (op.requestBody.description ? '<p>' + esc(op.requestBody.description) + '</p>' : '') + content(doc, op.requestBody.content);
      html += '<h4>Answers</h4>';
      for (const [status, r] of Object.entries(op.responses || {})) html += '<details><summary><b>' + status + '</b> ' + esc(r.description || '') + '</summary>' + content(doc, r.content) + '</details>';
      html += '</details>';
    }
  }
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('ops').textContent = 'Could not load /v1/openapi.json: ' + e; });
</script></body></html>`;
