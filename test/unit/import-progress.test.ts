// The import's progress display (cli-progress): a bar redrawn in place on a terminal, plain lines on a pipe or file.
import { progressDisplay } from '../../infra/import-command';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (s: string) => written.push(s) > 0,
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => stream,
    removeListener: () => stream,
  };
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => written.join('') };
}

test('on a terminal: a bar with share, rows and rejected rows, ended by a line break', () => {
  const out = fakeStream(true);
  const p = progressDisplay(1000, out.stream);
  p.update({ bytes: 500, rows: 12345, imported: 12000, rejected: 345 });
  p.finish({ bytes: 1000, rows: 24690, imported: 24000, rejected: 690 });
  expect(out.text()).toMatch(/importing \[#{30}\] 100% {2}24,690 rows {2}[\d,]+ rows\/s {2}690 rejected/);
  expect(out.text().endsWith('\n')).toBe(true);
});

test('on a pipe: plain lines without escape codes', () => {
  const out = fakeStream(false);
  const p = progressDisplay(1000, out.stream);
  p.update({ bytes: 500, rows: 12345, imported: 12000, rejected: 345 });
  p.finish({ bytes: 1000, rows: 24690, imported: 24000, rejected: 690 });
  expect(out.text()).toMatch(/^importing: 100% {2}24,690 rows {2}[\d,]+ rows\/s {2}690 rejected$/m);
  expect(out.text()).not.toContain('\u001b');
});

test('a share never passes 100 % when the file grew while it was read', () => {
  const out = fakeStream(true);
  const p = progressDisplay(1000, out.stream);
  p.update({ bytes: 5000, rows: 1, imported: 1, rejected: 0 });
  p.finish({ bytes: 5000, rows: 1, imported: 1, rejected: 0 });
  expect(out.text()).not.toMatch(/\b(1\d\d[1-9]|[2-9]\d\d|\d{4,})%/);
});
