/** The customer search of the Unification page: profiles by id, name, email or phone. */
import { useState } from 'preact/hooks';
import { api, instancePath } from '../api.client';
import type { EntityInfo, List, ODataPage, Row } from '../api.types';
import { CustomerTable } from '../components/customer.table';
import { EmptyState, ErrorNotice, Loading } from '../components/states.view';
import { formatCount } from '../format';
import { getEntityPage } from '../odata';
import { customerSearchFilter, searchableColumns } from '../odata.filter';
import { useResource } from '../resource.hook';

export function CustomerSearch({ instance }: { instance: string }) {
  const [text, setText] = useState('');
  const [submitted, setSubmitted] = useState<string | null>(null);
  const entities = useResource(
    () => api.get<List<EntityInfo>>(instancePath(instance, '/manage/entities')),
    [instance],
  );
  const customer = entities.data?.value.find((e) => e.name === 'Customer');
  const columns = customer?.columns.map((c) => c.name) ?? [];
  const shownColumns = ['FullName', 'Email', 'City'].filter((c) => columns.includes(c));
  const results = useResource<ODataPage<Row> | null>(
    () =>
      submitted === null || !customer
        ? Promise.resolve(null)
        : getEntityPage<Row>(instance, 'Customer', {
            $filter: customerSearchFilter(submitted, columns),
            $select: ['CustomerId', ...shownColumns].join(','),
            $top: 20,
            $count: 'true',
          }),
    [instance, submitted, customer?.name],
  );

  if (entities.error) return <ErrorNotice error={entities.error} onRetry={entities.reload} />;
  if (!entities.data) return <Loading />;
  if (!customer) {
    return (
      <EmptyState title="No profiles yet">
        Customer profiles appear after the first refresh that runs unification.
      </EmptyState>
    );
  }
  const rows = results.data?.value;
  return (
    <>
      <form
        class="search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) setSubmitted(text.trim());
        }}
      >
        <label class="sr-only" for="customer-search">
          Search customers
        </label>
        <input
          id="customer-search"
          type="search"
          value={text}
          placeholder="Name, email, phone or CustomerId"
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" class="button button-primary">
          Search
        </button>
      </form>
      <p class="muted small">
        Searches {formatCount(customer.rowCount)} profiles by{' '}
        {['CustomerId', ...searchableColumns.filter((c) => columns.includes(c))].join(', ')}.
      </p>
      {results.error && <ErrorNotice error={results.error} onRetry={results.reload} />}
      {submitted !== null && !rows && !results.error && <Loading label="Searching…" />}
      {rows && rows.length === 0 && (
        <EmptyState title={`No profile matches "${submitted ?? ''}"`}>
          Try part of a name or an email address.
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <CustomerTable
          instance={instance}
          rows={rows}
          columns={shownColumns}
          caption="Profiles matching the search"
          testId="customer-results"
        >
          {(results.data?.['@odata.count'] ?? 0) > rows.length && (
            <p class="muted small table-note">
              The first {rows.length} of {formatCount(results.data?.['@odata.count'])}: narrow the
              search to see others.
            </p>
          )}
        </CustomerTable>
      )}
    </>
  );
}
