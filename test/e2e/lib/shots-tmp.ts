import { serveSite, launch } from './site.js';
const srv = await serveSite(process.argv[2]);
const b = await launch();
const [path, w, ...sels] = process.argv.slice(3);
const p = await (await b.newContext({ viewport: { width: Number(w), height: 900 } })).newPage();
await p.goto(srv.url + path);
for (const sel of sels) {
  const name = `/tmp/el-${sel.replace(/\W+/g, '_')}-${w}.png`;
  if (sel === 'top') await p.screenshot({ path: name });
  else if (sel.startsWith('y=')) { await p.screenshot({ path: name, fullPage: true, clip: { x: 0, y: Number(sel.slice(2)), width: Number(w), height: 1400 } }); }
  else { const el = p.locator(sel).first(); const box = await el.boundingBox(); await p.screenshot({ path: name, fullPage: true, clip: { x: 0, y: box!.y, width: Number(w), height: Math.min(box!.height, 1400) } }); }
  console.log(name);
}
await b.close(); await srv.close();
