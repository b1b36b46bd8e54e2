// A page still to be built (the county and township views come with issue 14's second part).
import type { PageProps } from '../page';

export function PlaceholderPage(_props: PageProps) {
  return (
    <section aria-labelledby="placeholder-title">
      <h2 id="placeholder-title">建设中</h2>
      <p>此页面正在建设中。</p>
    </section>
  );
}
