import fs from 'node:fs';
const p = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8'));
const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]));
const self = new Map<string, number>();
p.samples.forEach((id: number, i: number) => {
  const n = byId.get(id);
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace('file:///work/main/', '')}:${n.callFrame.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i] / 1000);
});
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 45);
for (const [k, v] of rows) console.log(v.toFixed(1).padStart(8), k);
