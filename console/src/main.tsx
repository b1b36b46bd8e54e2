// The console's entry: bundled by the API process (api/console-bundle.ts) into /console/app.js.
import { render } from 'preact';
import { App } from './app';

render(<App />, document.getElementById('app')!);
