/**
 * One customer profile: its unified fields, the source records merged into it (CustomerLink and
 * each source entity's Get item), and the match pairs that joined them with the rule or
 * probability and the score of each field.
 */
import { api, instancePath } from '../api.client';
import type { CustomerLink, EntityInfo, List, MatchPair, Row } from '../api.types';
import { href } from '../app.router';
import { ErrorNotice, Loading, PageHeader } from '../components/states.view';
import { formatCell, formatCount } from '../format';
import { getEntityItem, getEntityPage, odataString } from '../odata';
import { useResource } from '../resource.hook';

/** Source records read for one profile; a larger cluster lists the rest by id only. */
const recordsToRead = 40;

interface SourceRecord {
  link: CustomerLink;
  row: Row | null;
}

interface CustomerData {
  profile: Row;
  records: SourceRecord[];
  more: number;
  pairs: MatchPair[];
}

async function loadCustomer(instance: string, id: string): Promise<CustomerData> {
  const filter = `CustomerId eq ${odataString(id)}`;
  const [profile, links, pairs, entities] = await Promise.all([
    getEntityItem<Row>(instance, 'Customer', id),
    getEntityPage<CustomerLink>(instance, 'CustomerLink', { $filter: filter, $top: 1000 }),
    getEntityPage<MatchPair>(instance, 'ConflationMatchPair', { $filter: filter, $top: 1000 }),
    api.get<List<EntityInfo>>(instancePath(instance, '/manage/entities')),
  ]);
  const readable = new Set(entities.value.filter((e) => e.key.length === 1).map((e) => e.name));
  const records = await Promise.all(
    links.value.slice(0, recordsToRead).map(async (link) => ({
      link,
      // A table that is not an entity with a one-column key (or a record gone since) shows its id only.
      row: readable.has(link.SourceTable)
        ? await getEntityItem<Row>(instance, link.SourceTable, link.RecordId).catch(() => null)
        : null,
    })),
  );
  return {
    profile,
    records,
    more: Math.max(0, links.value.length - recordsToRead),
    pairs: pairs.value,
  };
}

type Scores = Record<string, number | { level: string }>;

function parseScores(text: string | null): Scores {
  if (!text) return {};
  try {
    return JSON.parse(text) as Scores;
  } catch {
    return {};
  }
}

/** Per-field scores: a similarity bar (rules) or the comparison level (probabilistic). */
function ScoreList({ scores }: { scores: Scores }) {
  const entries = Object.entries(scores).filter(([k]) => k !== 'matchWeight');
  return (
    <ul class="score-list">
      {entries.map(([field, s]) =>
        typeof s === 'number' ? (
          <li key={field}>
            <span class="score-field">{field}</span>
            <meter
              min={0}
              max={1}
              low={0.8}
              optimum={1}
              value={s}
              aria-label={`${field} similarity`}
            />
            <span class="num">{Math.round(s * 100)}%</span>
          </li>
        ) : (
          <li key={field}>
            <span class="score-field">{field}</span>
            <span class={`level level-${s.level}`}>{s.level}</span>
          </li>
        ),
      )}
    </ul>
  );
}

function recordLabel(table: string, id: string): string {
  return `${table} ${id}`;
}

export function CustomerPage({
  instance,
  params,
}: {
  instance: string;
  params: Record<string, string>;
}) {
  const id = params.id ?? '';
  const res = useResource(() => loadCustomer(instance, id), [instance, id]);
  const data = res.data;
  const fields = data
    ? Object.entries(data.profile).filter(
        ([k, v]) => k !== 'CustomerId' && v !== null && !(Array.isArray(v) && v.length === 0),
      )
    : [];
  const name = data?.profile.FullName;

  return (
    <>
      <p class="breadcrumb">
        <a href={href(instance, 'unification')}>Unification</a> <span aria-hidden="true">/</span>
      </p>
      <PageHeader
        title={typeof name === 'string' && name ? name : id}
        subtitle={<span class="mono">{id}</span>}
      />
      {res.error && <ErrorNotice error={res.error} onRetry={res.reload} />}
      {!data && !res.error && <Loading />}
      {data && (
        <>
          <dl class="facts" data-testid="profile-fields">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{formatCell(v)}</dd>
              </div>
            ))}
          </dl>

          <section class="panel" aria-labelledby="records-title">
            <h2 id="records-title" class="panel-title">
              Source records merged into this profile (
              {formatCount(data.records.length + data.more)})
            </h2>
            <div class="record-grid" data-testid="source-records">
              {data.records.map(({ link, row }) => (
                <article
                  key={`${link.SourceTable}/${link.RecordId}`}
                  class="record-card"
                  aria-label={recordLabel(link.SourceTable, link.RecordId)}
                >
                  <h3>
                    <span class="mono">{link.SourceTable}</span>{' '}
                    <span class="muted mono">{link.RecordId}</span>
                  </h3>
                  {row ? (
                    <dl>
                      {Object.entries(row)
                        .filter(([, v]) => v !== null)
                        .map(([k, v]) => (
                          <div key={k}>
                            <dt>{k}</dt>
                            <dd>{formatCell(v)}</dd>
                          </div>
                        ))}
                    </dl>
                  ) : (
                    <p class="muted small">The record is not readable as an entity.</p>
                  )}
                </article>
              ))}
            </div>
            {data.more > 0 && (
              <p class="muted small">
                And {formatCount(data.more)} more records (read them from <code>CustomerLink</code>
                ).
              </p>
            )}
          </section>

          <section class="panel" aria-labelledby="pairs-title">
            <h2 id="pairs-title" class="panel-title">
              Match pairs that joined them
            </h2>
            {data.pairs.length === 0 ? (
              <p class="muted">
                One source record, nothing matched: this profile was not joined with another.
              </p>
            ) : (
              <div class="table-wrap">
                <table class="table table-dense" data-testid="match-pairs">
                  <caption class="sr-only">Matched pairs of this profile</caption>
                  <thead>
                    <tr>
                      <th scope="col">Records</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Rule or probability</th>
                      <th scope="col">Scores per field</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.pairs.map((p) => {
                      const scores = parseScores(p.Scores);
                      const weight = scores.matchWeight;
                      return (
                        <tr
                          key={`${p.LeftSourceTable}/${p.LeftRecordId}/${p.RightSourceTable}/${p.RightRecordId}`}
                        >
                          <td>
                            <span class="mono block">
                              {recordLabel(p.LeftSourceTable, p.LeftRecordId)}
                            </span>
                            <span class="mono block">
                              ↔ {recordLabel(p.RightSourceTable, p.RightRecordId)}
                            </span>
                          </td>
                          <td>
                            {p.MatchKind === 'deduplication'
                              ? 'Duplicate in a table'
                              : 'Across tables'}
                          </td>
                          <td>
                            {p.Probability !== null ? (
                              <>
                                <strong>{(p.Probability * 100).toFixed(1)}%</strong>
                                {typeof weight === 'number' && (
                                  <span class="muted block small">weight {weight.toFixed(1)}</span>
                                )}
                              </>
                            ) : (
                              <span class="mono">{p.Rule}</span>
                            )}
                          </td>
                          <td>
                            <ScoreList scores={scores} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
