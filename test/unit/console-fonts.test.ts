import path from 'node:path';
import { fontFaceCss, FONT_FAMILY } from '../../api/console-fonts';

const dir = path.dirname(require.resolve('@fontsource/noto-sans-sc/400.css'));

test('the console font css keeps only the woff2 files of weights 400 and 700, under the console path', () => {
  const css = fontFaceCss(dir, '/console/fonts/');
  const faces = css.match(/@font-face \{[^}]*\}/g) ?? [];
  expect(faces.length).toBeGreaterThan(150);
  for (const face of faces) {
    expect(face).toContain(`font-family: '${FONT_FAMILY}'`);
    expect(face).toMatch(/font-weight: (400|700);/);
    expect(face).toMatch(
      /src: url\(\/console\/fonts\/noto-sans-sc-[a-z0-9-]+-(400|700)-normal\.woff2\) format\('woff2'\);/,
    );
    expect(face).toMatch(/unicode-range: U\+/);
    expect(face).not.toMatch(/\.woff\)/);
  }
  expect(new Set(faces.map((f) => /font-weight: (\d+)/.exec(f)?.[1]))).toEqual(new Set(['400', '700']));
});
