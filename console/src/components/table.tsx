// A table of records: a caption, column headings, one row per record; it scrolls inside its box on a phone.
import type { ComponentChildren } from 'preact';

export interface Row {
  key: string | number;
  cells: ComponentChildren[];
}

export function DataTable(props: { caption: ComponentChildren; columns: string[]; rows: Row[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, i) => (
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
