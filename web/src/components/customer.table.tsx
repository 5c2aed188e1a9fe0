/** Customer profiles as a table: the CustomerId links to the profile page, then chosen columns. */
import type { ComponentChildren } from 'preact';
import type { Row } from '../api.types';
import { href } from '../app.router';
import { formatCell } from '../format';

export function CustomerTable({
  instance,
  rows,
  columns,
  caption,
  testId,
  children,
}: {
  instance: string;
  rows: Row[];
  columns: string[];
  caption: string;
  testId: string;
  /** Below the table, inside its frame (a note on what is not shown). */
  children?: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class="table table-dense" data-testid={testId}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">CustomerId</th>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const id = formatCell(r.CustomerId);
            return (
              <tr key={id}>
                <th scope="row">
                  <a class="mono" href={href(instance, 'unification', 'customers', id)}>
                    {id}
                  </a>
                </th>
                {columns.map((c) => (
                  <td key={c}>{formatCell(r[c])}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {children}
    </div>
  );
}
